// The KVM engine. One VM with one vCPU; guest RAM is the monitor's own
// mapping (GuestMemory), so the BIOS and devices see exactly what the guest
// wrote. No in-kernel irqchip: HLT, port I/O and MMIO all come back here.
#include "engine/kvm/kvm_vcpu.h"
#include "engine/kvm/cpuid_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pxos {

namespace {

constexpr int kKickSignal = SIGUSR1;
constexpr uint64_t kTssAddress = 0xFFFBD000;
constexpr uint64_t kIdentityMapAddress = 0xFFFBC000;

std::runtime_error kvm_error(const std::string& what) {
  return std::runtime_error("KVM: " + what + ": " + std::strerror(errno));
}

void kick_handler(int) {}  // only interrupts KVM_RUN

void install_kick_handler() {
  static bool done = [] {
    struct sigaction sa {};
    sa.sa_handler = kick_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: KVM_RUN must return EINTR
    sigaction(kKickSignal, &sa, nullptr);
    return true;
  }();
  (void)done;
}

kvm_segment to_kvm(const Segment& s) {
  kvm_segment k{};
  k.base = s.base;
  k.limit = s.limit;
  k.selector = s.selector;
  k.type = s.attrib & 0xF;
  k.s = (s.attrib >> 4) & 1;
  k.dpl = (s.attrib >> 5) & 3;
  k.present = (s.attrib >> 7) & 1;
  k.avl = (s.attrib >> 12) & 1;
  k.l = (s.attrib >> 13) & 1;
  k.db = (s.attrib >> 14) & 1;
  k.g = (s.attrib >> 15) & 1;
  k.unusable = !k.present;
  return k;
}

Segment from_kvm(const kvm_segment& k) {
  Segment s;
  s.base = static_cast<uint32_t>(k.base);
  s.limit = k.limit;
  s.selector = k.selector;
  s.attrib = uint16_t((k.type & 0xF) | (k.s & 1) << 4 | (k.dpl & 3) << 5 | (k.present & 1) << 7 | (k.avl & 1) << 12 |
                      (k.l & 1) << 13 | (k.db & 1) << 14 | (k.g & 1) << 15);
  return s;
}

class KvmVcpu final : public Vcpu {
 public:
  KvmVcpu(GuestMemory& mem, std::unique_ptr<Vcpu> assist) : mem_(mem), assist_(std::move(assist)) {
    install_kick_handler();
    kvm_fd_ = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm_fd_ < 0) throw kvm_error("cannot open /dev/kvm");
    if (ioctl(kvm_fd_, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
      throw std::runtime_error("KVM: unsupported API version");
    vm_fd_ = ioctl(kvm_fd_, KVM_CREATE_VM, 0);
    if (vm_fd_ < 0) throw kvm_error("KVM_CREATE_VM failed");
    if (ioctl(vm_fd_, KVM_SET_TSS_ADDR, kTssAddress) < 0) throw kvm_error("KVM_SET_TSS_ADDR failed");
    uint64_t ident = kIdentityMapAddress;
    ioctl(vm_fd_, KVM_SET_IDENTITY_MAP_ADDR, &ident);  // optional on AMD

    bool readonly = ioctl(kvm_fd_, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
    map_low_ram();
    uint32_t rom_flags = readonly ? KVM_MEM_READONLY : 0;
    set_slot(kSlotRom, GuestMemory::kRomBase, mem.rom().data(), GuestMemory::kRomSize, rom_flags);
    set_slot(kSlotRomAlias, GuestMemory::kRomAlias, mem.rom().data(), GuestMemory::kRomSize, rom_flags);
    map_high_ram();
    map_framebuffer();

    vcpu_fd_ = ioctl(vm_fd_, KVM_CREATE_VCPU, 0);
    if (vcpu_fd_ < 0) throw kvm_error("KVM_CREATE_VCPU failed");
    int run_size = ioctl(kvm_fd_, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < int(sizeof(kvm_run))) throw kvm_error("KVM_GET_VCPU_MMAP_SIZE failed");
    run_size_ = size_t(run_size);
    void* p = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd_, 0);
    if (p == MAP_FAILED) throw kvm_error("cannot map the vCPU run area");
    run_ = static_cast<kvm_run*>(p);
    setup_cpuid();

    // Registers travel in the shared run area when KVM can do that: no
    // ioctl per BIOS call.
    int sync = ioctl(kvm_fd_, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
    sync_regs_ = sync > 0 && (sync & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) == (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
  }

  ~KvmVcpu() override {
    if (mem_.framebuffer_size()) mem_.set_dirty_log_hook(nullptr);
    if (run_) munmap(run_, run_size_);
    for (int fd : {vcpu_fd_, vm_fd_, kvm_fd_})
      if (fd >= 0) close(fd);
  }

  Exit run() override {
    for (;;) {
      Exit e = run_with_assist();
      if (e.reason != ExitReason::Debug || watches_.empty()) return e;
      if (std::optional<DebugExit> w = watch_hit()) {
        e.debug = *w;
        return e;
      }
      if (!e.debug.step || user_step_) return e;  // a breakpoint, or a step the debugger asked for
      // Else a step of our own, to look at the watched bytes: on with the next one.
    }
  }

  Exit run_with_assist() {
    for (;;) {
      Exit e = run_once();
      if (!(e.reason == ExitReason::Error && emulation_failed_ && assist_)) return e;
      // KVM could not emulate an instruction: the software engine executes
      // that one instruction on the same state and memory, and KVM goes on.
      // The x87 state travels too (the instruction may be an FPU one), and
      // comes back when the instruction changed it.
      assist_->set_state(state());
      FpuImage fpu, after;
      bool fpu_moved = fpu_state(fpu) && assist_->set_fpu_state(fpu);
      mem_.note_guest_writes();  // the guest ran on KVM and wrote RAM directly: the assist's decoded code may be stale
      Exit a = assist_->run();
      auto take_back = [&] {
        set_state(assist_->state());
        if (fpu_moved && assist_->fpu_state(after) && after != fpu) set_fpu_state(after);
      };
      switch (a.reason) {
        case ExitReason::Kicked:  // done: one instruction retired
          take_back();
          ++assisted_;
          continue;
        case ExitReason::Hlt:
        case ExitReason::Shutdown:
          take_back();
          return a;
        default:
          e.error += "; the software engine could not take it over either";
          return e;
      }
    }
  }

  // After an I/O or MMIO exit KVM finishes the instruction (stores what an IN
  // read, moves RIP past it) only when it is entered again. An interrupt
  // delivered before that would return to the unfinished instruction, or have
  // KVM finish it on the handler's first bytes (an IN's RIP step applied to
  // the handler: this host's nested KVM did that, and DOS died in the next
  // interrupt). So the instruction is finished first: KVM_RUN with
  // immediate_exit completes it and returns before any further instruction.
  void complete_pending_io() {
    if (!io_pending_) return;
    io_pending_ = false;
    int r = finish_io();
    if (r == 0 || (errno != EINTR && errno != EAGAIN))
      throw kvm_error("KVM_RUN could not complete an I/O instruction before an interrupt");
  }

  int finish_io() {
    flush_state();
    if (sync_regs_) run_->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    run_->immediate_exit = 1;
    int r = ioctl(vcpu_fd_, KVM_RUN, 0);
    run_->immediate_exit = 0;
    cached_ = false;
    return r;
  }

  // A single step over an I/O or MMIO instruction: this host's nested KVM
  // finishes the instruction at the next KVM_RUN and then runs on past the
  // step's trap (a step over OUT stopped after the IRET behind it). So the
  // instruction is finished on its own (immediate_exit) and the step ends there.
  std::optional<Exit> finish_stepped_io() {
    if (!io_pending_ || !(debug_.control & KVM_GUESTDBG_SINGLESTEP)) return std::nullopt;
    io_pending_ = false;
    int r = finish_io();
    if (r == 0 && run_->exit_reason == KVM_EXIT_DEBUG) return debug_exit();  // a KVM that trapped it itself
    Exit e;
    if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
      e.error = "KVM_RUN could not complete a stepped I/O instruction";
      return e;
    }
    CpuState st = state();
    e.reason = ExitReason::Debug;
    e.debug = DebugExit{true, BreakKind::Exec, st.seg[CS].base + st.eip};
    return e;
  }

  // The opcode at CS:EIP after its prefixes (0 when it cannot be read).
  uint8_t next_opcode() {
    CpuState st = state();
    for (uint32_t k = 0; k < 15; ++k) {
      kvm_translation t{};
      t.linear_address = st.seg[CS].base + st.eip + k;
      if (ioctl(vcpu_fd_, KVM_TRANSLATE, &t) < 0 || !t.valid) return 0;
      const uint8_t* p = mem_.readable_span(t.physical_address, 1);
      if (!p) return 0;
      constexpr uint8_t kPrefixes[] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3};
      if (std::ranges::find(kPrefixes, *p) == std::end(kPrefixes)) return *p;
    }
    return 0;
  }

  // A single step over INT3, INT n, INTO or IRET: in protected mode this host's
  // nested KVM ends such a step one instruction late (after the handler's
  // first instruction, after the instruction behind the IRET). The assist
  // executes that one instruction instead, so the step stops where the soft
  // engine's does: at the handler's first instruction, after the IRET.
  std::optional<Exit> step_through_assist() {
    if (!assist_ || !(debug_.control & KVM_GUESTDBG_SINGLESTEP)) return std::nullopt;
    uint8_t op = next_opcode();
    if (op != 0xCC && op != 0xCD && op != 0xCE && op != 0xCF) return std::nullopt;
    assist_->set_state(state());
    mem_.note_guest_writes();
    if (assist_->run().reason != ExitReason::Kicked) return std::nullopt;  // KVM runs it after all
    set_state(assist_->state());
    CpuState st = state();
    Exit e;
    e.reason = ExitReason::Debug;
    e.debug = DebugExit{true, BreakKind::Exec, st.seg[CS].base + st.eip};
    return e;
  }

  Exit run_once() {
    if (std::optional<Exit> step = finish_stepped_io()) return *step;
    if (std::optional<Exit> step = step_through_assist()) return *step;
    emulation_failed_ = false;
    io_pending_ = false;
    if (mem_.a20() != a20_mapped_) map_high_ram();
    if (mem_.vga_window_mmio() != window_mapped_) map_low_ram();
    pass_breakpoint();
    thread_ = pthread_self();
    thread_known_.store(true);
    flush_state();
    if (sync_regs_) run_->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    cached_ = false;
    Exit e;
    // Enter at least once after an injection, so the interrupt is delivered
    // before a kick can stop the vCPU.
    // (This host's nested KVM delivered an injected interrupt twice when the
    // run that should deliver it ended at once.)
    bool injected = injected_.exchange(false);
    if (!injected && kicked_.exchange(false)) run_->immediate_exit = 1;
    int r = ioctl(vcpu_fd_, KVM_RUN, 0);
    ran_once_ = true;
    run_->immediate_exit = 0;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        e.reason = ExitReason::Kicked;
        return e;
      }
      e.error = std::string("KVM_RUN failed: ") + std::strerror(errno);
      return e;
    }
    switch (run_->exit_reason) {
      case KVM_EXIT_IO: {
        io_pending_ = true;
        e.reason = ExitReason::Io;
        e.io.port = run_->io.port;
        e.io.size = run_->io.size;
        e.io.is_write = run_->io.direction == KVM_EXIT_IO_OUT;
        e.io.count = run_->io.count;
        size_t bytes = size_t(run_->io.size) * run_->io.count;
        if (run_->io.data_offset + bytes > run_size_) {
          e.reason = ExitReason::Error;
          e.error = "KVM reported I/O data outside the run area";
          return e;
        }
        e.io.data = {reinterpret_cast<uint8_t*>(run_) + run_->io.data_offset, bytes};
        return e;
      }
      case KVM_EXIT_MMIO:
        io_pending_ = true;
        e.reason = ExitReason::Mmio;
        e.mmio.address = run_->mmio.phys_addr;
        e.mmio.size = uint8_t(std::min<uint32_t>(run_->mmio.len, 8));
        e.mmio.is_write = run_->mmio.is_write;
        e.mmio.data = {run_->mmio.data, e.mmio.size};
        return e;
      case KVM_EXIT_HLT:
        e.reason = ExitReason::Hlt;
        return e;
      case KVM_EXIT_SHUTDOWN:
        e.reason = ExitReason::Shutdown;
        return e;
      case KVM_EXIT_IRQ_WINDOW_OPEN:
        e.reason = ExitReason::IrqWindow;
        return e;
      case KVM_EXIT_INTR:
        e.reason = ExitReason::Kicked;
        return e;
      case KVM_EXIT_DEBUG: return debug_exit();
      case KVM_EXIT_FAIL_ENTRY:
        e.error = "KVM entry failed, hardware reason " +
                  std::to_string(run_->fail_entry.hardware_entry_failure_reason);
        return e;
      case KVM_EXIT_INTERNAL_ERROR:
        emulation_failed_ = run_->internal.suberror == KVM_INTERNAL_ERROR_EMULATION;
        e.error = "KVM internal error, suberror " + std::to_string(run_->internal.suberror) +
                  " (the host could not emulate a guest instruction)";
        return e;
      default:
        e.error = "unexpected KVM exit reason " + std::to_string(run_->exit_reason);
        return e;
    }
  }

