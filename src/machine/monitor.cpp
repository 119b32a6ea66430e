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

#include "devices/text_screen.h"

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

// The last screen looked at for a text and whether the text was on it: the
// monitor looks at every exit, and the screen rarely changes between two.
struct ScreenSearch {
  int rows = 0, cols = 0;
  std::vector<uint16_t> cells;
  std::string text;
  bool found = false;

  bool on_screen(Machine& m, const std::string& needle) {
    TextScreen screen = capture_text_screen(m.mem, m.vga.get());
    if (screen.rows == rows && screen.cols == cols && screen.cells == cells && needle == text) return found;
    found = screen.text().find(needle) != std::string::npos;
    rows = screen.rows;
    cols = screen.cols;
    cells = std::move(screen.cells);
    text = needle;
    return found;
  }
};

// Whether `text` is on the screen, in the debug console's output, or in
// COM1's output after the absolute offset *serial_from (the end of the
// previous step's match there, so that a prompt seen once is not matched
// again). A serial match moves *serial_from past it.
bool text_visible(Machine& m, const std::string& text, uint64_t* serial_from, ScreenSearch& screen) {
  if (text.empty()) return false;
  size_t from = *serial_from > m.serial_erased ? size_t(*serial_from - m.serial_erased) : 0;
  size_t at = from <= m.serial_captured.size() ? m.serial_captured.find(text, from) : std::string::npos;
  if (at != std::string::npos) {
    *serial_from = m.serial_erased + at + text.size();
    return true;
  }
  return screen.on_screen(m, text) || m.debugcon.captured.find(text) != std::string::npos;
}

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

}  // namespace

std::string screen_text(Machine& m) { return capture_text_screen(m.mem, m.vga.get()).text(); }

