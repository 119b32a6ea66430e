#include "machine/monitor.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace pxos {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(10);

// Kicks the vCPU every tick so that deadlines, --until-text and host input
// are looked at even when the guest never exits on its own.
class Ticker {
 public:
  explicit Ticker(Vcpu& vcpu) : thread_([this, &vcpu] {
      while (!stop_.load()) {
        std::this_thread::sleep_for(kTick);
        vcpu.kick();
      }
    }) {}
  ~Ticker() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

bool text_visible(Machine& m, const std::string& text) {
  if (text.empty()) return false;
  return screen_text(m).find(text) != std::string::npos || m.debugcon.captured.find(text) != std::string::npos;
}

void route_io(Machine& m, const IoExit& io) {
  for (uint32_t i = 0; i < io.count; ++i)
    m.ports.access(io.port, io.data.subspan(size_t{i} * io.size, io.size), io.is_write);
}

}  // namespace

std::string screen_text(Machine& m) {
  std::string s;
  for (const std::string& row : m.bios->screen_rows()) s += row + "\n";
  return s;
}

RunOutcome run_machine(Machine& m, const RunOptions& opts) {
  Vcpu& cpu = *m.vcpu;
  const auto start = Clock::now();
  auto deadline_passed = [&] {
    return opts.timeout_seconds > 0 &&
           std::chrono::duration<double>(Clock::now() - start).count() >= opts.timeout_seconds;
  };
  bool input_open = static_cast<bool>(opts.poll_input);
  auto poll = [&] {
    if (input_open) input_open = opts.poll_input(m);
    m.bios->feed_keys();
  };
  std::optional<Ticker> ticker;
  if (opts.timeout_seconds > 0 || !opts.until_text.empty() || opts.poll_input) ticker.emplace(cpu);

  uint64_t bios_calls = m.bios->calls();
  for (;;) {
    Exit e = cpu.run();
    switch (e.reason) {
      case ExitReason::Io:
        route_io(m, e.io);
        break;
      case ExitReason::Mmio:
        m.mmio.access(e.mmio.address, e.mmio.data, e.mmio.is_write);
        break;
      case ExitReason::Hlt: {
        if (!(cpu.state().eflags & flag::IF))
          return {RunOutcome::Halted, 0, "the guest halted with interrupts off"};
        // Sleep until something can wake the guest.
        while (!m.exit_status) {
          poll();
          if (m.wake_pending()) break;
          if (deadline_passed()) return {RunOutcome::Timeout, 0, "timeout"};
          if (!input_open) return {RunOutcome::Halted, 0, "the guest waits for input that cannot come"};
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        break;
      }
      case ExitReason::Shutdown:
        return {RunOutcome::Shutdown, 0, "the guest triple-faulted (shutdown)"};
      case ExitReason::IrqWindow:
        cpu.request_irq_window(false);
        break;
      case ExitReason::Kicked:
        poll();
        if (deadline_passed()) return {RunOutcome::Timeout, 0, "timeout"};
        if (text_visible(m, opts.until_text)) return {RunOutcome::UntilText, 0, ""};
        break;
      case ExitReason::Error: {
        CpuState st = cpu.state();
        char where[64];
        std::snprintf(where, sizeof where, " at %04X:%08X (CR0 %08X)", st.seg[CS].selector, st.eip, st.cr0);
        return {RunOutcome::EngineError, 0, e.error + where};
      }
    }
    if (m.exit_status) return {RunOutcome::GuestExit, *m.exit_status, ""};
    if (m.bios->calls() != bios_calls) {
      bios_calls = m.bios->calls();
      if (!opts.until_text.empty() && text_visible(m, opts.until_text)) return {RunOutcome::UntilText, 0, ""};
    }
  }
}

}  // namespace pxos
