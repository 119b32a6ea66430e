// The engine interface: one virtual CPU that runs guest code until an exit.
//
// Both engines (engine/kvm, engine/soft) implement Vcpu. The monitor loop
// (machine/monitor.cpp) only sees this header: it never knows which engine
// runs the guest.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pxos {

// General registers, in the x86 encoding order (ModRM reg field).
enum Gpr : int { EAX = 0, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
// Segment registers, in the x86 encoding order (sreg field).
enum Sreg : int { ES = 0, CS, SS, DS, FS, GS };

// EFLAGS bits.
namespace flag {
inline constexpr uint32_t CF = 1u << 0;
inline constexpr uint32_t PF = 1u << 2;
inline constexpr uint32_t AF = 1u << 4;
inline constexpr uint32_t ZF = 1u << 6;
inline constexpr uint32_t SF = 1u << 7;
inline constexpr uint32_t TF = 1u << 8;
inline constexpr uint32_t IF = 1u << 9;
inline constexpr uint32_t DF = 1u << 10;
inline constexpr uint32_t OF = 1u << 11;
inline constexpr uint32_t IOPL = 3u << 12;
inline constexpr uint32_t NT = 1u << 14;
inline constexpr uint32_t RF = 1u << 16;
inline constexpr uint32_t VM = 1u << 17;
inline constexpr uint32_t AC = 1u << 18;
inline constexpr uint32_t ID = 1u << 21;
inline constexpr uint32_t FIXED1 = 1u << 1;  // always reads as 1
}  // namespace flag

// A segment register with its hidden descriptor cache.
// attrib uses the layout of descriptor bytes 5..6 (VMX "access rights"):
//   bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G.
struct Segment {
  uint16_t selector = 0;
  uint32_t base = 0;
  uint32_t limit = 0xFFFF;   // byte granular, already expanded by G
  uint16_t attrib = 0x0093;  // present, writable data, accessed

  bool operator==(const Segment&) const = default;
};

struct DescriptorTable {
  uint32_t base = 0;
  uint16_t limit = 0xFFFF;
  bool operator==(const DescriptorTable&) const = default;
};

// The whole architectural state that the monitor can read and write.
struct CpuState {
  uint32_t gpr[8] = {};
  uint32_t eip = 0;
  uint32_t eflags = flag::FIXED1;
  Segment seg[6];
  Segment ldt{0, 0, 0xFFFF, 0x0082};
  Segment tr{0, 0, 0xFFFF, 0x008B};
  DescriptorTable gdt, idt;
  uint32_t cr0 = 0x60000010;  // CD|NW|ET: the reset value
  uint32_t cr2 = 0, cr3 = 0, cr4 = 0;
  uint32_t dr[8] = {0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x400};

  bool operator==(const CpuState&) const = default;

  // 16-bit views, for real-mode code (the BIOS).
  uint16_t r16(Gpr r) const { return static_cast<uint16_t>(gpr[r]); }
  void set_r16(Gpr r, uint16_t v) { gpr[r] = (gpr[r] & 0xFFFF0000u) | v; }
  uint8_t r8lo(Gpr r) const { return static_cast<uint8_t>(gpr[r]); }
  uint8_t r8hi(Gpr r) const { return static_cast<uint8_t>(gpr[r] >> 8); }
  void set_r8lo(Gpr r, uint8_t v) { gpr[r] = (gpr[r] & ~0xFFu) | v; }
  void set_r8hi(Gpr r, uint8_t v) { gpr[r] = (gpr[r] & ~0xFF00u) | (uint32_t{v} << 8); }

