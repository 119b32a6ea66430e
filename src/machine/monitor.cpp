#include "machine/monitor.h"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>


namespace pxos {

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kMaxTickNs = 10'000'000;  // look at deadlines and input at least every 10 ms
constexpr uint64_t kMaxNapNs = 50'000'000;   // a halted guest looks at the host at least this often

// Kicks the vCPU at the next device timer event, and at least every 10 ms,
// so that timer interrupts, deadlines, --until-text and host input are
// handled even while the guest never exits on its own. Paused while the
// monitor waits for a halted guest (nothing to kick: an idle guest costs
// nothing).
class Ticker {
 public:
  Ticker(Vcpu& vcpu, GuestClock clock)
      : clock_(std::move(clock)), thread_([this, &vcpu] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            if (paused_) {
              cv_.wait(lock, [this] { return stop_ || !paused_; });
              continue;
            }
            uint64_t now = clock_.now_ns(), next = next_event_.load();
            uint64_t wait = next > now ? std::min(next - now, kMaxTickNs) : 0;
            if (wait) cv_.wait_for(lock, std::chrono::nanoseconds(wait));
            if (!stop_ && (wait == 0 || clock_.now_ns() >= std::min(next_event_.load(), now + wait))) vcpu.kick();
            if (wait == 0) cv_.wait_for(lock, std::chrono::microseconds(50));  // the monitor has not caught up yet
          }
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  // The next device event; the ticker wakes earlier when it moves closer.
  void set_next_event(uint64_t ns) {
    if (ns < next_event_.exchange(ns)) cv_.notify_one();
  }
  void pause(bool on) {
    {
      std::lock_guard lock(mutex_);
      paused_ = on;
    }
    cv_.notify_one();
  }

 private:
  GuestClock clock_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool paused_ = false;
  std::atomic<uint64_t> next_event_{kNoEvent};
  std::thread thread_;
};

// "at CS:EIP" of the vCPU now, for messages.
std::string where(Vcpu& cpu) {
  CpuState st = cpu.state();
  char text[40];
  std::snprintf(text, sizeof text, "at %04X:%08X", st.seg[CS].selector, st.eip);
  return text;
}

// " at CS:EIP (CR0 ...), code XX XX ...": where the vCPU is and the bytes
// there, for messages about a guest that stopped.
std::string code_at(Machine& m, Vcpu& cpu) {
  CpuState st = cpu.state();
  char text[96];
  int n = std::snprintf(text, sizeof text, " at %04X:%08X (CR0 %08X), code", st.seg[CS].selector, st.eip, st.cr0);
  for (uint32_t i = 0; i < 6 && n > 0 && n < int(sizeof text) - 4; ++i)
    n += std::snprintf(text + n, sizeof text - size_t(n), " %02X", m.mem.read8(uint64_t(st.seg[CS].base) + st.eip + i));
  return text;
}

// Sleeps up to `ns`, or until one of `fds` has input.
void nap(std::vector<int> fds, uint64_t ns) {
  std::vector<pollfd> p;
  for (int fd : fds) p.push_back({fd, POLLIN, 0});
  timespec t{time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)};
  ::ppoll(p.data(), p.size(), &t, nullptr);
}

void route_io(Machine& m, const IoExit& io) {
  for (uint32_t i = 0; i < io.count; ++i)
    m.ports.access(io.port, io.data.subspan(size_t{i} * io.size, io.size), io.is_write);
}


// The loop: runs the vCPU, routes each exit, and between exits delivers
// interrupts, runs the device timers and asks the watcher and the host front
// end what has happened. It names no device.
class Monitor {
 public:
  Monitor(Machine& m, const RunOptions& opts)
      : m_(m), cpu_(*m.vcpu), opts_(opts), watcher_(opts.script, opts.until_text), start_(Clock::now()),
        input_open_(static_cast<bool>(opts.poll_host)) {
    // The ticker kicks the CPU for device deadlines on the wall clock (KVM), and
    // to look at host input at least every kMaxTickNs. Under virtual time the
    // engine stops at the deadlines itself (set_deadline); a deterministic run is
    // stopped only at the engine's own quanta.
    GuestClock wall{[start = start_] {
      return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
    }};
    if (!m.deterministic()) ticker_.emplace(cpu_, m.virtual_time() ? wall : m.clock);
  }

  RunOutcome run() {
    if (opts_.debugger)
      if (std::optional<RunOutcome> o = opts_.debugger->start()) return *o;
    if (watcher_.check_now(m_)) return {RunOutcome::UntilText, 0, ""};
    set_next_event(m_.run_timers());
    for (;;) {
      deliver_interrupts();
      if (std::optional<RunOutcome> o = route(cpu_.run())) return *o;
      if (m_.exit_status) return {RunOutcome::GuestExit, *m_.exit_status, ""};
      if (m_.power_off_by)
        return {RunOutcome::PowerOff, 0, std::string("the guest powered the machine off (") + m_.power_off_by + ")"};
      if (m_.reset_requested) m_.reset();
      m_.feed_keys();  // the guest may have taken the last key
      set_next_event(m_.run_timers());
      if (watcher_.check(m_)) return {RunOutcome::UntilText, 0, ""};
    }
  }

