#include "machine/guest_time.h"

#include <algorithm>
#include <chrono>
#include <ostream>

#include "vm/clock.h"

namespace pxos {

namespace {
uint64_t steady_ns() {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}
}  // namespace

GuestTime::GuestTime(Source host_ns) : host_(host_ns ? std::move(host_ns) : Source(steady_ns)) {}

void GuestTime::start(Mode mode, Source icount) {
  mode_ = mode;
  icount_ = std::move(icount);
  started_ = true;
  host_start_ = host_();
  clock_ = InstructionClock{};
  clock_.base_icount = this->icount();
  restart_window(clock_.base_icount, 0);
}

uint64_t GuestTime::host_ns() const { return started_ ? host_() - host_start_ : 0; }

uint64_t GuestTime::now_ns() const {
  if (!started_) return 0;
  return mode_ == Mode::Wall ? host_ns() : clock_.ns_at(icount());
}

void GuestTime::restart_window(uint64_t ic, uint64_t host) {
  window_icount_ = ic;
  window_host_ = host;
}

uint64_t GuestTime::sync() {
  if (mode_ != Mode::Paced) return 0;
  uint64_t host = host_ns(), ic = icount(), guest = clock_.ns_at(ic);
  int64_t lag = int64_t(host) - int64_t(guest);  // > 0: the guest is behind
  stats_.max_lag_ns = std::max(stats_.max_lag_ns, lag);
  stats_.max_lead_ns = std::max(stats_.max_lead_ns, -lag);
  if (lag > int64_t(kMaxLagNs)) {  // far behind (the host was busy): catch up at once
    clock_.advance(ic, uint64_t(lag));
    ++stats_.jumps;
    stats_.jumped_ns += uint64_t(lag);
    restart_window(ic, host);
    return 0;
  }
  if (host - window_host_ >= kWindowNs) adapt_rate(ic, host, lag);
  if (-lag > int64_t(kMaxLeadNs)) {  // ahead: the host catches up while the guest waits
    uint64_t wait = std::min(uint64_t(-lag), kMaxWaitNs);
    ++stats_.waits;
    window_host_ += wait;  // the wait is not the guest's running time
    return wait;
  }
  return 0;
}

// Measures the guest's speed over the last window and sets the rate at which
// its time must advance to close the gap to the host over the next horizon.
void GuestTime::adapt_rate(uint64_t ic, uint64_t host, int64_t lag) {
  double elapsed = double(host - window_host_), ran = double(ic - window_icount_);
  restart_window(ic, host);
  if (ran <= 0 || elapsed <= 0) return;
  double speed = ran / elapsed;  // instructions per host ns
  instructions_per_ns_ = instructions_per_ns_ > 0 ? (instructions_per_ns_ + speed) / 2 : speed;
  double advance = std::max(double(kHorizonNs) + double(lag), double(kHorizonNs) / 10);
  double ps = advance * 1000.0 / (instructions_per_ns_ * double(kHorizonNs));
  uint64_t rate = uint64_t(std::clamp(ps, double(kMinPs), double(kMaxPs)));
  uint64_t old = clock_.ps_per_instruction;
  if (rate * 100 > old * 101 || rate * 101 < old * 100) {  // more than 1 % off
    clock_.set_rate(ic, rate);
    ++stats_.rate_changes;
  }
}

uint64_t GuestTime::idle_wait_ns(uint64_t next) const {
  if (mode_ == Mode::Deterministic || next == kNoEvent) return mode_ == Mode::Deterministic ? 0 : kNoEvent;
  uint64_t host = host_ns();
  return next > host ? next - host : 0;
}

void GuestTime::idle_advance(uint64_t next) {
  if (mode_ == Mode::Wall) return;
  uint64_t ic = icount(), guest = clock_.ns_at(ic);
  uint64_t target = mode_ == Mode::Deterministic ? next : std::min(next, host_ns());
  if (target != kNoEvent && target > guest) clock_.advance(ic, target - guest);
  restart_window(ic, host_ns());
}

void GuestTime::print_stats(std::ostream& os) const {
  static const char* const kNames[] = {"wall clock", "paced to the host", "deterministic"};
  os << "time: " << kNames[int(mode_)];
  if (mode_ == Mode::Paced)
    os << ", " << clock_.ps_per_instruction << " ps per instruction now, " << stats_.rate_changes << " rate changes, "
       << stats_.jumps << " catch-up jumps (" << stats_.jumped_ns / 1'000'000 << " ms), " << stats_.waits
       << " waits for the host; most ahead "
       << stats_.max_lead_ns / 1'000'000 << " ms, most behind " << stats_.max_lag_ns / 1'000'000 << " ms; guest "
       << now_ns() / 1'000'000 << " ms, host " << host_ns() / 1'000'000 << " ms";
  os << "\n";
}

}  // namespace pxos
