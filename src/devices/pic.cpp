#include "devices/pic.h"

#include <ostream>

namespace pxos {

namespace {
// Command port (A0 = 0) writes: which word it is.
constexpr uint8_t kIcw1 = 0x10;        // D4 = 1: ICW1
constexpr uint8_t kIcw1Ic4 = 0x01;     // ICW4 follows
constexpr uint8_t kIcw1Single = 0x02;  // no cascade (no ICW3)
constexpr uint8_t kIcw1Ltim = 0x08;    // level-triggered inputs
constexpr uint8_t kOcw3 = 0x08;        // D4 = 0, D3 = 1: OCW3 (else OCW2)
constexpr uint8_t kOcw3Rr = 0x02, kOcw3Ris = 0x01, kOcw3Poll = 0x04;
constexpr uint8_t kOcw3Esmm = 0x40, kOcw3Smm = 0x20;
// ICW4 bits.
constexpr uint8_t kIcw4Upm = 0x01, kIcw4Aeoi = 0x02, kIcw4Sfnm = 0x10;
// OCW2 commands (bits 7:5 = R SL EOI).
enum Ocw2 : uint8_t {
  kRotateAeoiClear = 0,
  kNonSpecificEoi = 1,
  kNop = 2,
  kSpecificEoi = 3,
  kRotateAeoiSet = 4,
  kRotateNonSpecificEoi = 5,
  kSetPriority = 6,
  kRotateSpecificEoi = 7,
};
// Poll word: I bit set when an interrupt was pending.
constexpr uint8_t kPollInterrupt = 0x80;
// ELCR bits that must stay edge (IRQ0, 1, 2 on the master; 8 and 13 on the slave).
constexpr uint8_t kElcrMask[2] = {0xF8, 0xDE};
}  // namespace

Pic::Pic() = default;

void Pic::attach(PortBus& ports) {
  // A wider access is byte cycles at consecutive ports (OUT DX,AX to an index port writes index, then data).
  auto cb = [this](uint16_t first, uint32_t count) {
    return byte_registers(
        first, count, [this](uint16_t p) { return read(p); }, [this](uint16_t p, uint8_t v) { write(p, v); });
  };
  ports.add("pic-master", kMasterCmd, 2, cb(kMasterCmd, 2));
  ports.add("pic-slave", kSlaveCmd, 2, cb(kSlaveCmd, 2));
  ports.add("pic-elcr", kElcr, 2, cb(kElcr, 2));
}

IrqLine Pic::line(int irq) {
  return IrqLine{[this](int n, bool level) { set_irq(n, level); }, irq, [this](int n) { return line_state(n); }};
}

uint8_t Pic::line_state(int irq) const {
  if (irq < 0 || irq > 15) return 0;
  if (irq == kCascadeIrq) irq = 9;
  const Chip& c = chips_[irq >> 3];
  bool requested = c.irr >> (irq & 7) & 1;
  bool masked = (c.imr >> (irq & 7) & 1) || (irq >= 8 && (chips_[0].imr >> kCascadeIrq & 1));
  return uint8_t((requested ? IrqLine::kRequested : 0) | (masked ? IrqLine::kMasked : 0));
}

void Pic::set_irq(int irq, bool level) {
  if (irq < 0 || irq > 15) return;
  if (irq == kCascadeIrq) irq = 9;  // the AT's IRQ2 bus line is wired to IR1 of the slave
  int chip = irq >> 3, bit = irq & 7;
  uint8_t before = chips_[chip].irr;
  set_input(chip, bit, level);
  if (!(before >> bit & 1) && (chips_[chip].irr >> bit & 1)) ++stats_.requests[irq];
  update();
}

void Pic::set_input(int chip, int bit, bool level) {
  Chip& c = chips_[chip];
  uint8_t mask = uint8_t(1u << bit);
  bool was = c.lines & mask;
  if (level)
    c.lines |= mask;
  else
    c.lines &= uint8_t(~mask);
  if (is_level(c, bit)) {
    if (level)
      c.irr |= mask;
    else
      c.irr &= uint8_t(~mask);
  } else if (level && !was) {
    c.irr |= mask;  // the edge-sense latch
  }
}

int Pic::highest_in_service(const Chip& c) const {
  for (int r = 0; r < 8; ++r) {
    int irq = (c.lowest + 1 + r) & 7;
    if (c.isr >> irq & 1) return irq;
  }
  return -1;
}

int Pic::best_request(int chip) const {
  const Chip& c = chips_[chip];
  uint8_t pending = c.irr & uint8_t(~c.imr);
  if (!pending) return -1;
  int best = -1, best_rank = 8;
  for (int r = 0; r < 8; ++r) {
    int irq = (c.lowest + 1 + r) & 7;
    if (pending >> irq & 1) {
      best = irq;
      best_rank = r;
      break;
    }
  }
  uint8_t blocking = c.isr;
  if (c.special_mask) blocking &= uint8_t(~c.imr);  // masked levels do not inhibit
  if (chip == 0 && c.sfnm && best == kCascadeIrq) blocking &= uint8_t(~(1u << kCascadeIrq));
  for (int r = 0; r < best_rank; ++r) {
    int irq = (c.lowest + 1 + r) & 7;
    if (blocking >> irq & 1) return -1;  // a higher or equal level is in service
  }
  if (blocking >> best & 1) return -1;
  return best;
}

void Pic::take(int chip, int bit) {
  Chip& c = chips_[chip];
  uint8_t mask = uint8_t(1u << bit);
  if (!is_level(c, bit)) c.irr &= uint8_t(~mask);
  if (c.auto_eoi) {
    if (c.rotate_on_aeoi) c.lowest = uint8_t(bit);
  } else {
    c.isr |= mask;
  }
}

void Pic::update() {
  Chip& m = chips_[0];
  if (!m.single) {
    bool slave_out = chips_[1].ready && best_request(1) >= 0;
    set_input(0, kCascadeIrq, slave_out);
  }
  bool intr = m.ready && best_request(0) >= 0;
  if (intr != intr_) {
    intr_ = intr;
    if (on_intr) on_intr(intr);
  }
}

bool Pic::intr_pending() const { return intr_; }

uint8_t Pic::acknowledge() {
  Chip& m = chips_[0];
  int irq = m.ready ? best_request(0) : -1;
  uint8_t vector;
  if (irq < 0) {
    ++stats_.spurious_master;  // the request went away: IR7, ISR untouched
    vector = uint8_t(m.base | 7);
  } else {
    ++stats_.acknowledges;
    take(0, irq);
    if (irq == kCascadeIrq && !m.single) {
      int s = best_request(1);
      if (s < 0) {
        ++stats_.spurious_slave;
        vector = uint8_t(chips_[1].base | 7);
      } else {
        take(1, s);
        vector = uint8_t(chips_[1].base | s);
      }
      set_input(0, kCascadeIrq, false);  // the slave's INT drops during INTA
    } else {
      vector = uint8_t(m.base | irq);
    }
  }
  update();
  return vector;
}

void Pic::eoi(Chip& c, int bit, bool rotate) {
  ++stats_.eois;
  if (bit < 0) return;
  c.isr &= uint8_t(~(1u << bit));
  if (rotate) c.lowest = uint8_t(bit);
}

void Pic::write_cmd(int chip, uint8_t v) {
  Chip& c = chips_[chip];
  if (v & kIcw1) {
    ++stats_.inits;
    c.icw_step = 2;
    c.ready = false;
    c.icw4_needed = v & kIcw1Ic4;
    c.single = v & kIcw1Single;
    c.level_mode = v & kIcw1Ltim;
    c.imr = 0;
    c.isr = 0;
    c.irr = 0;                                                // edge-sense latches reset: a new rising edge is needed
    if (chip == 0) c.lines &= uint8_t(~(1u << kCascadeIrq));  // re-sample the slave's output
    for (int b = 0; b < 8; ++b)
      if (is_level(c, b) && (c.lines >> b & 1)) c.irr |= uint8_t(1u << b);
    c.lowest = 7;
    c.special_mask = false;
    c.read_isr = false;
    c.poll = false;
    c.rotate_on_aeoi = false;
    if (!c.icw4_needed) {
      c.auto_eoi = c.sfnm = c.x86_mode = false;
      c.buffered = 0;
    }
  } else if (v & kOcw3) {
    if (v & kOcw3Poll) c.poll = true;
    if (v & kOcw3Rr) c.read_isr = v & kOcw3Ris;
    if (v & kOcw3Esmm) c.special_mask = v & kOcw3Smm;
  } else {
    int level = v & 7;
    switch (Ocw2(v >> 5)) {
      case kRotateAeoiClear: c.rotate_on_aeoi = false; break;
      case kRotateAeoiSet: c.rotate_on_aeoi = true; break;
      case kNonSpecificEoi: eoi(c, highest_in_service(c), false); break;
      case kRotateNonSpecificEoi: eoi(c, highest_in_service(c), true); break;
      case kSpecificEoi: eoi(c, level, false); break;
      case kRotateSpecificEoi: eoi(c, level, true); break;
      case kSetPriority: c.lowest = uint8_t(level); break;
      case kNop: break;
    }
  }
  update();
}

void Pic::write_data(int chip, uint8_t v) {
  Chip& c = chips_[chip];
  switch (c.icw_step) {
    case 2:
      c.base = v & 0xF8;
      c.icw_step = !c.single ? 3 : c.icw4_needed ? 4 : 0;
      break;
    case 3:
      c.icw3 = v;
      c.icw_step = c.icw4_needed ? 4 : 0;
      break;
    case 4:
      c.x86_mode = v & kIcw4Upm;
      c.auto_eoi = v & kIcw4Aeoi;
      c.buffered = (v >> 2) & 3;
      c.sfnm = v & kIcw4Sfnm;
      c.icw_step = 0;
      break;
    default:
      c.imr = v;  // OCW1
      break;
  }
  if (c.icw_step == 0) c.ready = true;
  update();
}

uint8_t Pic::read_chip(int chip, bool data) {
  Chip& c = chips_[chip];
  if (c.poll) {
    // The poll command: this read is the acknowledge (no vector cycle).
    c.poll = false;
    ++stats_.polls;
    int irq = best_request(chip);
    if (irq < 0) return 0;
    take(chip, irq);
    update();
    return uint8_t(kPollInterrupt | irq);
  }
  if (data) return c.imr;
  return c.read_isr ? c.isr : c.irr;
}

uint8_t Pic::read(uint16_t port) {
  switch (port) {
    case kMasterCmd: return read_chip(0, false);
    case kMasterData: return read_chip(0, true);
    case kSlaveCmd: return read_chip(1, false);
    case kSlaveData: return read_chip(1, true);
    case kElcr: return chips_[0].elcr;
    case kElcr + 1: return chips_[1].elcr;
    default: return 0xFF;
  }
}

void Pic::write(uint16_t port, uint8_t value) {
  switch (port) {
    case kMasterCmd: write_cmd(0, value); break;
    case kMasterData: write_data(0, value); break;
    case kSlaveCmd: write_cmd(1, value); break;
    case kSlaveData: write_data(1, value); break;
    case kElcr:
    case kElcr + 1: {
      int chip = port - kElcr;
      Chip& c = chips_[chip];
      c.elcr = value & kElcrMask[chip];
      for (int b = 0; b < 8; ++b)
        if (is_level(c, b)) {
          if (c.lines >> b & 1)
            c.irr |= uint8_t(1u << b);
          else
            c.irr &= uint8_t(~(1u << b));
        }
      update();
      break;
    }
    default: break;
  }
}

void Pic::print_stats(std::ostream& os) const {
  os << "  pic: " << stats_.acknowledges << " acknowledged, " << stats_.spurious_master << " spurious IRQ7, "
     << stats_.spurious_slave << " spurious IRQ15, " << stats_.eois << " EOIs, " << stats_.polls << " polls, "
     << stats_.inits << " inits\n";
  os << "  pic requests:";
  for (int i = 0; i < 16; ++i)
    if (stats_.requests[i]) os << " irq" << i << "=" << stats_.requests[i];
  os << "\n";
}

}  // namespace pxos
