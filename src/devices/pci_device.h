// A PCI function: what a device model fills in to sit on the PCI bus
// (devices/pci_bus.h). The bus decodes configuration cycles, keeps BARs
// mapped on the port and MMIO buses, and routes INTx; the device supplies
// its identity, its BARs' handlers, and its own registers.
//
// How a device joins (virtio-pci is the intended user):
//
//   PciFunction fn("virtio-blk", {.vendor = 0x1AF4, .device = 0x1042,
//                                 .class_code = 0x01, .subclass = 0x00});
//   fn.set_bar(0, {.kind = PciBar::Kind::Memory, .size = 0x4000,
//                  .access = [this](uint64_t off, std::span<uint8_t> d, bool w) { ... }});
//   fn.set_interrupt_pin(1);                        // INTA#
//   fn.init_register(0x40, 1, 0x09, 0xFF);           // a device register (byte 40h, writable)
//   pci_bus.add(3, 0, fn);                          // bus 0, device 3, function 0
//   ...
//   fn.set_intx(true);                              // assert INTA#; set_intx(false) to drop it
//
// - Configuration space is 256 bytes, each with a mask of the bits the guest
//   may write and a mask of the bits a written 1 clears (status errors);
//   every other bit keeps the value the device gave it. The header (00h-3Fh)
//   is filled by the constructor, set_bar and set_interrupt_pin: command and
//   interrupt line writable, BARs sized by their masks (write all ones, read
//   back ~(size-1) | type bits), no expansion ROM, no capabilities until the
//   device adds them (init_register and the kStatusCapabilities bit).
// - BARs are I/O (4 to 256 bytes) or 32-bit memory (16 bytes to 2 GiB), a
//   power of two. While the command register enables the BAR's space and the
//   BAR holds a nonzero address, the bus keeps `access` mapped there
//   (offsets are relative to the BAR); a BAR programmed over another range
//   does not decode until it moves (counted as a conflict). Memory BARs over
//   RAM, ROM or the framebuffer never see an access: those addresses go to
//   memory first.
// - Hooks, all optional, run on the monitor's thread inside the guest's
//   configuration access: before_config_read (refresh a register the device
//   computes), on_config_write (after the bytes landed and the bus remapped
//   BARs), on_bar_change (a BAR started decoding at an address, or stopped:
//   nullopt).
// - INTx: set_intx(level) drives the function's pin. The bus ORs the
//   functions that share a PIRQ line (vm/pci_regs.h: pirq_of) and the
//   router passes it on as a level-triggered ISA IRQ. Command bit 10
//   (interrupt disable) masks it; status bit 3 follows the pin either way.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "vm/bus.h"
#include "vm/pci_regs.h"

namespace pxos {

// What a function is: its IDs and class code.
struct PciIdentity {
  uint16_t vendor = 0xFFFF, device = 0xFFFF;
  uint8_t class_code = 0, subclass = 0, prog_if = 0, revision = 0;
  uint16_t subsystem_vendor = 0, subsystem = 0;
};

struct PciBar {
  enum class Kind : uint8_t { None, Io, Memory };
  Kind kind = Kind::None;
  uint32_t size = 0;  // a power of two: I/O 4..256 bytes, memory 16 bytes..2 GiB
  bool prefetchable = false;
  IoCallback access = {};  // guest accesses within the BAR (unset: reads all ones, writes dropped)
};

struct PciFunctionStats {
  uint64_t config_reads = 0, config_writes = 0;
  uint64_t bar_maps = 0;       // a BAR started decoding somewhere
  uint64_t bar_conflicts = 0;  // a BAR wanted a range another device holds
  uint64_t intx_changes = 0;   // the pin changed level
};

class PciFunction {
 public:
  // Throws std::invalid_argument for a vendor ID of FFFFh (what an absent
  // function reads).
  PciFunction(std::string name, const PciIdentity& id);
  PciFunction(const PciFunction&) = delete;
  PciFunction& operator=(const PciFunction&) = delete;

  // ---- set up before the function joins the bus ----
  // Throws std::invalid_argument for an index out of 0-5 or a size that is
  // not a power of two in its kind's range.
  void set_bar(int index, PciBar bar);
  // 1 = INTA# .. 4 = INTD#, 0 = none. Throws std::invalid_argument above 4.
  void set_interrupt_pin(uint8_t pin);
  // A register of `size` bytes (1, 2, 4) at `reg`: its value, the bits the
  // guest may write, and the bits a written 1 clears.
  void init_register(uint8_t reg, int size, uint32_t value, uint32_t writable, uint32_t write_one_clears = 0);

  // ---- hooks (see the top of this file) ----
  std::function<void(uint8_t reg, int size)> before_config_read;
  std::function<void(uint8_t reg, int size)> on_config_write;
  std::function<void(int bar, std::optional<uint32_t> base)> on_bar_change;

  // ---- the interrupt pin ----
  void set_intx(bool level);
  bool intx() const { return intx_; }
  // Whether the pin reaches the router: asserted and not masked by command bit 10.
  bool intx_to_router() const { return intx_ && !(command() & pci::kCommandIntxDisable); }

  // ---- state ----
  const std::string& name() const { return name_; }
  uint8_t interrupt_pin() const { return config_[pci::kInterruptPin]; }
  uint16_t command() const { return uint16_t(read_le(pci::kCommand, 2)); }
  const PciBar& bar(int index) const { return bars_[size_t(index)]; }
  // Where BAR `index` decodes now (nullopt: it does not).
  std::optional<uint32_t> mapped_at(int index) const { return mapped_[size_t(index)]; }
  // The address BAR `index` holds, whether it decodes or not.
  uint32_t bar_address(int index) const;
  // Configuration space as the device holds it (no hooks, no counters).
  uint32_t read_le(uint8_t reg, int size) const;
  std::span<const uint8_t, pci::kConfigSize> config() const { return config_; }
  const PciFunctionStats& stats() const { return stats_; }

  // ---- for the bus (devices/pci_bus.cpp) ----
  // A guest read of `data.size()` bytes at `reg` (hooks and counters).
  void config_read(uint8_t reg, std::span<uint8_t> data);
  // A guest write through the masks; the bus then remaps and runs on_config_write.
  void config_write(uint8_t reg, std::span<const uint8_t> data);
  void set_mapped(int index, std::optional<uint32_t> base);
  void note_conflict() { ++stats_.bar_conflicts; }
  void set_multifunction(bool on);
  // Called when intx_to_router() may have changed (set by the bus).
  std::function<void()> on_intx;

 private:
  void put_le(uint8_t reg, int size, uint32_t value);

  std::string name_;
  std::array<uint8_t, pci::kConfigSize> config_{};
  std::array<uint8_t, pci::kConfigSize> writable_{};
  std::array<uint8_t, pci::kConfigSize> write_one_clears_{};
  std::array<PciBar, pci::kBarCount> bars_{};
  std::array<std::optional<uint32_t>, pci::kBarCount> mapped_{};
  bool intx_ = false;
  PciFunctionStats stats_;
};

}  // namespace pxos
