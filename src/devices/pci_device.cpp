#include "devices/pci_device.h"

#include <bit>
#include <stdexcept>

namespace pxos {

using namespace pci;

namespace {
constexpr uint32_t kMaxIoBar = 256, kMinIoBar = 4;
constexpr uint32_t kMaxMemoryBar = 0x80000000, kMinMemoryBar = 16;
// I/O BARs decode 16 address bits (the upper half reads 0), as most devices do.
constexpr uint32_t kIoDecodeMask = 0x0000FFFC;
constexpr uint16_t kCommandWritable =
    kCommandIo | kCommandMemory | kCommandBusMaster | kCommandParity | kCommandSerr | kCommandIntxDisable;
}  // namespace

PciFunction::PciFunction(std::string name, const PciIdentity& id) : name_(std::move(name)) {
  if (id.vendor == 0xFFFF) throw std::invalid_argument("PCI function " + name_ + ": vendor ID FFFFh means absent");
  put_le(kVendorId, 2, id.vendor);
  put_le(kDeviceId, 2, id.device);
  config_[kRevision] = id.revision;
  config_[kProgIf] = id.prog_if;
  config_[kSubclass] = id.subclass;
  config_[kClassCode] = id.class_code;
  put_le(kSubsystemVendorId, 2, id.subsystem_vendor);
  put_le(kSubsystemId, 2, id.subsystem);
  init_register(kCommand, 2, 0, kCommandWritable);
  init_register(kStatus, 2, 0, 0, kStatusWriteOneToClear);
  init_register(kCacheLineSize, 1, 0, 0xFF);
  init_register(kLatencyTimer, 1, 0, 0xFF);
  init_register(kInterruptLine, 1, 0, 0xFF);
}

void PciFunction::set_bar(int index, PciBar bar) {
  if (index < 0 || index >= kBarCount)
    throw std::invalid_argument("PCI function " + name_ + ": no BAR " + std::to_string(index));
  uint32_t value = 0, writable = 0;
  auto bad_size = [&] {
    return std::invalid_argument("PCI function " + name_ + ": BAR " + std::to_string(index) + " of " +
                                 std::to_string(bar.size) + " bytes");
  };
  switch (bar.kind) {
    case PciBar::Kind::None: bar = {}; break;
    case PciBar::Kind::Io:
      if (!std::has_single_bit(bar.size) || bar.size < kMinIoBar || bar.size > kMaxIoBar) throw bad_size();
      value = kBarIo;
      writable = ~(bar.size - 1) & kIoDecodeMask;
      bar.prefetchable = false;
      break;
    case PciBar::Kind::Memory:
      if (!std::has_single_bit(bar.size) || bar.size < kMinMemoryBar || bar.size > kMaxMemoryBar) throw bad_size();
      value = bar.prefetchable ? kBarPrefetchable : 0;
      writable = ~(bar.size - 1) & kBarMemMask;
      break;
  }
  bars_[size_t(index)] = std::move(bar);
  init_register(bar_register(index), 4, value, writable);
}

void PciFunction::set_interrupt_pin(uint8_t pin) {
  if (pin > 4) throw std::invalid_argument("PCI function " + name_ + ": interrupt pin " + std::to_string(pin));
  config_[kInterruptPin] = pin;
}

void PciFunction::init_register(uint8_t reg, int size, uint32_t value, uint32_t writable, uint32_t write_one_clears) {
  for (int i = 0; i < size && reg + i < kConfigSize; ++i) {
    config_[size_t(reg + i)] = uint8_t(value >> (8 * i));
    writable_[size_t(reg + i)] = uint8_t(writable >> (8 * i));
    write_one_clears_[size_t(reg + i)] = uint8_t(write_one_clears >> (8 * i));
  }
}

void PciFunction::set_multifunction(bool on) {
  config_[kHeaderType] =
      uint8_t(on ? config_[kHeaderType] | kHeaderMultiFunction : config_[kHeaderType] & ~kHeaderMultiFunction);
}

uint32_t PciFunction::read_le(uint8_t reg, int size) const {
  uint32_t v = 0;
  for (int i = 0; i < size && i < 4; ++i)
    v |= uint32_t{reg + i < kConfigSize ? config_[size_t(reg + i)] : uint8_t{0xFF}} << (8 * i);
  return v;
}

void PciFunction::put_le(uint8_t reg, int size, uint32_t value) {
  for (int i = 0; i < size && reg + i < kConfigSize; ++i) config_[size_t(reg + i)] = uint8_t(value >> (8 * i));
}

uint32_t PciFunction::bar_address(int index) const {
  uint32_t raw = read_le(bar_register(index), 4);
  switch (bars_[size_t(index)].kind) {
    case PciBar::Kind::Io: return raw & kBarIoMask;
    case PciBar::Kind::Memory: return raw & kBarMemMask;
    case PciBar::Kind::None: break;
  }
  return 0;
}

void PciFunction::set_intx(bool level) {
  if (level == intx_) return;
  intx_ = level;
  ++stats_.intx_changes;
  uint16_t status = uint16_t(read_le(kStatus, 2));
  put_le(kStatus, 2, level ? status | kStatusInterrupt : status & ~kStatusInterrupt);
  if (on_intx) on_intx();
}

void PciFunction::config_read(uint8_t reg, std::span<uint8_t> data) {
  ++stats_.config_reads;
  if (before_config_read) before_config_read(reg, int(data.size()));
  for (size_t i = 0; i < data.size(); ++i) data[i] = reg + i < kConfigSize ? config_[reg + i] : 0xFF;
}

void PciFunction::config_write(uint8_t reg, std::span<const uint8_t> data) {
  ++stats_.config_writes;
  bool routed = intx_to_router();
  for (size_t i = 0; i < data.size() && reg + i < kConfigSize; ++i) {
    size_t at = reg + i;
    uint8_t v = data[i];
    config_[at] = uint8_t(((config_[at] & ~writable_[at]) | (v & writable_[at])) & ~(v & write_one_clears_[at]));
  }
  if (routed != intx_to_router() && on_intx) on_intx();
}

void PciFunction::set_mapped(int index, std::optional<uint32_t> base) {
  mapped_[size_t(index)] = base;
  if (base) ++stats_.bar_maps;
  if (on_bar_change) on_bar_change(index, base);
}

}  // namespace pxos