  // Loads a segment the way real mode does: base = selector * 16.
  void load_real_segment(Sreg s, uint16_t selector) {
    seg[s].selector = selector;
    seg[s].base = uint32_t{selector} << 4;
  }
};

// The x87 state as a 32-bit protected-mode FNSAVE image (108 bytes: control,
// status and tag words, the last instruction and operand pointers (selector and
// offset), then ST(0) to ST(7)). Not part of CpuState: engines hand it to each
// other through Vcpu::fpu_state() where they need to.
using FpuImage = std::array<uint8_t, 108>;

// The state of an x86 CPU after RESET: CS:IP = F000:FFF0 with the CS base
// at FFFF0000, so the first fetch comes from the top of the 4 GiB space.
CpuState reset_state();

enum class ExitReason {
  Io,         // port I/O: see Exit::io
  Mmio,       // memory access outside RAM and ROM: see Exit::mmio
  Hlt,        // the guest executed HLT
  Shutdown,   // triple fault or shutdown cycle
  IrqWindow,  // the guest can take an interrupt now (asked for with request_irq_window)
  Kicked,     // kick() was called (or a host signal interrupted the run)
  Debug,      // a breakpoint, watchpoint or single step set with set_debug: see Exit::debug
  Error,      // the engine cannot go on: see Exit::error
};

// A port access. For an OUT, data holds `size * count` bytes to deliver.
// For an IN, the monitor fills data before the next run(); the engine
// completes the instruction then. count > 1 only for string I/O.
struct IoExit {
  uint16_t port = 0;
  uint8_t size = 1;  // 1, 2 or 4
  bool is_write = false;
  uint32_t count = 1;
  std::span<uint8_t> data;  // owned by the engine, valid until the next run()
};

struct MmioExit {
  uint64_t address = 0;
  uint8_t size = 0;  // 1..8
  bool is_write = false;
  std::span<uint8_t> data;  // as for IoExit
};

// Debugging (the GDB stub, machine/gdb_server.h). Addresses are linear.
enum class BreakKind : uint8_t {
  Exec,    // before the instruction at `address` runs
  Write,   // after an instruction that wrote a byte of [address, address + length)
  Read,    // ... that read one
  Access,  // ... that read or wrote one
};
struct Breakpoint {
  BreakKind kind = BreakKind::Exec;
  uint32_t address = 0;
  uint32_t length = 1;
  bool operator==(const Breakpoint&) const = default;
};
struct DebugSetup {
  bool single_step = false;  // stop after each instruction
  std::vector<Breakpoint> points;
};
struct DebugExit {
  bool step = false;  // a single step ended (no point hit)
  BreakKind kind = BreakKind::Exec;
  uint32_t address = 0;  // the point's address (a watchpoint's start), or the linear EIP of a step
};

struct Exit {
  ExitReason reason = ExitReason::Error;
  IoExit io;
  MmioExit mmio;
  DebugExit debug;
  std::string error;
};

// One virtual CPU. Not thread-safe except kick().
class Vcpu {
 public:
  virtual ~Vcpu() = default;

  // Runs guest code until the next exit.
  virtual Exit run() = 0;

  // Full register state. set_state() may be called between two run()s,
  // also while an I/O exit is pending (the BIOS does this): the pending
  // instruction still completes on the next run() unless eip was changed.
  virtual CpuState state() = 0;
  virtual void set_state(const CpuState& s) = 0;

  // Interrupt delivery. inject_interrupt() may be called only when
  // can_inject() is true; it delivers the vector before the next guest
  // instruction. request_irq_window(true) makes run() return IrqWindow as
  // soon as the guest can take an interrupt.
  virtual bool can_inject() = 0;
  virtual void inject_interrupt(uint8_t vector) = 0;
  virtual void request_irq_window(bool on) = 0;

  // Makes a run() in progress (or the next one) return Kicked soon.
  // Safe to call from another thread.
  virtual void kick() = 0;

  // A short name for logs: "kvm", "soft".
  virtual std::string name() const = 0;

  // Engines whose guest clock counts instructions (the software engine's
  // virtual time): run() returns Kicked by the time the guest clock reaches
  // `guest_ns` (UINT64_MAX: no deadline), so the monitor runs its device
  // timers on time. Engines on the wall clock (KVM) ignore it.
  virtual void set_deadline(uint64_t guest_ns) { (void)guest_ns; }

  // The x87 state, for engines that hand it to each other (the KVM engine's
  // software assist, which executes single instructions on the KVM vCPU's
  // state). False where the engine cannot read or load it.
  virtual bool fpu_state(FpuImage&) { return false; }
  virtual bool set_fpu_state(const FpuImage&) { return false; }

  // Guest instructions executed so far, where the engine can count them
  // (the software engine; KVM cannot and returns 0). Virtual time in
  // --deterministic mode is derived from it.
  virtual uint64_t instructions_retired() const { return 0; }

  // What the engine counted about itself, as lines of text (the software engine's
  // translator with --jit-stats); empty when it counted nothing.
  virtual std::string statistics() const { return ""; }

  // Breakpoints, watchpoints and single stepping (ExitReason::Debug). Replaces
  // the whole setup; an empty one turns debugging off. Returns "" when the
  // engine honours all of it, else why not (the setup is then unchanged). After
  // a Debug exit at an Exec point, the next run() executes that instruction
  // before it looks at that point again (as the x86's RF flag does).
  virtual std::string set_debug(const DebugSetup& setup) {
    return setup.points.empty() && !setup.single_step ? "" : name() + " engine: no debugging support";
  }
};

}  // namespace pxos