RunOutcome run_machine(Machine& m, const RunOptions& opts) {
  Vcpu& cpu = *m.vcpu;
  const auto start = Clock::now();
  auto deadline_passed = [&] {
    return opts.timeout_seconds > 0 &&
           std::chrono::duration<double>(Clock::now() - start).count() >= opts.timeout_seconds;
  };
  bool input_open = static_cast<bool>(opts.poll_host);
  bool quit = false;
  int host_fd = -1;
  auto poll = [&] {
    if (opts.poll_host) {
      HostPoll p = opts.poll_host(m);
      input_open = input_open && p.input_open;
      quit = quit || p.quit;
      host_fd = p.wake_fd;
    }
    m.feed_keys();
  };
  size_t step = 0;
  uint64_t serial_from = 0;
  ScreenSearch screen;
  // Advances the script; true once it is done and the --until-text is visible.
  auto script_and_until = [&] {
    while (step < opts.script.size() &&
           (opts.script[step].expect.empty() || text_visible(m, opts.script[step].expect, &serial_from, screen))) {
      for (const KeyStroke& k : opts.script[step].keys) m.press_key(k);
      m.feed_keys();
      ++step;
    }
    return step == opts.script.size() && text_visible(m, opts.until_text, &serial_from, screen);
  };
  script_and_until();
  // The ticker kicks the CPU for device deadlines on the wall clock (KVM), and
  // to look at host input at least every kMaxTickNs. Under virtual time the
  // engine stops at the deadlines itself (set_deadline); a deterministic run is
  // stopped only at the engine's own quanta.
  const auto wall_start = Clock::now();
  GuestClock wall{[wall_start] {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - wall_start).count());
  }};
  std::optional<Ticker> ticker;
  if (!m.deterministic()) ticker.emplace(cpu, m.virtual_time() ? wall : m.clock);
  bool window_requested = false;
  // Hands the CPU the interrupt the controller asserts, or asks for the
  // moment it can take one.
  auto deliver_interrupts = [&] {
    bool pending = m.interrupt_pending();
    if (pending && cpu.can_inject()) {
      cpu.inject_interrupt(m.acknowledge_interrupt());
      pending = m.interrupt_pending();
    }
    if (pending != window_requested) {
      cpu.request_irq_window(pending);
      window_requested = pending;
    }
  };
  // A HLT with interrupts on ends with an interrupt or the end of a BIOS wait.
  auto wake_pending = [&] {
    uint64_t w = m.bios->wait_deadline_ns();
    return m.interrupt_pending() || (w && m.clock.now_ns() >= w);
  };

  uint64_t bios_calls = m.bios->calls();
  auto set_next_event = [&](uint64_t ns) {
    if (m.virtual_time())
      cpu.set_deadline(ns);
    else if (ticker)
      ticker->set_next_event(ns);
  };
  set_next_event(m.run_timers());
  for (;;) {
    deliver_interrupts();
    Exit e = cpu.run();
    switch (e.reason) {
      case ExitReason::Io: route_io(m, e.io); break;
      case ExitReason::Mmio: m.mmio.access(e.mmio.address, e.mmio.data, e.mmio.is_write); break;
      case ExitReason::Hlt: {
        if (!(cpu.state().eflags & flag::IF))
          return {RunOutcome::Halted, 0,
                  "the guest stopped itself (HLT with interrupts off " + where(cpu) +
                      "): it powered off or halted for good, as a PC without ACPI does"};
        // Sleep until something can wake the guest: guest time passes with the
        // host's (or, deterministic, jumps to the next event).
        if (ticker) ticker->pause(true);
        struct Resume {
          std::optional<Ticker>& t;
          ~Resume() {
            if (t) t->pause(false);
          }
        } resume{ticker};
        while (!m.exit_status) {
          poll();
          if (script_and_until()) return {RunOutcome::UntilText, 0, ""};  // a prompt, then the guest waits
          uint64_t next = m.run_timers();
          if (wake_pending()) break;
          if (deadline_passed()) return {RunOutcome::Timeout, 0, where(cpu)};
          if (quit) return {RunOutcome::Quit, 0, ""};
          if (!input_open && next == kNoEvent && step == opts.script.size())
            return {RunOutcome::Halted, 0, "the guest waits for an event that cannot come"};
          if (uint64_t wait = std::min(m.time.idle_wait_ns(next), kMaxNapNs)) {
            std::vector<int> fds = m.input_fds();
            if (host_fd >= 0) fds.push_back(host_fd);
            nap(std::move(fds), wait);
          }
          m.time.idle_advance(next);
        }
        break;
      }
      case ExitReason::Shutdown:
        return {RunOutcome::Shutdown, 0, "the guest triple-faulted (shutdown)" + code_at(m, cpu)};
      case ExitReason::IrqWindow: break;
      case ExitReason::Kicked:  // a device deadline, or the ticker (at least every 10 ms)
        if (uint64_t ahead = m.time.sync())  // the guest is ahead of the host: it waits
          std::this_thread::sleep_for(std::chrono::nanoseconds(ahead));
        poll();
        if (quit) return {RunOutcome::Quit, 0, ""};
        if (deadline_passed()) return {RunOutcome::Timeout, 0, where(cpu)};
        if (script_and_until()) return {RunOutcome::UntilText, 0, ""};
        break;
      case ExitReason::Error: return {RunOutcome::EngineError, 0, e.error + code_at(m, cpu)};
    }
    if (m.exit_status) return {RunOutcome::GuestExit, *m.exit_status, ""};
    if (m.reset_requested) {  // the reset line: the CPU starts over at F000:FFF0
      m.reset_requested = false;
      for (auto& d : m.disks) d->flush();  // --writable: what the guest wrote survives a reset
      m.mem.set_a20(true);
      cpu.set_state(m.power_on_state());
    }
    m.feed_keys();  // the guest may have taken the last key
    set_next_event(m.run_timers());
    if (m.bios->calls() != bios_calls) {
      bios_calls = m.bios->calls();
      if (script_and_until()) return {RunOutcome::UntilText, 0, ""};
    }
  }
}

}  // namespace pxos