  CpuState state() override {
    if (!cached_) {
      load_state();
      cached_ = true;
    }
    return state_;
  }

  void set_state(const CpuState& s) override {
    if (!cached_) {
      load_state();
      cached_ = true;
    }
    state_ = s;
    dirty_ = true;
  }

  // KVM delivers a KVM_INTERRUPT whatever the guest's IF: the check is ours.
  // When the monitor changed the registers since the exit (a BIOS call
  // returning with the caller's FLAGS), their IF is the one that counts.
  // Not while an I/O or MMIO instruction waits for KVM to finish it: that
  // instruction may need another exit (a string or split MMIO access, a
  // move from one MMIO address to another), so the interrupt waits for the
  // window after it.
  bool can_inject() override {
    bool if_flag = dirty_ ? (state_.eflags & flag::IF) != 0 : run_->if_flag != 0;
    return !io_pending_ && run_->ready_for_interrupt_injection && if_flag;
  }

  void inject_interrupt(uint8_t vector) override {
    complete_pending_io();
    CpuState st = state();
    if (!(st.cr0 & 1)) {
      // Real mode: deliver it here, as the CPU would (push FLAGS, CS, IP;
      // clear IF and TF; jump through the IVT). KVM's own injection is
      // emulated on this host's nested KVM, which delivered an interrupt
      // injected after a HLT exit twice.
      uint16_t sp = uint16_t(st.gpr[ESP]);
      uint32_t ss = st.seg[SS].base;
      auto push = [&](uint16_t v) {
        sp = uint16_t(sp - 2);
        mem_.write16(ss + sp, v);
      };
      push(uint16_t(st.eflags));
      push(st.seg[CS].selector);
      push(uint16_t(st.eip));
      uint32_t entry = st.idt.base + vector * 4u;
      st.eip = mem_.read16(entry);
      st.load_real_segment(CS, mem_.read16(entry + 2));
      st.set_r16(ESP, sp);
      st.eflags &= ~(flag::IF | flag::TF | flag::AC);
      set_state(st);
      return;
    }
    flush_state();
    kvm_interrupt irq{vector};
    if (ioctl(vcpu_fd_, KVM_INTERRUPT, &irq) < 0) throw kvm_error("KVM_INTERRUPT failed");
    injected_.store(true);
  }

