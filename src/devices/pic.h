// Intel 8259A programmable interrupt controllers: the PC/AT master/slave
// pair (master at 20h/21h, slave at A0h/A1h cascaded on the master's IR2),
// plus the PIIX-style edge/level control registers (ELCR) at 4D0h/4D1h.
//
// After reset both chips are *uninitialised*: every input masked (IMR=FFh),
// vector base 0, and INTR stays low until an ICW1..ICW4 sequence completes.
// Requests are still latched, so an interrupt raised before the BIOS
// programs the chips is delivered once the BIOS unmasks it. The BIOS
// programs bases 08h (master) and 70h (slave).
//
// Triggering: in edge mode (the default) a request is latched in IRR on a
// rising edge of set_irq() and stays latched until acknowledged, so
// IrqLine::pulse() works. In level mode (ICW1 LTIM, or an ELCR bit) IRR
// follows the input level, and a request that goes away before INTA gives a
// spurious IRQ7 (or IRQ15). A spurious IRQ7 also happens when the guest
// masks a pending request between INTR and INTA. A spurious IRQ7 returns
// base+7 without setting ISR bit 7; a spurious IRQ15 sets master ISR bit 2
// (the BIOS must EOI the master) but not slave ISR bit 7.
//
// The slave's INT output drives the master's IR2 input like any other
// device line: it is latched on its rising edge in the master's edge mode.
//
// Modelled: ICW1-ICW4 (8086 mode only; MCS-80 mode and buffered mode are
// stored and ignored), OCW1, all OCW2 commands (EOIs, rotations, set
// priority), OCW3 (IRR/ISR read select, poll, special mask mode), automatic
// EOI with rotate-on-AEOI, special fully nested mode on the master.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>

#include "vm/irq.h"
#include "vm/bus.h"

namespace pxos {

class Pic {
 public:
  static constexpr uint16_t kMasterCmd = 0x20, kMasterData = 0x21;
  static constexpr uint16_t kSlaveCmd = 0xA0, kSlaveData = 0xA1;
  static constexpr uint16_t kElcr = 0x4D0;  // 4D0h master, 4D1h slave
  static constexpr int kCascadeIrq = 2;

  struct Stats {
    std::array<uint64_t, 16> requests{};  // latched requests per IRQ
    uint64_t acknowledges = 0;
    uint64_t spurious_master = 0;  // IRQ7 with nothing to deliver
    uint64_t spurious_slave = 0;   // IRQ15 with nothing to deliver
    uint64_t eois = 0;
    uint64_t polls = 0;
    uint64_t inits = 0;  // ICW1 writes
  };

  Pic();
  void attach(PortBus& ports);

  // The IrqLine sink: IRQ 0..15, level true = asserted.
  void set_irq(int irq, bool level);
  IrqLine line(int irq);
  // IrqLine::kRequested when IRQ `irq`'s request bit (IRR) is set, kMasked when the mask hides it.
  uint8_t line_state(int irq) const;
  // The master's INTR output.
  bool intr_pending() const;
  // The INTA cycle: returns the vector and updates IRR/ISR on both chips.
  uint8_t acknowledge();
  // Called whenever INTR changes level (optional; for the engine's
  // interrupt-window logic).
  std::function<void(bool)> on_intr;

  // Port-level access (what the callbacks use), one byte.
  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

  // State for the monitor and tests. chip 0 = master, 1 = slave.
  uint8_t irr(int chip) const { return chips_[chip].irr; }
  uint8_t isr(int chip) const { return chips_[chip].isr; }
  uint8_t imr(int chip) const { return chips_[chip].imr; }
  uint8_t vector_base(int chip) const { return chips_[chip].base; }
  bool initialised(int chip) const { return chips_[chip].ready; }
  uint8_t elcr(int chip) const { return chips_[chip].elcr; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Chip {
    uint8_t irr = 0, isr = 0, imr = 0xFF;
    uint8_t lines = 0;   // current input levels
    uint8_t elcr = 0;    // 1 = level triggered
    uint8_t base = 0;    // ICW2 & F8h
    uint8_t icw3 = 0;    // master: slave map; slave: its id
    uint8_t lowest = 7;  // the lowest-priority IRQ (rotation)
    int icw_step = 0;    // 0 = ready, else the ICW expected next (2..4)
    bool ready = false;  // an ICW sequence completed
    bool icw4_needed = false;
    bool single = false;
    bool level_mode = false;  // ICW1 LTIM
    bool auto_eoi = false;
    bool rotate_on_aeoi = false;
    bool sfnm = false;      // special fully nested mode
    bool x86_mode = false;  // ICW4 uPM (stored)
    uint8_t buffered = 0;   // ICW4 BUF/M-S (stored)
    bool read_isr = false;  // OCW3 RIS
    bool poll = false;      // OCW3 P: the next read is a poll
    bool special_mask = false;
  };

  bool is_level(const Chip& c, int bit) const { return c.level_mode || (c.elcr >> bit & 1); }
  void set_input(int chip, int bit, bool level);
  int best_request(int chip) const;  // IRQ 0..7 the chip would deliver, or -1
  int highest_in_service(const Chip& c) const;
  void take(int chip, int bit);  // INTA on one chip: IRR -> ISR
  void eoi(Chip& c, int bit, bool rotate);
  void write_cmd(int chip, uint8_t v);
  void write_data(int chip, uint8_t v);
  uint8_t read_chip(int chip, bool data);
  void update();  // propagate the slave's output and INTR

  std::array<Chip, 2> chips_;
  bool intr_ = false;
  Stats stats_;
};

}  // namespace pxos