 private:
  std::optional<RunOutcome> route(const Exit& e) {
    switch (e.reason) {
      case ExitReason::Io: route_io(m_, e.io); return {};
      case ExitReason::Mmio: m_.mmio.access(e.mmio.address, e.mmio.data, e.mmio.is_write); return {};
      case ExitReason::Hlt: return on_hlt();
      case ExitReason::Shutdown:
        return RunOutcome{RunOutcome::Shutdown, 0, "the guest triple-faulted (shutdown)" + code_at(m_, cpu_)};
      case ExitReason::IrqWindow: return {};
      case ExitReason::Kicked: return on_kick();
      case ExitReason::Debug: return opts_.debugger ? opts_.debugger->stopped(&e.debug) : std::nullopt;
      case ExitReason::Error: return RunOutcome{RunOutcome::EngineError, 0, e.error + code_at(m_, cpu_)};
    }
    return {};
  }

  // A device deadline, or the ticker (at least every 10 ms).
  std::optional<RunOutcome> on_kick() {
    if (uint64_t ahead = m_.time.sync())  // the guest is ahead of the host: it waits
      std::this_thread::sleep_for(std::chrono::nanoseconds(ahead));
    poll_host();
    if (quit_) return RunOutcome{RunOutcome::Quit, 0, ""};
    if (std::optional<RunOutcome> o = debugger_stop()) return o;
    if (timed_out()) return RunOutcome{RunOutcome::Timeout, 0, where(cpu_)};
    if (watcher_.check_now(m_)) return RunOutcome{RunOutcome::UntilText, 0, ""};
    return {};
  }

  // Sleeps until something can wake the guest: guest time passes with the
  // host's (or, deterministic, jumps to the next event).
  std::optional<RunOutcome> on_hlt() {
    if (!(cpu_.state().eflags & flag::IF))
      return RunOutcome{RunOutcome::Halted, 0,
                        "the guest stopped itself (HLT with interrupts off " + where(cpu_) +
                            "): it powered off or halted for good, as a PC without ACPI does"};
    if (ticker_) ticker_->pause(true);
    struct Resume {
      std::optional<Ticker>& t;
      ~Resume() {
        if (t) t->pause(false);
      }
    } resume{ticker_};
    while (!m_.exit_status) {
      poll_host();
      if (watcher_.check_now(m_)) return RunOutcome{RunOutcome::UntilText, 0, ""};  // a prompt, then the guest waits
      uint64_t next = m_.run_timers();
      if (m_.wake_pending()) break;
      if (timed_out()) return RunOutcome{RunOutcome::Timeout, 0, where(cpu_)};
      if (quit_) return RunOutcome{RunOutcome::Quit, 0, ""};
      if (std::optional<RunOutcome> o = debugger_stop()) return o;
      if (!input_open_ && next == kNoEvent && watcher_.script_done() && !opts_.debugger)
        return RunOutcome{RunOutcome::Halted, 0, "the guest waits for an event that cannot come"};
      if (uint64_t wait = std::min(m_.time.idle_wait_ns(next), kMaxNapNs)) {
        std::vector<int> fds = m_.input_fds();
        if (host_fd_ >= 0) fds.push_back(host_fd_);
        if (opts_.debugger && opts_.debugger->wake_fd() >= 0) fds.push_back(opts_.debugger->wake_fd());
        nap(std::move(fds), wait);
      }
      m_.time.idle_advance(next);
    }
    return {};
  }

  // The debugger asked for a stop (Ctrl-C, a new connection): it has the CPU until it resumes it.
  std::optional<RunOutcome> debugger_stop() {
    if (!opts_.debugger || !opts_.debugger->wants_stop()) return {};
    return opts_.debugger->stopped(nullptr);
  }

  void poll_host() {
    if (opts_.poll_host) {
      HostPoll p = opts_.poll_host(m_);
      input_open_ = input_open_ && p.input_open;
      quit_ = quit_ || p.quit;
      host_fd_ = p.wake_fd;
    }
    m_.feed_keys();
  }

  // Hands the CPU the interrupt the controller asserts, or asks for the
  // moment it can take one.
  void deliver_interrupts() {
    bool pending = m_.interrupt_pending();
    if (pending && cpu_.can_inject()) {
      cpu_.inject_interrupt(m_.acknowledge_interrupt());
      pending = m_.interrupt_pending();
    }
    if (pending != window_requested_) {
      cpu_.request_irq_window(pending);
      window_requested_ = pending;
    }
  }

  void set_next_event(uint64_t ns) {
    if (m_.virtual_time())
      cpu_.set_deadline(ns);
    else if (ticker_)
      ticker_->set_next_event(ns);
  }

  bool timed_out() const {
    return opts_.timeout_seconds > 0 &&
           std::chrono::duration<double>(Clock::now() - start_).count() >= opts_.timeout_seconds;
  }

  Machine& m_;
  Vcpu& cpu_;
  const RunOptions& opts_;
  Watcher watcher_;
  const Clock::time_point start_;
  std::optional<Ticker> ticker_;
  bool input_open_;
  bool quit_ = false;
  int host_fd_ = -1;
  bool window_requested_ = false;
};

}  // namespace

RunOutcome run_machine(Machine& m, const RunOptions& opts) { return Monitor(m, opts).run(); }

}  // namespace pxos