  void request_irq_window(bool on) override { run_->request_interrupt_window = on ? 1 : 0; }

  void kick() override {
    kicked_.store(true);
    if (!injected_.load()) run_->immediate_exit = 1;
    if (thread_known_.load()) pthread_kill(thread_, kKickSignal);
  }

  std::string name() const override { return "kvm"; }

  // Debugging through KVM_SET_GUEST_DEBUG: single steps, and Exec points in
  // the debug registers DR0-DR3 (hardware breakpoints, also standing in for
  // software ones: this host's nested KVM hands INT3 to the guest's own
  // vector). Its data breakpoints do not fire, so write watchpoints step the
  // guest and compare the watched bytes after each instruction (a write of
  // the value already there goes unseen); read and access watchpoints are refused.
  std::string set_debug(const DebugSetup& setup) override {
    kvm_guest_debug dbg{};
    int used = 0;
    std::vector<Breakpoint> watches;
    for (const Breakpoint& p : setup.points) {
      if (p.kind == BreakKind::Write) {
        if (p.length > kMaxWatch) return "kvm engine: a watchpoint covers at most 4096 bytes (use --engine soft)";
        watches.push_back(p);
        continue;
      }
      if (p.kind != BreakKind::Exec)
        return "kvm engine: read and access watchpoints are not supported here (use --engine soft)";
      if (used == kDebugRegisters)
        return "kvm engine: at most 4 breakpoints (the debug registers DR0-DR3); use --engine soft for more";
      dbg.arch.debugreg[used] = p.address;
      dbg.arch.debugreg[7] |= 1u << (2 * used);  // L0-L3, RW and LEN 0: an instruction fetch
      ++used;
    }
    bool step = setup.single_step || !watches.empty();
    if (step || used) {
      dbg.control = KVM_GUESTDBG_ENABLE | (used ? KVM_GUESTDBG_USE_HW_BP : 0) | (step ? KVM_GUESTDBG_SINGLESTEP : 0);
      dbg.arch.debugreg[7] |= 0x400;  // the bit that always reads as 1
    }
    if (ioctl(vcpu_fd_, KVM_SET_GUEST_DEBUG, &dbg) < 0)
      return std::string("kvm engine: KVM_SET_GUEST_DEBUG failed: ") + std::strerror(errno);
    debug_ = dbg;
    user_step_ = setup.single_step;
    watches_ = std::move(watches);
    watched_.assign(watches_.size(), {});
    for (size_t i = 0; i < watches_.size(); ++i) read_watched(watches_[i], watched_[i]);
    return "";
  }

