// The Vcpu adapter: maps the monitor's protocol (exits, state, injection) onto the core.
#include "engine/soft/soft_vcpu.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "engine/soft/exec.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {
namespace {

constexpr uint64_t kQuantum = 1u << 16;

class SoftVcpu final : public Vcpu {
 public:
  SoftVcpu(GuestMemory& mem, MmioBus& mmio, SoftOptions opts) : mem_(mem), opts_(opts) {
    core_.attach(mem.ram_base(), uint32_t(mem.ram_size()), mem.rom().data(), &mmio);
    core_.attach_display(mem.vga_window_mmio(), mem.framebuffer(), uint32_t(GuestMemory::kFramebufferBase),
                         mem.framebuffer_dirty_words());
    fb_epoch_ = mem.framebuffer_dirty_epoch();
    core_.load_state(reset_state());
    core_.cache.set_translate(opts_.translate);
    if (opts_.jit_stats) {
      stats_ = std::make_unique<soft::jit::Stats>();
      core_.cache.set_jit_stats(core_.cpu, stats_.get());
    }
    if (opts_.rep_chunk) core_.cpu.rep_chunk = opts_.rep_chunk;
    a20_ = mem.a20();
    core_.cpu.a20_mask = a20_ ? ~0u : ~(1u << 20);
    ctl_.kick = opts_.deterministic ? nullptr : &kick_;
    ctl_.quantum = opts_.deterministic ? (opts_.quantum ? opts_.quantum : kQuantum) : 0;
    if (opts_.clock) {
      core_.cpu.clock_ctx = opts_.clock;
      core_.cpu.clock_ns = [](const void* clock, uint64_t icount) {
        return static_cast<const InstructionClock*>(clock)->ns_at(icount);
      };
    }
  }

  Exit run() override {
    soft::Cpu& c = core_.cpu;
    if (mem_.a20() != a20_) {
      a20_ = mem_.a20();
      c.a20_mask = a20_ ? ~0u : ~(1u << 20);
      c.tlb_flush();
    }
    if (mem_.vga_window_mmio() != c.vga_window_mmio) {  // RAM there became a device window or back
      c.vga_window_mmio = mem_.vga_window_mmio();
      core_.cache.flush(c);  // and the TLB
    }
    if (mem_.framebuffer_dirty_epoch() != fb_epoch_) {  // the dirty record was taken: mark pages anew
      fb_epoch_ = mem_.framebuffer_dirty_epoch();
      c.tlb_drop_framebuffer_writes();
    }
    if (mem_.write_generation() != mem_writes_) {  // the monitor may have written guest memory
      mem_writes_ = mem_.write_generation();
      core_.cache.new_epoch(c);
    }
    core_.complete_in();
    ctl_.stop_at_icount = ~uint64_t{0};
    if (opts_.clock && deadline_ns_ != ~uint64_t{0})  // virtual time: stop when the deadline is due
      ctl_.stop_at_icount = std::max(c.icount, opts_.clock->icount_at(deadline_ns_));
    Exit e;
    // A single step runs one guest instruction, not an interrupt handler's first
    // one: a pending interrupt waits for the next run without stepping (QEMU's
    // default too). A deterministic run takes it as it would without the debugger.
    bool hold_irqs = debug_.single_step && !opts_.deterministic;
    int held_vector = hold_irqs ? std::exchange(ctl_.pending_vector, -1) : -1;
    bool held_window = hold_irqs && std::exchange(ctl_.irq_window, false);
    soft::RunStop s = core_.run(ctl_);
    if (hold_irqs) {
      if (ctl_.pending_vector < 0) ctl_.pending_vector = held_vector;
      ctl_.irq_window = ctl_.irq_window || held_window;
    }
    if (opts_.deterministic && s == soft::RunStop::Kicked) kick_.store(false);
    switch (s) {
      case soft::RunStop::Io:
        e.reason = ExitReason::Io;
        e.io.port = c.io_port;
        e.io.size = c.io_size;
        e.io.is_write = c.io_write;
        e.io.count = 1;
        e.io.data = std::span<uint8_t>(c.io_buf, c.io_size);
        break;
      case soft::RunStop::Hlt: e.reason = ExitReason::Hlt; break;
      case soft::RunStop::Shutdown: e.reason = ExitReason::Shutdown; break;
      case soft::RunStop::IrqWindow: e.reason = ExitReason::IrqWindow; break;
      case soft::RunStop::Kicked: e.reason = ExitReason::Kicked; break;
      case soft::RunStop::Debug:
        e.reason = ExitReason::Debug;
        e.debug = core_.debug_exit;
        break;
      case soft::RunStop::Error:
        e.reason = ExitReason::Error;
        e.error = c.error.empty() ? "soft engine error" : c.error;
        break;
    }
    return e;
  }

  CpuState state() override { return core_.save_state(); }
  void set_state(const CpuState& s) override {
    soft::PendingIn p = core_.cpu.pending_in;
    core_.load_state(s);
    core_.cpu.pending_in = p;  // completes on the next run() if EIP is unchanged
  }
  bool fpu_state(FpuImage& img) override {
    core_.cpu.fpu.save(img.data(), true, false);
    return true;
  }
  bool set_fpu_state(const FpuImage& img) override {
    core_.cpu.fpu.restore(img.data(), true, false);
    return true;
  }
  bool can_inject() override { return (core_.cpu.flags & flag::IF) && !core_.cpu.shadow && ctl_.pending_vector < 0; }
  void inject_interrupt(uint8_t vector) override { ctl_.pending_vector = vector; }
  void request_irq_window(bool on) override { ctl_.irq_window = on; }
  void kick() override { kick_.store(true); }
  void set_deadline(uint64_t guest_ns) override { deadline_ns_ = guest_ns; }
  std::string name() const override { return "soft"; }
  std::string statistics() const override {
    return stats_ ? soft::jit::format_stats(*stats_, core_.cpu.icount) : std::string();
  }
  uint64_t instructions_retired() const override { return core_.cpu.icount; }
  std::string set_debug(const DebugSetup& setup) override {
    debug_ = setup;
    std::vector<Breakpoint> watches;
    for (const Breakpoint& p : setup.points)
      if (p.kind != BreakKind::Exec) watches.push_back(p);
    soft::Cpu& c = core_.cpu;
    if (watches != c.watches) {
      c.watches = std::move(watches);
      c.tlb_flush();  // pages with a watch lose their fast entries
    }
    bool on = setup.single_step || !setup.points.empty();
    ctl_.debug = on ? &debug_ : nullptr;
    return "";
  }

 private:
  GuestMemory& mem_;
  SoftOptions opts_;
  soft::Core core_;
  std::unique_ptr<soft::jit::Stats> stats_;  // --jit-stats
  soft::RunControl ctl_;
  DebugSetup debug_;  // what ctl_.debug points at while debugging
  std::atomic<bool> kick_{false};
  uint64_t deadline_ns_ = ~uint64_t{0};
  bool a20_ = true;
  uint64_t mem_writes_ = ~uint64_t{0};
  uint64_t fb_epoch_ = 0;  // the memory's framebuffer_dirty_epoch() when write entries were last dropped
};

}  // namespace

std::unique_ptr<Vcpu> make_soft_vcpu(GuestMemory& mem, MmioBus& mmio, SoftOptions opts) {
  return std::make_unique<SoftVcpu>(mem, mmio, opts);
}

}  // namespace pxos
