#include "devices/ps2_mouse.h"

#include <algorithm>
#include <ostream>

namespace pxos {

namespace {
constexpr int kAccumulateLimit = 1 << 16;  // movement kept between packets, far past what one can carry
constexpr uint8_t kRates[] = {10, 20, 40, 60, 80, 100, 200};
constexpr uint8_t kWheelSequence[] = {200, 100, 80};
constexpr uint8_t kFiveButtonSequence[] = {200, 200, 80};
constexpr uint8_t kMaxResolution = 3;  // 8 counts/mm

int clamp_add(int acc, int d) {
  return std::clamp(acc + std::clamp(d, -kAccumulateLimit, kAccumulateLimit), -kAccumulateLimit, kAccumulateLimit);
}
}  // namespace

void Ps2Mouse::event(int dx, int dy, int dz, unsigned buttons) {
  ++stats_.events;
  unsigned b = buttons & (kButtonLeft | kButtonRight | kButtonMiddle);
  if (!remote_ && (!reporting_ || wrap_)) {
    buttons_ = sent_buttons_ = b;
    ++stats_.ignored;
    return;
  }
  if (!remote_ && b != buttons_ && buttons_ != sent_buttons_) ++stats_.dropped;  // an unsent change replaced
  dx_ = clamp_add(dx_, dx);
  dy_ = clamp_add(dy_, dy);
  dz_ = clamp_add(dz_, dz);
  buttons_ = b;
  flush();
}

std::optional<uint8_t> Ps2Mouse::pull() {
  if (queue_.empty()) flush();
  if (queue_.empty()) return std::nullopt;
  uint8_t v = queue_.front();
  queue_.pop_front();
  return v;
}

void Ps2Mouse::write(uint8_t byte) {
  ++stats_.commands;
  drop_unsent();  // the host took the line: what was not sent yet is gone
  if (pending_ >= 0) {
    uint8_t cmd = uint8_t(pending_);
    pending_ = -1;
    argument(cmd, byte);
    return;
  }
  if (wrap_ && byte != kReset && byte != kResetWrapMode) {
    reply(byte);
    return;
  }
  command(byte);
}

void Ps2Mouse::command(uint8_t cmd) {
  switch (cmd) {
    case kReset:
      set_defaults();
      id_ = kIdStandard;
      std::fill(std::begin(rates_), std::end(rates_), 0);
      wrap_ = false;
      reply(kAck);
      reply(kSelfTestPassed);
      reply(id_);
      break;
    case kResend:
      for (uint8_t v : last_sent_) queue_.push_back(v);
      break;
    case kSetDefaults:
      set_defaults();
      reply(kAck);
      break;
    case kDisable:
      reporting_ = false;
      reply(kAck);
      break;
    case kEnable:
      reporting_ = true;
      dx_ = dy_ = dz_ = 0;
      sent_buttons_ = buttons_;
      reply(kAck);
      break;
    case kSetSampleRate:
    case kSetResolution:
      pending_ = cmd;
      reply(kAck);
      break;
    case kGetId:
      reply(kAck);
      reply(id_);
      break;
    case kRemoteMode:
    case kStreamMode:
      remote_ = cmd == kRemoteMode;
      dx_ = dy_ = dz_ = 0;
      reply(kAck);
      break;
    case kWrapMode:
      remote_before_wrap_ = remote_;
      wrap_ = true;
      reply(kAck);
      break;
    case kResetWrapMode:
      if (wrap_) remote_ = remote_before_wrap_;
      wrap_ = false;
      reply(kAck);
      break;
    case kReadData: {
      reply(kAck);
      std::vector<uint8_t> p = packet();
      queue_.insert(queue_.end(), p.begin(), p.end());
      last_sent_ = std::move(p);
      break;
    }
    case kStatusRequest: {
      uint8_t flags =
          uint8_t((remote_ ? kStatusRemote : 0) | (reporting_ ? kStatusEnabled : 0) |
                  (scaling21_ ? kStatusScaling21 : 0) | (buttons_ & kButtonLeft ? kStatusLeft : 0) |
                  (buttons_ & kButtonMiddle ? kStatusMiddle : 0) | (buttons_ & kButtonRight ? kStatusRight : 0));
      reply(kAck);
      reply(flags);
      reply(resolution_);
      reply(rate_);
      break;
    }
    case kScaling21:
    case kScaling11:
      scaling21_ = cmd == kScaling21;
      reply(kAck);
      break;
    default:
      ++stats_.unknown;
      reply(kNak);
      break;
  }
}

void Ps2Mouse::argument(uint8_t cmd, uint8_t value) {
  bool ok = cmd == kSetSampleRate ? std::find(std::begin(kRates), std::end(kRates), value) != std::end(kRates)
                                  : value <= kMaxResolution;
  if (!ok) {
    ++stats_.unknown;
    reply(kNak);
    return;
  }
  if (cmd == kSetSampleRate)
    set_sample_rate(value);
  else
    resolution_ = value;
  reply(kAck);
}

void Ps2Mouse::set_sample_rate(uint8_t rate) {
  rate_ = rate;
  rates_[0] = rates_[1];
  rates_[1] = rates_[2];
  rates_[2] = rate;
  if (std::equal(std::begin(rates_), std::end(rates_), std::begin(kWheelSequence))) {
    id_ = kIdWheel;
  } else if (id_ == kIdWheel && std::equal(std::begin(rates_), std::end(rates_), std::begin(kFiveButtonSequence))) {
    id_ = kIdFiveButtons;
  }
}

void Ps2Mouse::set_defaults() {
  rate_ = 100;
  resolution_ = 2;
  scaling21_ = false;
  reporting_ = false;
  remote_ = false;
  dx_ = dy_ = dz_ = 0;
  sent_buttons_ = buttons_;
}

void Ps2Mouse::reply(uint8_t v) {
  queue_.push_back(v);
  last_sent_.assign(1, v);
}

void Ps2Mouse::drop_unsent() {
  stats_.dropped += queue_.size();
  queue_.clear();
}

void Ps2Mouse::flush() {
  if (remote_ || !reporting_ || wrap_ || !pending()) return;
  if (queue_.size() + packet_size() > kQueueBytes) return;
  std::vector<uint8_t> p = packet();
  queue_.insert(queue_.end(), p.begin(), p.end());
  last_sent_ = std::move(p);
  ++stats_.packets;
}

// Scaling 2:1 (stream mode only): 1->1, 2->1, 3->3, 4->6, 5->9, then twice.
int Ps2Mouse::scaled(int d) const {
  if (!scaling21_ || remote_) return d;
  static constexpr int kSmall[] = {0, 1, 1, 3, 6, 9};
  int m = d < 0 ? -d : d;
  int s = m <= 5 ? kSmall[m] : 2 * m;
  return d < 0 ? -s : s;
}

std::vector<uint8_t> Ps2Mouse::packet() {
  int dx = scaled(dx_), dy = scaled(dy_);
  uint8_t b0 = uint8_t(kAlways1 | (buttons_ & (kButtonLeft | kButtonRight | kButtonMiddle)));
  if (dx < -256 || dx > 255) b0 |= kXOverflow;
  if (dy < -256 || dy > 255) b0 |= kYOverflow;
  dx = std::clamp(dx, -256, 255);
  dy = std::clamp(dy, -256, 255);
  if (dx < 0) b0 |= kXSign;
  if (dy < 0) b0 |= kYSign;
  std::vector<uint8_t> p = {b0, uint8_t(dx), uint8_t(dy)};
  if (id_ == kIdWheel) p.push_back(uint8_t(std::clamp(dz_, -128, 127)));
  if (id_ == kIdFiveButtons) p.push_back(uint8_t(std::clamp(dz_, -8, 7) & 0x0F));
  dx_ = dy_ = dz_ = 0;
  sent_buttons_ = buttons_;
  return p;
}

void Ps2Mouse::print_stats(std::ostream& os) const {
  os << "  ps2-mouse: " << stats_.events << " events, " << stats_.ignored << " ignored while disabled, "
     << stats_.packets << " packets, " << stats_.dropped << " dropped, " << stats_.commands << " command bytes, "
     << stats_.unknown << " refused; ID " << int(id_) << ", " << (remote_ ? "remote" : "stream") << " mode, "
     << (reporting_ ? "enabled" : "disabled") << "\n";
}

}  // namespace pxos