 private:
  static constexpr int kDebugRegisters = 4;
  static constexpr uint32_t kMaxWatch = 4096;

  // The bytes a watchpoint covers, through the guest's paging (KVM_TRANSLATE);
  // a byte that is not RAM or ROM reads as none (the vector is shorter).
  void read_watched(const Breakpoint& w, std::vector<uint8_t>& out) {
    out.clear();
    for (uint32_t k = 0; k < w.length; ++k) {
      kvm_translation t{};
      t.linear_address = uint32_t(w.address + k);
      if (ioctl(vcpu_fd_, KVM_TRANSLATE, &t) < 0 || !t.valid) return;
      const uint8_t* p = mem_.readable_span(t.physical_address, 1);
      if (!p) return;
      out.push_back(*p);
    }
  }

  // A write watchpoint whose bytes changed since the last look (then taken as the new ones).
  std::optional<DebugExit> watch_hit() {
    std::vector<uint8_t> now;
    for (size_t i = 0; i < watches_.size(); ++i) {
      read_watched(watches_[i], now);
      if (now == watched_[i]) continue;
      watched_[i] = now;
      return DebugExit{false, BreakKind::Write, watches_[i].address};
    }
    return std::nullopt;
  }

  // A KVM_EXIT_DEBUG: which debug register hit (DR6 B0-B3), else a single step.
  Exit debug_exit() {
    Exit e;
    e.reason = ExitReason::Debug;
    uint64_t dr6 = run_->debug.arch.dr6;
    for (int i = 0; i < kDebugRegisters; ++i) {
      if ((dr6 >> i) & 1 && (debug_.arch.debugreg[7] >> (2 * i)) & 1) {
        e.debug = DebugExit{false, BreakKind::Exec, uint32_t(debug_.arch.debugreg[i])};
        resume_past_ = e.debug.address;
        return e;
      }
    }
    CpuState st = state();
    e.debug = DebugExit{true, BreakKind::Exec, st.seg[CS].base + st.eip};
    return e;
  }

