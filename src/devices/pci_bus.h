// PCI bus 0 behind a host bridge with configuration mechanism #1: a dword
// write to CF8h selects bus, device, function and register (bit 31 enables
// the cycle); CFCh-CFFh then reach that dword's bytes, by byte, word or
// dword at any offset (bytes past CFFh read all ones). Only dword accesses
// reach the address register at CF8h: narrower ones there, and port CF9h
// (the reset control register of PIIX chipsets, not this bus's), belong to
// whoever claims them.
//
// A cycle with bit 31 clear, to another bus, or to an absent function reads
// all ones and writes nothing. Functions 1-7 of a device exist only beside
// its function 0 (add() sets function 0's multi-function bit).
//
// After each configuration write that touches a command register or a BAR,
// the bus maps every function's BARs where they now decode (pci_device.h).
// INTx: each function's pin goes to PIRQ[(device + pin - 1) mod 4] (vm/pci_regs.h),
// the router (pci_irq_router.h) takes the OR of each PIRQ's functions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>

#include "devices/pci_device.h"
#include "devices/pci_irq_router.h"
#include "vm/bus.h"
#include "vm/irq.h"

namespace pxos {

class PciBus {
 public:
  struct Stats {
    uint64_t config_reads = 0, config_writes = 0;
    uint64_t absent_reads = 0;  // reads that found no function (or bit 31 clear, another bus)
    uint64_t absent_writes = 0;
  };

  // `mmio` holds memory BARs; `irq_lines(n)` is ISA IRQ n's line (the router's outputs).
  PciBus(MmioBus& mmio, std::function<IrqLine(int irq)> irq_lines);
  // Claims CF8h and CFCh-CFFh; I/O BARs are mapped on this bus too.
  void attach(PortBus& ports);

  // Puts `fn` at `device` (0-31), `function` (0-7) of bus 0. The function
  // must outlive the bus. Throws std::logic_error for a taken slot or one out
  // of range.
  void add(int device, int function, PciFunction& fn);
  PciFunction* function(int device, int function) const;

  // Configuration cycles on bus 0 as CFCh-CFFh make them (tests and the
  // fuzzer call these directly): `reg` is any byte offset, the access stays
  // within its dword (bytes beyond it read all ones, writes to them are
  // dropped).
  void config_read(int device, int function, uint8_t reg, std::span<uint8_t> data);
  void config_write(int device, int function, uint8_t reg, std::span<const uint8_t> data);
  uint32_t read(int device, int function, uint8_t reg, int size);
  void write(int device, int function, uint8_t reg, int size, uint32_t value);

  uint32_t address() const { return address_; }
  PciIrqRouter& router() { return router_; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  void data_access(uint64_t offset, std::span<uint8_t> data, bool is_write);
  void remap();  // every BAR where its function now decodes it
  void unmap(PciFunction& fn, int bar);
  bool map(PciFunction& fn, int bar, uint32_t base);
  void update_pirqs();

  MmioBus& mmio_;
  PortBus* ports_ = nullptr;
  PciIrqRouter router_;
  std::array<PciFunction*, pci::kDevices * pci::kFunctions> slots_{};
  uint32_t address_ = 0;
  Stats stats_;
};

}  // namespace pxos
