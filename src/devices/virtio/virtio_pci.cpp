#include "devices/virtio/virtio_pci.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "devices/virtio/virtio_regs.h"

namespace pxos {

using namespace virtio;

namespace {

// The common configuration's fields: offset and width.
struct Field {
  uint32_t offset, size;
};
constexpr Field kFields[] = {
    {kDeviceFeatureSelect, 4}, {kDeviceFeature, 4}, {kDriverFeatureSelect, 4}, {kDriverFeature, 4},
    {kConfigMsixVector, 2},    {kNumQueues, 2},     {kDeviceStatus, 1},        {kConfigGeneration, 1},
    {kQueueSelect, 2},         {kQueueSize, 2},     {kQueueMsixVector, 2},     {kQueueEnable, 2},
    {kQueueNotifyOff, 2},      {kQueueDesc, 8},     {kQueueDriver, 8},         {kQueueDevice, 8},
};

// Ring features every device here offers, with VERSION_1.
constexpr uint64_t kTransportFeatures = bit(kFeatureVersion1) | bit(kFeatureIndirectDesc) | bit(kFeatureEventIdx);

uint64_t load_le(std::span<const uint8_t> d) {
  uint64_t v = 0;
  for (size_t i = 0; i < d.size() && i < 8; ++i) v |= uint64_t{d[i]} << (8 * i);
  return v;
}
void store_le(uint64_t v, std::span<uint8_t> d) {
  for (size_t i = 0; i < d.size(); ++i) d[i] = i < 8 ? uint8_t(v >> (8 * i)) : 0;
}

}  // namespace

VirtioPci::VirtioPci(std::string name, GuestMemory& mem, VirtioDevice& device)
    : name_(name),
      mem_(mem),
      device_(device),
      fn_(std::move(name), {.vendor = kPciVendor,
                            .device = uint16_t(kPciDeviceBase + device.device_type()),
                            .class_code = device.pci_class(),
                            .subclass = device.pci_subclass(),
                            .revision = kPciRevision,
                            .subsystem_vendor = kPciSubsystemVendor,
                            .subsystem = kPciSubsystem}),
      offered_(device.device_features() | kTransportFeatures),
      queues_(size_t(device.queue_count())) {
  fn_.set_bar(kBar, {.kind = PciBar::Kind::Memory,
                     .size = kBarSize,
                     .access = [this](uint64_t off, std::span<uint8_t> d, bool w) { bar_access(off, d, w); }});
  fn_.set_interrupt_pin(1);
  add_capabilities();
  reset();
  stats_.resets = 0;
}

void VirtioPci::join(PciBus& bus, int device) { bus.add(device, 0, fn_); }

// The vendor capabilities (virtio 1.1, 4.1.4), a list from kCapCommonAt.
void VirtioPci::add_capabilities() {
  fn_.init_register(pci::kStatus, 2, pci::kStatusCapabilities, 0, pci::kStatusWriteOneToClear);
  fn_.init_register(pci::kCapabilities, 1, kCapCommonAt, 0);
  struct Cap {
    uint8_t at, next, len, type;
    uint32_t offset, length;
  };
  const Cap caps[] = {
      {kCapCommonAt, kCapNotifyAt, kCapLength, kCapCommon, kCommonOffset, kCommonConfigSize},
      {kCapNotifyAt, kCapIsrAt, kNotifyCapLength, kCapNotify, kNotifyOffset, kRegionSize},
      {kCapIsrAt, kCapDeviceAt, kCapLength, kCapIsr, kIsrOffset, 1},
      {kCapDeviceAt, kCapPciCfgAt, kCapLength, kCapDevice, kDeviceOffset, kRegionSize},
      {kCapPciCfgAt, 0, kPciCfgCapLength, kCapPciCfg, 0, 0},
  };
  for (const Cap& c : caps) {
    fn_.init_register(c.at, 4,
                      uint32_t{kCapVendor} | uint32_t{c.next} << 8 | uint32_t{c.len} << 16 | uint32_t{c.type} << 24, 0);
    fn_.init_register(uint8_t(c.at + kCapBar), 4, kBar, 0);
    fn_.init_register(uint8_t(c.at + kCapOffset), 4, c.offset, 0);
    fn_.init_register(uint8_t(c.at + kCapLengthField), 4, c.length, 0);
  }
  fn_.init_register(kCapNotifyAt + kCapNotifyMultiplier, 4, kNotifyMultiplier, 0);
  // The access window: the driver writes bar, offset and length (1, 2 or 4),
  // then reads or writes pci_cfg_data.
  fn_.init_register(kCapPciCfgAt + kCapBar, 1, 0, 0xFF);
  fn_.init_register(kCapPciCfgAt + kCapOffset, 4, 0, 0xFFFFFFFF);
  fn_.init_register(kCapPciCfgAt + kCapLengthField, 4, 0, 0xFFFFFFFF);
  fn_.init_register(kCapPciCfgAt + kCapPciCfgData, 4, 0, 0xFFFFFFFF);
  auto touches_data = [](uint8_t reg, int size) {
    return reg < kCapPciCfgAt + kCapPciCfgData + 4 && reg + size > kCapPciCfgAt + kCapPciCfgData;
  };
  fn_.before_config_read = [this, touches_data](uint8_t reg, int size) {
    if (touches_data(reg, size)) pci_cfg_read();
  };
  fn_.on_config_write = [this, touches_data](uint8_t reg, int size) {
    if (touches_data(reg, size)) pci_cfg_write();
  };
}

// The window's access: BAR 0 only, a length of 1, 2 or 4 inside the BAR
// and aligned to it; anything else reaches nothing.
void VirtioPci::pci_cfg_read() {
  uint32_t bar = fn_.read_le(kCapPciCfgAt + kCapBar, 1), off = fn_.read_le(kCapPciCfgAt + kCapOffset, 4);
  uint32_t len = fn_.read_le(kCapPciCfgAt + kCapLengthField, 4);
  if (bar != kBar || (len != 1 && len != 2 && len != 4) || off % len || off >= kBarSize) return;
  uint32_t v = bar_read(off, int(len));
  fn_.init_register(kCapPciCfgAt + kCapPciCfgData, 4, v, 0xFFFFFFFF);
}

void VirtioPci::pci_cfg_write() {
  uint32_t bar = fn_.read_le(kCapPciCfgAt + kCapBar, 1), off = fn_.read_le(kCapPciCfgAt + kCapOffset, 4);
  uint32_t len = fn_.read_le(kCapPciCfgAt + kCapLengthField, 4);
  if (bar != kBar || (len != 1 && len != 2 && len != 4) || off % len || off >= kBarSize) return;
  bar_write(off, int(len), fn_.read_le(kCapPciCfgAt + kCapPciCfgData, 4));
}

uint32_t VirtioPci::bar_read(uint32_t offset, int size) {
  uint8_t b[4] = {};
  bar_access(offset, {b, size_t(std::clamp(size, 1, 4))}, false);
  return uint32_t(load_le({b, size_t(std::clamp(size, 1, 4))}));
}

void VirtioPci::bar_write(uint32_t offset, int size, uint64_t value) {
  uint8_t b[8];
  size = std::clamp(size, 1, 8);
  store_le(value, {b, size_t(size)});
  bar_access(offset, {b, size_t(size)}, true);
}

void VirtioPci::bar_access(uint64_t offset, std::span<uint8_t> data, bool is_write) {
  if (offset >= kBarSize || data.size() > kBarSize - offset) {
    if (!is_write) std::fill(data.begin(), data.end(), 0);
    return;
  }
  uint32_t region = uint32_t(offset) & ~(kRegionSize - 1), off = uint32_t(offset) - region;
  if (off + data.size() > kRegionSize) {  // across two regions: neither's
    if (!is_write) std::fill(data.begin(), data.end(), 0);
    return;
  }
  switch (region) {
    case kCommonOffset:
      if (is_write)
        common_write(off, data);
      else
        common_read(off, data);
      return;
    case kIsrOffset:
      if (is_write) return;
      std::fill(data.begin(), data.end(), 0);
      if (off == 0 && !data.empty()) {
        data[0] = isr_;
        isr_ = 0;
        update_intx();
      }
      return;
    case kDeviceOffset:
      if (is_write)
        device_.write_config(off, data);
      else
        device_.read_config(off, data);
      return;
    case kNotifyOffset:
      if (is_write)
        notify(off);
      else
        std::fill(data.begin(), data.end(), 0);
      return;
  }
}

VirtioPci::Queue* VirtioPci::selected() { return queue_select_ < queues_.size() ? &queues_[queue_select_] : nullptr; }

uint64_t VirtioPci::common_field(uint32_t field) const {
  const Queue* q = queue_select_ < queues_.size() ? &queues_[queue_select_] : nullptr;
  switch (field) {
    case kDeviceFeatureSelect: return device_feature_select_;
    case kDeviceFeature: return device_feature_select_ < 2 ? uint32_t(offered_ >> (32 * device_feature_select_)) : 0;
    case kDriverFeatureSelect: return driver_feature_select_;
    case kDriverFeature:
      return driver_feature_select_ < 2 ? uint32_t(driver_features_ >> (32 * driver_feature_select_)) : 0;
    case kConfigMsixVector: return kNoVector;
    case kNumQueues: return queues_.size();
    case kDeviceStatus: return status_;
    case kConfigGeneration: return 0;  // the device's configuration never changes
    case kQueueSelect: return queue_select_;
    case kQueueSize: return q ? q->size : 0;
    case kQueueMsixVector: return kNoVector;
    case kQueueEnable: return q && q->vq ? 1 : 0;
    case kQueueNotifyOff: return q ? queue_select_ : 0;
    case kQueueDesc: return q ? q->layout.desc : 0;
    case kQueueDriver: return q ? q->layout.driver : 0;
    case kQueueDevice: return q ? q->layout.device : 0;
  }
  return 0;
}

void VirtioPci::common_read(uint32_t offset, std::span<uint8_t> data) {
  for (size_t i = 0; i < data.size(); ++i) {
    uint32_t at = offset + uint32_t(i);
    data[i] = 0;
    for (const Field& f : kFields)
      if (at >= f.offset && at < f.offset + f.size) data[i] = uint8_t(common_field(f.offset) >> (8 * (at - f.offset)));
  }
}

// Each field the write reaches takes the bytes it covers (a 64-bit address
// written as two dwords, as Linux does, is two merges).
void VirtioPci::common_write(uint32_t offset, std::span<const uint8_t> data) {
  for (const Field& f : kFields) {
    uint32_t first = std::max(offset, f.offset),
             end = std::min<uint32_t>(offset + uint32_t(data.size()), f.offset + f.size);
    if (first >= end) continue;
    uint64_t v = common_field(f.offset);
    for (uint32_t at = first; at < end; ++at) {
      uint32_t shift = 8 * (at - f.offset);
      v = (v & ~(uint64_t{0xFF} << shift)) | uint64_t{data[at - offset]} << shift;
    }
    set_common_field(f.offset, v);
  }
}

void VirtioPci::set_common_field(uint32_t field, uint64_t value) {
  Queue* q = selected();
  bool queue_writable = q && !q->vq;  // a queue's registers are frozen once it is enabled
  switch (field) {
    case kDeviceFeatureSelect: device_feature_select_ = uint32_t(value); return;
    case kDriverFeatureSelect: driver_feature_select_ = uint32_t(value); return;
    case kDriverFeature:
      if (status_ & kStatusFeaturesOk || driver_feature_select_ > 1) return;
      driver_features_ = (driver_features_ & ~(uint64_t{0xFFFFFFFF} << (32 * driver_feature_select_))) |
                         (value & 0xFFFFFFFF) << (32 * driver_feature_select_);
      return;
    case kDeviceStatus: write_status(uint8_t(value)); return;
    case kQueueSelect: queue_select_ = uint16_t(value); return;
    case kQueueSize:
      if (queue_writable) q->size = uint16_t(value);
      return;
    case kQueueEnable:
      if (queue_writable && value == 1) enable_queue(*q);
      return;
    case kQueueDesc:
      if (queue_writable) q->layout.desc = value;
      return;
    case kQueueDriver:
      if (queue_writable) q->layout.driver = value;
      return;
    case kQueueDevice:
      if (queue_writable) q->layout.device = value;
      return;
  }
  // The rest are read-only (the MSI-X vectors stay NO_VECTOR: no MSI-X).
}

void VirtioPci::write_status(uint8_t value) {
  if (value == 0) {
    reset();
    return;
  }
  // DEVICE_NEEDS_RESET is the device's to set; the driver's bits only add up.
  uint8_t next = uint8_t((value & ~kStatusNeedsReset) | (status_ & kStatusNeedsReset));
  if ((next & kStatusFeaturesOk) && !(status_ & kStatusFeaturesOk)) {
    bool acceptable = (driver_features_ & ~offered_) == 0 && (driver_features_ & bit(kFeatureVersion1));
    if (acceptable) {
      device_.set_driver_features(driver_features_);
    } else {
      next &= uint8_t(~kStatusFeaturesOk);  // the driver reads it back and gives up
      ++stats_.features_refused;
    }
  }
  bool driver_ok_now = (next & kStatusDriverOk) && !(status_ & kStatusDriverOk);
  status_ = next;
  if (driver_ok_now && !(status_ & kStatusFeaturesOk)) return needs_reset("DRIVER_OK without FEATURES_OK");
  if (driver_ok_now)
    for (size_t i = 0; i < queues_.size(); ++i) run_queue(int(i));  // buffers made available before DRIVER_OK
}

void VirtioPci::enable_queue(Queue& q) {
  q.layout.size = q.size;
  std::optional<std::string> bad = Virtqueue::check_layout(mem_, q.layout);
  if (!bad && q.size > device_.queue_max_size()) bad = "queue size " + std::to_string(q.size) + " is above the maximum";
  if (bad) return needs_reset("queue " + std::to_string(&q - queues_.data()) + ": " + *bad);
  q.vq.emplace(mem_, q.layout, driver_features_ & bit(kFeatureIndirectDesc), driver_features_ & bit(kFeatureEventIdx));
}

void VirtioPci::notify(uint32_t offset) {
  ++stats_.notifications;
  uint32_t index = offset / kNotifyMultiplier;
  bool ready = (status_ & kStatusDriverOk) && !(status_ & kStatusNeedsReset);
  if (!ready || !queue_enabled(int(index))) {
    ++stats_.notifications_dropped;
    return;
  }
  run_queue(int(index));
}

void VirtioPci::run_queue(int index) {
  Queue& q = queues_[size_t(index)];
  if (!q.vq || (status_ & kStatusNeedsReset)) return;
  device_.process(index, *q.vq);
  bool interrupt = q.vq->take_interrupt();
  if (q.vq->broken()) return needs_reset("queue " + std::to_string(index) + ": " + q.vq->error());
  if (interrupt) raise(kIsrQueue);
}

void VirtioPci::needs_reset(const std::string& why) {
  last_error_ = why;
  if (status_ & kStatusNeedsReset) return;
  ++stats_.needs_reset;
  status_ |= kStatusNeedsReset;
  if (status_ & kStatusDriverOk) raise(kIsrConfig);
}

void VirtioPci::raise(uint8_t isr_bits) {
  ++stats_.interrupts;
  isr_ |= isr_bits;
  update_intx();
}

void VirtioPci::update_intx() { fn_.set_intx(isr_ != 0); }

void VirtioPci::reset() {
  ++stats_.resets;
  status_ = 0;
  isr_ = 0;
  device_feature_select_ = driver_feature_select_ = 0;
  driver_features_ = 0;
  queue_select_ = 0;
  for (Queue& q : queues_) {
    q.size = device_.queue_max_size();
    q.layout = {};
    q.vq.reset();
  }
  update_intx();
  device_.reset();
}

void VirtioPci::print_stats(std::ostream& os) const {
  char features[24];
  std::snprintf(features, sizeof features, "%#llx", static_cast<unsigned long long>(driver_features_));
  os << "  " << name_ << ": status " << int(status_) << ", features " << features << ", " << stats_.notifications
     << " notifications (" << stats_.notifications_dropped << " dropped), " << stats_.interrupts << " interrupts, "
     << stats_.resets << " resets, " << stats_.needs_reset << " times needing reset, " << stats_.features_refused
     << " feature sets refused";
  if (!last_error_.empty()) os << "; last error: " << last_error_;
  os << "\n";
  device_.print_stats(os);
}

}  // namespace pxos