  // After a stop at a breakpoint, the instruction there runs once before the
  // breakpoint can fire again: RF set on the way in, as a debugger on real
  // hardware does.
  void pass_breakpoint() {
    if (!resume_past_) return;
    uint32_t at = *resume_past_;
    resume_past_.reset();
    CpuState st = state();
    if (st.seg[CS].base + st.eip != at) return;
    st.eflags |= flag::RF;
    set_state(st);
  }

  // RAM above 1 MiB. With the A20 gate off, the 64 KiB at 1 MiB alias the
  // first 64 KiB of RAM, as on a PC: addresses wrap at 1 MiB.
  void map_high_ram() {
    a20_mapped_ = mem_.a20();
    uint64_t size = mem_.ram_size();
    if (size <= 0x100000) return;
    bool wrap = !a20_mapped_ && size > 0x110000;
    uint64_t high = wrap ? 0x110000 : 0x100000;
    set_slot(kSlotHigh, 0, nullptr, 0, 0);  // a slot's range can only change through deletion
    set_slot(kSlotWrap, 0, nullptr, 0, 0);
    set_slot(kSlotHigh, high, mem_.ram_base() + high, size - high, 0);
    if (wrap) set_slot(kSlotWrap, 0x100000, mem_.ram_base(), 0x10000, 0);
  }

