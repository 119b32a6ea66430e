#include "bios/pci_post.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bios/pci_config.h"
#include "bios/pci_irq_table.h"
#include "vm/pci_regs.h"

namespace pxos {

using namespace pci;

namespace {

constexpr uint32_t kMinMemoryAlign = 0x1000;

struct BarRequest {
  PciLocation at;
  uint8_t reg;  // the BAR's register (the lower half of a 64-bit BAR)
  bool io;
  bool is64;
  uint64_t size;
};

void say(BiosContext& bios, const std::string& line) {
  if (bios.config.verbose && bios.config.on_message) bios.config.on_message("bios: pci: " + line);
}

std::string where(PciLocation at, uint8_t reg) {
  char s[48];
  std::snprintf(s, sizeof s, "00:%02x.%d BAR at %02Xh", at.device(), at.function(), reg);
  return s;
}

// Sizes the BARs of one type 0 function (decoding off meanwhile); appends
// what it wants.
void size_bars(BiosContext& bios, PciLocation at, std::vector<BarRequest>& out) {
  for (int i = 0; i < kBarCount; ++i) {
    uint8_t reg = bar_register(i);
    uint32_t old = pci_config_read(bios, at, reg, 4);
    pci_config_write(bios, at, reg, 4, 0xFFFFFFFF);
    uint32_t mask = pci_config_read(bios, at, reg, 4);
    pci_config_write(bios, at, reg, 4, old);
    if (mask == 0 || mask == 0xFFFFFFFF) continue;  // no BAR (or the function went away)
    if (mask & kBarIo) {
      uint32_t m = mask & kBarIoMask;
      if (!(m & 0xFFFF0000)) m |= 0xFFFF0000;  // a 16-bit decoder
      out.push_back({at, reg, true, false, uint64_t{~m} + 1});
      continue;
    }
    bool is64 = (mask & 0x6) == kBarMem64 && i + 1 < kBarCount;
    uint64_t m = mask & kBarMemMask;
    if (is64) {
      uint8_t hi = uint8_t(reg + 4);
      uint32_t old_hi = pci_config_read(bios, at, hi, 4);
      pci_config_write(bios, at, hi, 4, 0xFFFFFFFF);
      uint32_t mask_hi = pci_config_read(bios, at, hi, 4);
      pci_config_write(bios, at, hi, 4, old_hi);
      ++i;
      if (mask_hi != 0xFFFFFFFF) {
        say(bios, where(at, reg) + ": a 64-bit BAR of 4 GiB or more, left unassigned");
        continue;
      }
    }
    out.push_back({at, reg, false, is64, (uint64_t{~uint32_t(m)} + 1) & 0xFFFFFFFF});
  }
}

// Places each BAR at the next address aligned to its size, the largest
// first; returns what each function got, as command bits to enable.
void assign(BiosContext& bios, std::vector<BarRequest>& bars, std::vector<std::pair<uint8_t, uint16_t>>& enable) {
  std::stable_sort(bars.begin(), bars.end(), [](const BarRequest& a, const BarRequest& b) { return a.size > b.size; });
  uint64_t io_next = kPciIoBase, mem_next = kPciMemoryBase;
  for (const BarRequest& b : bars) {
    uint64_t align = b.io ? b.size : std::max<uint64_t>(b.size, kMinMemoryAlign);
    uint64_t& next = b.io ? io_next : mem_next;
    uint64_t base = (next + align - 1) / align * align;
    if (b.size == 0 || base + b.size > (b.io ? kPciIoEnd : kPciMemoryEnd)) {
      say(bios, where(b.at, b.reg) + ": no room for " + std::to_string(b.size) + " bytes");
      continue;
    }
    next = base + std::max(b.size, b.io ? b.size : align);
    pci_config_write(bios, b.at, b.reg, 4, uint32_t(base));
    if (b.is64) pci_config_write(bios, b.at, uint8_t(b.reg + 4), 4, 0);
    auto it = std::find_if(enable.begin(), enable.end(), [&](const auto& e) { return e.first == b.at.devfn; });
    uint16_t bit = b.io ? kCommandIo : kCommandMemory;
    if (it == enable.end())
      enable.push_back({b.at.devfn, bit});
    else
      it->second |= bit;
  }
}

// Routes PIRQA-D through the router's registers, sets their IRQs level
// triggered, and returns the router's $PIR description (none: devfn FFh).
PirRouter route_pirqs(BiosContext& bios) {
  PirRouter router{0, 0xFF, 0, 0};
  pci_for_each_function(bios, [&](PciLocation at) {
    uint32_t id = pci_config_read(bios, at, kVendorId, 4);
    if (pci_config_read(bios, at, kSubclass, 2) != kClassIsaBridge || id != 0x70008086u) return false;
    router = {at.bus, at.devfn, uint16_t(id), uint16_t(id >> 16)};
    return true;
  });
  if (router.devfn == 0xFF) return router;
  uint16_t level = 0;
  for (int p = 0; p < kPirqCount; ++p) {
    pci_config_write(bios, {router.bus, router.devfn}, uint8_t(kPirqRouteBase + p), 1, kPirqIrq[p]);
    level |= uint16_t(1u << kPirqIrq[p]);
  }
  set_level_triggered(bios, level);
  return router;
}

}  // namespace

void pci_post(BiosContext& bios) {
  if (!pci_present(bios)) {
    install_pir_table(bios.mem, {});
    return;
  }
  std::vector<PciLocation> functions;
  std::vector<uint8_t> devices;
  pci_for_each_function(bios, [&](PciLocation at) {
    functions.push_back(at);
    if (devices.empty() || devices.back() != at.device()) devices.push_back(at.device());
    return false;
  });
  std::vector<BarRequest> bars;
  std::vector<std::pair<uint8_t, uint16_t>> enable;  // devfn, command bits
  for (PciLocation at : functions) {
    if ((pci_config_read(bios, at, kHeaderType, 1) & 0x7F) != 0) continue;  // bridges to other buses: none here
    uint16_t command = uint16_t(pci_config_read(bios, at, kCommand, 2));
    pci_config_write(bios, at, kCommand, 2, command & ~(kCommandIo | kCommandMemory));
    size_bars(bios, at, bars);
  }
  assign(bios, bars, enable);
  PirRouter router = route_pirqs(bios);
  for (PciLocation at : functions) {
    uint16_t bits = kCommandBusMaster;
    for (const auto& [devfn, b] : enable)
      if (devfn == at.devfn) bits |= b;
    uint16_t command = uint16_t(pci_config_read(bios, at, kCommand, 2));
    pci_config_write(bios, at, kCommand, 2, command | bits);
    uint8_t pin = uint8_t(pci_config_read(bios, at, kInterruptPin, 1));
    if (pin >= 1 && pin <= 4) pci_config_write(bios, at, kInterruptLine, 1, kPirqIrq[pirq_of(at.device(), pin)]);
  }
  if (router.devfn == 0xFF) {
    say(bios, "no PIIX3 interrupt router on bus 0: no $PIR table");
    install_pir_table(bios.mem, {});
    return;
  }
  if (!install_pir_table(bios.mem, build_pir_table(devices, router)))
    say(bios, "the $PIR table does not fit its room in the ROM");
}

}  // namespace pxos
