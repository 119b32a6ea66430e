#include "devices/uart.h"

#include <cstdio>
#include <ostream>

namespace pxos {

namespace {
constexpr uint8_t kTriggerLevels[4] = {1, 4, 8, 14};
constexpr uint8_t kMcrWritable = 0x1F;
constexpr uint8_t kLsrErrors = 0x1E;  // OE PE FE BI
}  // namespace

Uart::Uart(uint16_t base, IrqLine irq, std::shared_ptr<SerialBackend> backend)
    : base_(base), irq_(std::move(irq)), backend_(std::move(backend)) {}

void Uart::attach(PortBus& ports) {
  char name[16];
  std::snprintf(name, sizeof name, "uart-%x", base_);
  // The registers are numbered from 0, the base port.
  ports.add(name, base_, 8,
            byte_registers(
                0, 8, [this](uint16_t reg) { return read(reg); }, [this](uint16_t reg, uint8_t v) { write(reg, v); }));
}

TimerCallback Uart::timer() {
  return [this](uint64_t now_ns) { return update(now_ns); };
}

uint8_t Uart::trigger() const { return fifo_enabled_ ? kTriggerLevels[trigger_bits_] : 1; }

void Uart::push_rx(uint8_t b) {
  size_t capacity = fifo_enabled_ ? kFifoSize : 1;
  ++stats_.bytes_in;
  if (rx_.size() >= capacity) {
    ++stats_.overruns;
    lsr_errors_ |= kLsrOe;
    if (!fifo_enabled_) rx_.back() = b;  // 16450 mode: the new byte overwrites RBR
    return;                              // FIFO mode: the byte in the shift register is lost
  }
  rx_.push_back(b);
}

void Uart::receive(std::span<const uint8_t> bytes) {
  if (mcr_ & kMcrLoop) {
    stats_.dropped_in_loopback += bytes.size();  // the serial input is disconnected in loop-back
    return;
  }
  for (uint8_t b : bytes) push_rx(b);
  update_irq();
}

void Uart::pull_backend() {
  if (!backend_ || !backend_->has_input() || (mcr_ & kMcrLoop)) return;
  size_t capacity = fifo_enabled_ ? kFifoSize : 1;
  if (rx_.size() >= capacity) return;  // leave the rest with the host: no overrun
  uint8_t buf[kFifoSize];
  size_t n = backend_->read({buf, capacity - rx_.size()});
  for (size_t i = 0; i < n; ++i) push_rx(buf[i]);
}

uint64_t Uart::update(uint64_t now_ns) {
  if (!backend_ || !backend_->has_input()) return kNoEvent;
  pull_backend();
  update_irq();
  return backend_->poll_fd() >= 0 ? kNoEvent : now_ns + kPollIntervalNs;
}

int Uart::input_fd() const {
  if (!backend_ || !backend_->has_input() || (mcr_ & kMcrLoop)) return -1;
  return rx_.size() < (fifo_enabled_ ? kFifoSize : 1) ? backend_->poll_fd() : -1;
}

uint8_t Uart::modem_lines() const {
  if (mcr_ & kMcrLoop) {
    uint8_t v = 0;
    if (mcr_ & kMcrRts) v |= kMsrCts;
    if (mcr_ & kMcrDtr) v |= kMsrDsr;
    if (mcr_ & kMcrOut1) v |= kMsrRi;
    if (mcr_ & kMcrOut2) v |= kMsrDcd;
    return v;
  }
  return modem_inputs_;
}

void Uart::modem_changed(uint8_t before) {
  uint8_t now = modem_lines(), diff = before ^ now;
  if (diff & kMsrCts) msr_deltas_ |= kMsrDcts;
  if (diff & kMsrDsr) msr_deltas_ |= kMsrDdsr;
  if ((before & kMsrRi) && !(now & kMsrRi)) msr_deltas_ |= kMsrTeri;  // trailing edge only
  if (diff & kMsrDcd) msr_deltas_ |= kMsrDdcd;
}

void Uart::set_modem_inputs(bool cts, bool dsr, bool dcd, bool ri) {
  uint8_t before = modem_lines();
  modem_inputs_ = uint8_t((cts ? kMsrCts : 0) | (dsr ? kMsrDsr : 0) | (dcd ? kMsrDcd : 0) | (ri ? kMsrRi : 0));
  modem_changed(before);
  update_irq();
}

uint8_t Uart::pending_id() const {
  if ((ier_ & kIerLine) && (lsr_errors_ & kLsrErrors)) return kIirLine;
  if (ier_ & kIerRx) {
    if (rx_.size() >= trigger()) return kIirRx;
    if (!rx_.empty()) return kIirTimeout;  // only possible with FIFOs on (trigger > 1)
  }
  if ((ier_ & kIerThre) && thre_int_) return kIirThre;
  if ((ier_ & kIerModem) && msr_deltas_) return kIirModem;
  return kIirNone;
}

void Uart::update_irq() {
  bool level = (mcr_ & kMcrOut2) && !(mcr_ & kMcrLoop) && pending_id() != kIirNone;
  if (level != irq_level_) {
    irq_level_ = level;
    if (level) ++stats_.irqs;
    irq_.set(level);
  }
}

uint8_t Uart::read(uint16_t reg) {
  uint8_t v = 0xFF;
  switch (reg) {
    case kRbr:
      if (lcr_ & kLcrDlab) {
        v = dll_;
        break;
      }
      if (!rx_.empty()) {
        last_rbr_ = rx_.front();
        rx_.pop_front();
        if (rx_.empty()) pull_backend();
      }
      v = last_rbr_;
      break;
    case kIer: v = (lcr_ & kLcrDlab) ? dlm_ : ier_; break;
    case kIir:
      v = pending_id();
      if (v == kIirThre) thre_int_ = false;  // reading IIR acknowledges THRE
      if (fifo_enabled_) v |= kIirFifo;
      break;
    case kLcr: v = lcr_; break;
    case kMcr: v = mcr_; break;
    case kLsr:
      v = uint8_t(kLsrThre | kLsrTemt | lsr_errors_ | (rx_.empty() ? 0 : kLsrDr));
      lsr_errors_ = 0;
      break;
    case kMsr:
      v = uint8_t(modem_lines() | msr_deltas_);
      msr_deltas_ = 0;
      break;
    case kScr: v = scr_; break;
    default: break;
  }
  update_irq();
  return v;
}

void Uart::write(uint16_t reg, uint8_t value) {
  switch (reg) {
    case kThr:
      if (lcr_ & kLcrDlab) {
        dll_ = value;
        break;
      }
      if (mcr_ & kMcrLoop) {
        ++stats_.loopback;
        push_rx(value);
      } else {
        ++stats_.bytes_out;
        if (backend_) backend_->write({&value, 1});
      }
      thre_int_ = true;  // sent at once: THR is empty again
      break;
    case kIer:
      if (lcr_ & kLcrDlab) {
        dlm_ = value;
        break;
      }
      if ((value & kIerThre) && !(ier_ & kIerThre)) thre_int_ = true;  // THR is always empty here
      ier_ = value & 0x0F;
      break;
    case kFcr: {
      bool enable = value & kFcrEnable;
      if (enable != fifo_enabled_) rx_.clear();  // switching modes resets the FIFOs
      fifo_enabled_ = enable;
      if (enable) {
        if (value & kFcrClearRx) rx_.clear();
        trigger_bits_ = value >> 6;
      }
      break;
    }
    case kLcr: lcr_ = value; break;
    case kMcr: {
      uint8_t before = modem_lines();
      mcr_ = value & kMcrWritable;
      modem_changed(before);
      break;
    }
    case kLsr:
    case kMsr: break;  // read-only (factory test registers)
    case kScr: scr_ = value; break;
    default: break;
  }
  update_irq();
}

std::string Uart::line_settings() const {
  static const char kParity[8] = {'N', 'O', 'N', 'E', 'N', 'M', 'N', 'S'};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u %d%c%d", baud(), 5 + (lcr_ & 3), kParity[(lcr_ >> 3) & 7],
                (lcr_ & 4) ? 2 : 1);
  return buf;
}

void Uart::print_stats(std::ostream& os) const {
  char name[16];
  std::snprintf(name, sizeof name, "uart-%x", base_);
  os << "  " << name << " (" << line_settings() << "): " << stats_.bytes_out << " bytes out, " << stats_.bytes_in
     << " bytes in, " << stats_.loopback << " looped back, " << stats_.overruns << " overruns, "
     << stats_.dropped_in_loopback << " dropped in loop-back, " << stats_.irqs
     << " IRQ edges\n";
  if (backend_) backend_->print_stats(os);
}

}  // namespace pxos