  // RAM below the ROM; with the VGA window a device window (MemoryLayout),
  // in two slots around it, so that every access there exits as MMIO.
  void map_low_ram() {
    window_mapped_ = mem_.vga_window_mmio();
    set_slot(kSlotLow, 0, nullptr, 0, 0);  // a slot's range can only change through deletion
    set_slot(kSlotLowUpper, 0, nullptr, 0, 0);
    uint64_t low_ram = std::min<uint64_t>(mem_.ram_size(), GuestMemory::kRomBase);
    if (!window_mapped_) {
      set_slot(kSlotLow, 0, mem_.ram_base(), low_ram, 0);
      return;
    }
    const uint64_t win = GuestMemory::kVgaWindowBase, win_end = win + GuestMemory::kVgaWindowSize;
    set_slot(kSlotLow, 0, mem_.ram_base(), win, 0);
    set_slot(kSlotLowUpper, win_end, mem_.ram_base() + win_end, low_ram - win_end, 0);
  }

  // The framebuffer, with KVM's record of the pages the guest writes; the
  // memory's take_framebuffer_dirty() collects it through the hook.
  void map_framebuffer() {
    std::span<uint8_t> fb = mem_.framebuffer();
    if (fb.empty()) return;
    set_slot(kSlotFramebuffer, GuestMemory::kFramebufferBase, fb.data(), fb.size(), KVM_MEM_LOG_DIRTY_PAGES);
    mem_.set_dirty_log_hook([this](std::span<uint64_t> words) { collect_dirty_log(words); });
  }

  void collect_dirty_log(std::span<uint64_t> words) {
    std::vector<uint64_t> bitmap(words.size(), 0);
    kvm_dirty_log log{};
    log.slot = kSlotFramebuffer;
    log.dirty_bitmap = bitmap.data();
    if (ioctl(vm_fd_, KVM_GET_DIRTY_LOG, &log) < 0) {
      // Without the log every page counts as written: the picture stays right.
      std::fill(words.begin(), words.end(), ~uint64_t{0});
      ++dirty_log_failures_;
      return;
    }
    for (size_t i = 0; i < words.size(); ++i) words[i] |= bitmap[i];
  }

  void set_slot(uint32_t slot, uint64_t gpa, void* host, uint64_t size, uint32_t flags) {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.flags = flags;
    region.guest_phys_addr = gpa;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (ioctl(vm_fd_, KVM_SET_USER_MEMORY_REGION, &region) < 0 && size) throw kvm_error("cannot map guest memory");
  }

