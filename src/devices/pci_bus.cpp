#include "devices/pci_bus.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <ostream>
#include <stdexcept>

namespace pxos {

using namespace pci;

namespace {

constexpr uint32_t kAddressWritable = kAddressEnable | 0x00FFFFFC;  // bits 30:24 and 1:0 read 0
constexpr uint64_t kIoSpace = 0x10000;

size_t slot(int device, int function) { return size_t(device * kFunctions + function); }

// Where BAR `i` of `fn` decodes now: its space enabled in the command
// register, a nonzero address, inside the space.
std::optional<uint32_t> decode_address(const PciFunction& fn, int i) {
  const PciBar& bar = fn.bar(i);
  uint32_t base = fn.bar_address(i);
  if (base == 0) return std::nullopt;
  if (bar.kind == PciBar::Kind::Io && (fn.command() & kCommandIo) && base + uint64_t{bar.size} <= kIoSpace) return base;
  if (bar.kind == PciBar::Kind::Memory && (fn.command() & kCommandMemory)) return base;
  return std::nullopt;
}

// Whether [reg, reg+n) reaches the command register or a BAR.
bool touches_decoding(uint8_t reg, size_t n) {
  auto overlaps = [&](unsigned first, unsigned end) { return reg < end && first < reg + n; };
  return overlaps(kCommand, kCommand + 2) || overlaps(kBar0, kBar0 + 4 * kBarCount);
}

void fill_ones(uint64_t, std::span<uint8_t> data, bool is_write) {
  if (!is_write) std::fill(data.begin(), data.end(), 0xFF);
}

}  // namespace

PciBus::PciBus(MmioBus& mmio, std::function<IrqLine(int irq)> irq_lines) : mmio_(mmio), router_(std::move(irq_lines)) {}

void PciBus::attach(PortBus& ports) {
  ports_ = &ports;
  ports.add("pci-address", kAddressPort, 1, [this](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (data.size() != 4) return fill_ones(0, data, is_write);  // not the address register: nothing here
    if (is_write)
      address_ = bytes_to_u32(data) & kAddressWritable;
    else
      u32_to_bytes(address_, data);
  });
  ports.add("pci-data", kDataPort, 4,
            [this](uint64_t off, std::span<uint8_t> data, bool is_write) { data_access(off, data, is_write); });
}

void PciBus::add(int device, int function, PciFunction& fn) {
  if (device < 0 || device >= kDevices || function < 0 || function >= kFunctions)
    throw std::logic_error("PCI slot out of range for " + fn.name());
  if (slots_[slot(device, function)])
    throw std::logic_error("PCI slot of " + fn.name() + " is taken by " + slots_[slot(device, function)]->name());
  slots_[slot(device, function)] = &fn;
  fn.on_intx = [this] { update_pirqs(); };
  bool siblings = false;
  for (int f = 1; f < kFunctions; ++f) siblings = siblings || slots_[slot(device, f)];
  if (PciFunction* f0 = slots_[slot(device, 0)]) f0->set_multifunction(siblings);
  update_pirqs();
}

PciFunction* PciBus::function(int device, int function) const {
  if (device < 0 || device >= kDevices || function < 0 || function >= kFunctions) return nullptr;
  // Functions 1-7 answer only beside a function 0.
  if (function != 0 && !slots_[slot(device, 0)]) return nullptr;
  return slots_[slot(device, function)];
}

void PciBus::data_access(uint64_t offset, std::span<uint8_t> data, bool is_write) {
  size_t inside = offset < 4 ? std::min<size_t>(data.size(), 4 - offset) : 0;
  // Bytes past CFFh are no one's.
  if (!is_write) std::fill(data.begin() + ptrdiff_t(inside), data.end(), 0xFF);
  std::span<uint8_t> mine = data.first(inside);
  uint8_t reg = uint8_t((address_ & 0xFC) + offset);
  int device = int(address_ >> 11 & 31), function = int(address_ >> 8 & 7);
  bool selected = (address_ & kAddressEnable) && (address_ >> 16 & 0xFF) == 0;
  if (!selected) {
    (is_write ? stats_.absent_writes : stats_.absent_reads)++;
    if (!is_write) std::fill(mine.begin(), mine.end(), 0xFF);
    return;
  }
  if (is_write)
    config_write(device, function, reg, mine);
  else
    config_read(device, function, reg, mine);
}

void PciBus::config_read(int device, int function, uint8_t reg, std::span<uint8_t> data) {
  data = data.first(std::min<size_t>(data.size(), 4 - (reg & 3u)));
  PciFunction* fn = this->function(device, function);
  if (!fn) {
    ++stats_.absent_reads;
    std::fill(data.begin(), data.end(), 0xFF);
    return;
  }
  ++stats_.config_reads;
  fn->config_read(reg, data);
}

void PciBus::config_write(int device, int function, uint8_t reg, std::span<const uint8_t> data) {
  data = data.first(std::min<size_t>(data.size(), 4 - (reg & 3u)));
  PciFunction* fn = this->function(device, function);
  if (!fn) {
    ++stats_.absent_writes;
    return;
  }
  ++stats_.config_writes;
  fn->config_write(reg, data);
  if (touches_decoding(reg, data.size())) remap();
  if (fn->on_config_write) fn->on_config_write(reg, int(data.size()));
}

uint32_t PciBus::read(int device, int function, uint8_t reg, int size) {
  uint8_t buf[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  size = std::clamp(size, 1, 4);
  config_read(device, function, reg, {buf, size_t(size)});
  return bytes_to_u32({buf, size_t(size)});
}

void PciBus::write(int device, int function, uint8_t reg, int size, uint32_t value) {
  uint8_t buf[4];
  size = std::clamp(size, 1, 4);
  u32_to_bytes(value, {buf, size_t(size)});
  config_write(device, function, reg, {buf, size_t(size)});
}

// Unmaps first, then maps: a BAR that moves onto the range another one just
// left finds it free.
void PciBus::remap() {
  for (PciFunction* fn : slots_) {
    if (!fn) continue;
    for (int i = 0; i < kBarCount; ++i)
      if (fn->mapped_at(i) && fn->mapped_at(i) != decode_address(*fn, i)) unmap(*fn, i);
  }
  for (PciFunction* fn : slots_) {
    if (!fn) continue;
    for (int i = 0; i < kBarCount; ++i) {
      std::optional<uint32_t> want = decode_address(*fn, i);
      if (want && !fn->mapped_at(i) && !map(*fn, i, *want)) fn->note_conflict();
    }
  }
}

void PciBus::unmap(PciFunction& fn, int bar) {
  uint32_t base = *fn.mapped_at(bar);
  if (fn.bar(bar).kind == PciBar::Kind::Io) {
    if (ports_) ports_->remove(uint16_t(base));
  } else {
    mmio_.remove(base);
  }
  fn.set_mapped(bar, std::nullopt);
}

bool PciBus::map(PciFunction& fn, int bar, uint32_t base) {
  const PciBar& b = fn.bar(bar);
  IoCallback cb = b.access ? b.access : IoCallback(fill_ones);
  std::string name = fn.name() + ".bar" + std::to_string(bar);
  bool ok = b.kind == PciBar::Kind::Io ? ports_ && ports_->try_add(std::move(name), uint16_t(base), b.size, cb)
                                       : mmio_.try_add(std::move(name), base, b.size, cb);
  if (ok) fn.set_mapped(bar, base);
  return ok;
}

void PciBus::update_pirqs() {
  std::array<bool, kPirqCount> level{};
  for (int d = 0; d < kDevices; ++d)
    for (int f = 0; f < kFunctions; ++f) {
      const PciFunction* fn = slots_[slot(d, f)];
      if (fn && fn->interrupt_pin() && fn->intx_to_router()) level[size_t(pirq_of(d, fn->interrupt_pin()))] = true;
    }
  for (int p = 0; p < kPirqCount; ++p) router_.set_pirq(p, level[size_t(p)]);
}

void PciBus::print_stats(std::ostream& os) const {
  os << "  pci: " << stats_.config_reads << " config reads, " << stats_.config_writes << " config writes, "
     << stats_.absent_reads << " reads and " << stats_.absent_writes << " writes that found no function\n";
  for (int d = 0; d < kDevices; ++d)
    for (int f = 0; f < kFunctions; ++f) {
      const PciFunction* fn = slots_[slot(d, f)];
      if (!fn) continue;
      const PciFunctionStats& s = fn->stats();
      char where[16];
      std::snprintf(where, sizeof where, "00:%02x.%d", d, f);
      os << "  pci " << where << " " << fn->name() << ": " << s.config_reads << " config reads, " << s.config_writes
         << " config writes, " << s.bar_maps << " BAR maps, " << s.bar_conflicts << " BAR conflicts, " << s.intx_changes
         << " INTx changes\n";
    }
}

}  // namespace pxos