  // Gives the guest the CPUID that KVM supports, filtered to the i686 of
  // engine/kvm/cpuid_filter.h. A host KVM that cannot report it leaves the
  // vCPU's default, which is enough for real mode.
  void setup_cpuid() {
    for (uint32_t n = 64; n <= 1024; n *= 2) {
      std::vector<uint8_t> buf(sizeof(kvm_cpuid2) + n * sizeof(kvm_cpuid_entry2));
      auto* cpuid = reinterpret_cast<kvm_cpuid2*>(buf.data());
      cpuid->nent = n;
      if (ioctl(kvm_fd_, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
        if (errno == E2BIG) continue;
        return;
      }
      std::vector<CpuidEntry> host;
      for (uint32_t i = 0; i < cpuid->nent; ++i) {
        const kvm_cpuid_entry2& e = cpuid->entries[i];
        host.push_back({e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx});
      }
      std::vector<CpuidEntry> guest = filter_cpuid(host);
      cpuid->nent = uint32_t(guest.size());
      for (size_t i = 0; i < guest.size(); ++i) {
        kvm_cpuid_entry2& e = cpuid->entries[i];
        e = kvm_cpuid_entry2{};
        e.function = guest[i].function;
        e.index = guest[i].index;
        e.flags = guest[i].flags;
        e.eax = guest[i].eax;
        e.ebx = guest[i].ebx;
        e.ecx = guest[i].ecx;
        e.edx = guest[i].edx;
      }
      if (ioctl(vcpu_fd_, KVM_SET_CPUID2, cpuid) < 0) throw kvm_error("KVM_SET_CPUID2 failed");
      return;
    }
  }

  // The x87 state through KVM_GET_FPU / KVM_SET_FPU (an FXSAVE-like layout:
  // ST(i) in 16-byte slots, the abridged tag byte, selector:offset pointers).
  bool fpu_state(FpuImage& img) override {
    kvm_fpu f;
    if (ioctl(vcpu_fd_, KVM_GET_FPU, &f) < 0) return false;
    img.fill(0);
    unsigned top = (f.fsw >> 11) & 7;
    uint32_t tw = 0;
    for (unsigned n = 0; n < 8; ++n) {
      const uint8_t* v = f.fpr[(n - top) & 7];
      uint64_t mant;
      uint16_t exp;
      std::memcpy(&mant, v, 8);
      std::memcpy(&exp, v + 8, 2);
      exp &= 0x7FFF;
      unsigned tag = 0;  // valid
      if (!((f.ftwx >> n) & 1))
        tag = 3;  // empty
      else if (exp == 0 && mant == 0)
        tag = 1;  // zero
      else if (exp == 0x7FFF || exp == 0 || !(mant >> 63))
        tag = 2;  // special
      tw |= tag << (2 * n);
    }
    const uint32_t env[7] = {0xFFFF0000u | f.fcw,
                             0xFFFF0000u | f.fsw,
                             0xFFFF0000u | tw,
                             uint32_t(f.last_ip),
                             uint32_t((f.last_ip >> 32) & 0xFFFF) | uint32_t(f.last_opcode & 0x7FF) << 16,
                             uint32_t(f.last_dp),
                             0xFFFF0000u | uint32_t((f.last_dp >> 32) & 0xFFFF)};
    std::memcpy(img.data(), env, sizeof env);
    for (unsigned i = 0; i < 8; ++i) std::memcpy(img.data() + 28 + 10 * i, f.fpr[i], 10);
    return true;
  }
  bool set_fpu_state(const FpuImage& img) override {
    kvm_fpu f;
    if (ioctl(vcpu_fd_, KVM_GET_FPU, &f) < 0) return false;  // keeps the SSE part
    uint32_t env[7];
    std::memcpy(env, img.data(), sizeof env);
    f.fcw = uint16_t(env[0]);
    f.fsw = uint16_t(env[1]);
    f.ftwx = 0;
    for (unsigned n = 0; n < 8; ++n)
      if (((env[2] >> (2 * n)) & 3) != 3) f.ftwx |= uint8_t(1u << n);
    f.last_ip = env[3] | uint64_t(env[4] & 0xFFFF) << 32;
    f.last_opcode = uint16_t((env[4] >> 16) & 0x7FF);
    f.last_dp = env[5] | uint64_t(env[6] & 0xFFFF) << 32;
    for (unsigned i = 0; i < 8; ++i) {
      std::memset(f.fpr[i], 0, sizeof f.fpr[i]);
      std::memcpy(f.fpr[i], img.data() + 28 + 10 * i, 10);
    }
    return ioctl(vcpu_fd_, KVM_SET_FPU, &f) >= 0;
  }

  void load_state() {
    kvm_regs regs;
    kvm_sregs sregs;
    if (sync_regs_ && ran_once_) {
      regs = run_->s.regs.regs;
      sregs = run_->s.regs.sregs;
    } else {
      if (ioctl(vcpu_fd_, KVM_GET_REGS, &regs) < 0) throw kvm_error("KVM_GET_REGS failed");
      if (ioctl(vcpu_fd_, KVM_GET_SREGS, &sregs) < 0) throw kvm_error("KVM_GET_SREGS failed");
    }
    CpuState& s = state_;
    const uint64_t g[8] = {regs.rax, regs.rcx, regs.rdx, regs.rbx, regs.rsp, regs.rbp, regs.rsi, regs.rdi};
    for (int i = 0; i < 8; ++i) s.gpr[i] = uint32_t(g[i]);
    s.eip = uint32_t(regs.rip);
    s.eflags = uint32_t(regs.rflags);
    const kvm_segment* segs[6] = {&sregs.es, &sregs.cs, &sregs.ss, &sregs.ds, &sregs.fs, &sregs.gs};
    for (int i = 0; i < 6; ++i) s.seg[i] = from_kvm(*segs[i]);
    s.ldt = from_kvm(sregs.ldt);
    s.tr = from_kvm(sregs.tr);
    s.gdt = {uint32_t(sregs.gdt.base), sregs.gdt.limit};
    s.idt = {uint32_t(sregs.idt.base), sregs.idt.limit};
    s.cr0 = uint32_t(sregs.cr0);
    s.cr2 = uint32_t(sregs.cr2);
    s.cr3 = uint32_t(sregs.cr3);
    s.cr4 = uint32_t(sregs.cr4);
    loaded_sregs_ = sregs;
    loaded_ = s;
  }

  // Writes back what set_state() changed, before the guest runs again.
  void flush_state() {
    if (!dirty_) return;
    dirty_ = false;
    const CpuState& s = state_;
    bool gprs_changed = !std::equal(std::begin(s.gpr), std::end(s.gpr), std::begin(loaded_.gpr)) ||
                        s.eip != loaded_.eip || s.eflags != loaded_.eflags;
    CpuState sreg_view = s, loaded_view = loaded_;
    std::copy(std::begin(loaded_.gpr), std::end(loaded_.gpr), std::begin(sreg_view.gpr));
    sreg_view.eip = loaded_.eip;
    sreg_view.eflags = loaded_.eflags;
    bool sregs_changed = !(sreg_view == loaded_view);
    if (gprs_changed) {
      kvm_regs regs{};
      regs.rax = s.gpr[EAX];
      regs.rcx = s.gpr[ECX];
      regs.rdx = s.gpr[EDX];
      regs.rbx = s.gpr[EBX];
      regs.rsp = s.gpr[ESP];
      regs.rbp = s.gpr[EBP];
      regs.rsi = s.gpr[ESI];
      regs.rdi = s.gpr[EDI];
      regs.rip = s.eip;
      regs.rflags = s.eflags | flag::FIXED1;
      if (sync_regs_) {
        run_->s.regs.regs = regs;
        run_->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
      } else if (ioctl(vcpu_fd_, KVM_SET_REGS, &regs) < 0) {
        throw kvm_error("KVM_SET_REGS failed");
      }
    }
    if (sregs_changed) {
      kvm_sregs sregs = loaded_sregs_;
      kvm_segment* segs[6] = {&sregs.es, &sregs.cs, &sregs.ss, &sregs.ds, &sregs.fs, &sregs.gs};
      for (int i = 0; i < 6; ++i) *segs[i] = to_kvm(s.seg[i]);
      sregs.ldt = to_kvm(s.ldt);
      sregs.tr = to_kvm(s.tr);
      sregs.gdt.base = s.gdt.base;
      sregs.gdt.limit = s.gdt.limit;
      sregs.idt.base = s.idt.base;
      sregs.idt.limit = s.idt.limit;
      sregs.cr0 = s.cr0;
      sregs.cr2 = s.cr2;
      sregs.cr3 = s.cr3;
      sregs.cr4 = s.cr4;
      if (sync_regs_) {
        run_->s.regs.sregs = sregs;
        run_->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
      } else if (ioctl(vcpu_fd_, KVM_SET_SREGS, &sregs) < 0) {
        throw kvm_error("KVM_SET_SREGS failed");
      }
    }
    loaded_ = s;
  }

  static constexpr uint32_t kSlotLow = 0, kSlotRom = 1, kSlotHigh = 2, kSlotRomAlias = 3, kSlotWrap = 4;
  static constexpr uint32_t kSlotLowUpper = 5, kSlotFramebuffer = 6;

  GuestMemory& mem_;
  std::unique_ptr<Vcpu> assist_;  // executes what the host's KVM cannot emulate
  bool emulation_failed_ = false;
  uint64_t assisted_ = 0;
  uint64_t dirty_log_failures_ = 0;
  bool a20_mapped_ = true;
  bool window_mapped_ = false;  // the VGA window is mapped as a device window (MMIO)
  int kvm_fd_ = -1, vm_fd_ = -1, vcpu_fd_ = -1;
  kvm_run* run_ = nullptr;
  size_t run_size_ = 0;
  bool sync_regs_ = false, ran_once_ = false;
  kvm_guest_debug debug_{};                // the setup KVM has (set_debug)
  std::optional<uint32_t> resume_past_;  // the breakpoint the CPU stopped at last
  bool user_step_ = false;               // the debugger asked for single steps
  std::vector<Breakpoint> watches_;      // write watchpoints, and the bytes they covered at the last look
  std::vector<std::vector<uint8_t>> watched_;
  bool cached_ = false, dirty_ = false;
  bool io_pending_ = false;  // the last exit was I/O or MMIO: KVM completes it at the next KVM_RUN
  CpuState state_, loaded_;
  kvm_sregs loaded_sregs_{};
  std::atomic<bool> kicked_{false};
  std::atomic<bool> injected_{false};
  std::atomic<bool> thread_known_{false};
  pthread_t thread_{};
};

}  // namespace

bool kvm_available(std::string* why) {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (why) *why = std::string("/dev/kvm: ") + std::strerror(errno);
    return false;
  }
  close(fd);
  return true;
}

std::unique_ptr<Vcpu> make_kvm_vcpu(GuestMemory& mem, std::unique_ptr<Vcpu> assist) {
  return std::make_unique<KvmVcpu>(mem, std::move(assist));
}

}  // namespace pxos
