// The software engine's CPU core: the whole architectural state in one struct,
// lazy arithmetic flags, and the single memory access path
//   (segment, offset) --lin()/lin_w()--> linear --TLB / translate()--> physical --> RAM/ROM/MMIO.
//
// Everything the interpreter touches goes through the helpers here, so the later
// protected-mode + paging work (issue 9) only has to extend lin_slow() (segment
// checks) and translate() (paging): the software TLB is already keyed by linear page.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/soft/fpu.h"

namespace pxos {
class MmioBus;
}

namespace pxos::soft {

struct Cpu;
struct Insn;
namespace jit {
struct Stats;
}
using Handler = void (*)(Cpu&, const Insn&);
// A handler wrapped for threaded dispatch: runs one instruction of a block and
// tail-calls the next one's thunk (see thunk.h).
using Thunk = void (*)(Cpu&, const Insn*);

// A decoded instruction. Handlers read everything they need from here.
struct Insn {
  union {
    Handler fn = nullptr;
    const void* block;  // in a block's end sentinel: the Block it ends
  };
  Thunk th = nullptr;
  uint32_t disp = 0;   // memory operand displacement (or moffs)
  uint32_t imm = 0;    // first immediate (sign-extended where the encoding says so)
  uint32_t amask = 0;  // 0xFFFF or 0xFFFFFFFF: the address size
  uint16_t imm2 = 0;   // far pointer selector, ENTER nesting level
  uint8_t len = 0;     // instruction length in bytes
  uint8_t op = 0;      // opcode byte (second byte for 0F xx)
  uint8_t map = 0;     // 1: the two-byte map (0F xx); opcode_table.h's op_info() looks it up with op
  uint8_t kind = 0;    // the table's Kind, for the block builder's passes (Plain when a LOCK made it #UD)
  uint8_t mod = 0, reg = 0, rm = 0;
  uint8_t base = 8, index = 8, scale = 0;  // EA = r[base] + (r[index] << scale) + disp; r[8] == 0
  uint8_t seg = DS;                        // segment of the memory operand (override applied)
  uint8_t rep = 0;                         // 0, 0xF2 or 0xF3
  uint8_t op32 = 0;                        // operand size is 32 bits
  uint8_t ends_block = 0;
  uint16_t off = 0;  // offset from the start of its block (in a block's end sentinel: the block's length)
  uint8_t idx = 0;   // index in its block (in the end sentinel: 1 when the block falls through to the next)
  uint8_t jit = 0;   // the form the translator compiles (jit/forms.h), 0: none
};

// Thrown by any instruction that raises an exception; the run loop restores
// EIP to the faulting instruction and delivers the vector.
struct Fault {
  uint8_t vector;
  bool has_error;
  uint32_t error;
};
[[noreturn]] void raise_fault(uint8_t vector, uint32_t error = 0, bool has_error = false);
[[noreturn]] inline void gp(uint32_t err = 0) { raise_fault(13, err, true); }
[[noreturn]] inline void ud() { raise_fault(6); }

// Segment register with its hidden descriptor cache.
struct SegCache {
  uint32_t base = 0;
  uint32_t limit = 0xFFFF;
  uint16_t sel = 0;
  uint16_t attrib = 0x93;
  bool expand_down() const { return (attrib & 0x1C) == 0x14; }
  bool big() const { return attrib & 0x4000; }
};

// L_SZP: SF/ZF/PF from res, CF = src bit 0, AF = src bit 1, OF = dst bit 0 (MUL, IMUL, shifts).
enum LazyOp : uint8_t { L_NONE, L_ADD, L_SUB, L_LOGIC, L_INC, L_DEC, L_SZP };

enum class Stop : uint8_t { None, Hlt, Io, Shutdown, Error };

// An IN/INS waiting for the monitor's data.
struct PendingIn {
  bool active = false;
  bool string = false;
  bool rep = false;
  uint8_t size = 1;
  uint32_t amask = 0xFFFF;  // address size of INS
  uint32_t insn_eip = 0;    // start of the IN/INS (for REP INS)
  uint32_t eip_after = 0;   // the EIP the CPU will resume at
};

class BlockCache;

// One software TLB entry: a linear page translated for one privilege class.
struct TlbEntry {
  uint32_t tag_r = ~0u, tag_w = ~0u;  // linear page number valid for read / for a fast-path write
  uint32_t tag_wc = ~0u;              // valid for write, but the page holds code (writes go the slow way)
  uint32_t phys = 0;                  // physical page address | kTlbGlobal | kTlbLarge
  uint8_t* host = nullptr;            // host address of the page
};
inline constexpr uint32_t kTlbGlobal = 1;    // from a global page (CR4.PGE): survives CR3 loads
inline constexpr uint32_t kTlbLarge = 2;     // part of a 4 MiB page (INVLPG drops all of it)
inline constexpr uint32_t kTlbWritable = 4;  // (walk() only) writes allowed and the dirty bit is set

struct Cpu {
  Cpu() = default;
  Cpu(const Cpu&) = delete;  // `tlb` points into this object's own `tlbs`
  Cpu& operator=(const Cpu&) = delete;

  // ---- architectural state -------------------------------------------------
  uint32_t r[9] = {};  // EAX..EDI, r[8] is always 0 (no base / no index)
  uint32_t eip = 0;
  uint32_t flags = flag::FIXED1;  // arithmetic bits are stale while lazy.op != L_NONE
  struct {
    uint8_t op = L_NONE;
    uint8_t bits = 8;
    uint32_t res = 0, src = 0, dst = 0;
  } lazy;
  SegCache seg[6];
  SegCache ldtr, tr;
  DescriptorTable gdt, idt;
  uint32_t cr0 = 0x60000010, cr2 = 0, cr3 = 0, cr4 = 0;
  uint32_t dr[8] = {0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x400};
  uint8_t cpl = 0;      // change through set_cpl(): it picks the TLB of the privilege class
  bool code32 = false;  // CS.D

  // ---- execution bookkeeping ----------------------------------------------
  uint32_t insn_eip = 0;    // start of the instruction being executed
  bool exit_block = false;  // leave the current block after this instruction
  bool shadow = false;      // interrupt shadow (after MOV SS, POP SS, STI)
  Stop stop = Stop::None;
  std::string error;
  uint64_t icount = 0;
  // Iterations a REP string instruction runs per dispatch before it comes back
  // (EIP at itself), letting kicks and interrupts in; each dispatch counts as one
  // retired instruction.
  uint32_t rep_chunk = 4096;
  uint64_t chain_gen = 0;  // bumped whenever a block goes away or translations change
  // Direct block-to-block chaining (block_end): how many more blocks may run before
  // returning to the run loop, the kick flag to poll, and the block running now.
  uint32_t chain_budget = 0;
  // EIP and icount at the start of the block running now: a thunk derives its EIP and
  // the instruction count from them and its Insn::off / Insn::idx (thunk.h), so the
  // specialised thunks (fast.cpp) update neither.
  uint32_t block_eip = 0;
  uint64_t block_icount = 0;
  const std::atomic<bool>* kick = nullptr;
  const void* cur_block = nullptr;
  jit::Stats* jit_stats = nullptr;  // --jit-stats (jit/stats.h): the counts of translated code
  int last_exception = -1;          // the first exception vector raised since reset to -1 (for the conformance runner)
  bool lock_ud = true;              // LOCK where it cannot apply is #UD (false: ignored, as on the 286)

  // Port I/O handed to the monitor.
  uint16_t io_port = 0;
  uint8_t io_size = 1;
  bool io_write = false;
  uint8_t io_buf[8] = {};
  PendingIn pending_in;

  // ---- physical memory map -------------------------------------------------
  uint8_t* ram = nullptr;
  uint32_t ram_size = 0;
  uint8_t* rom = nullptr;  // 64 KiB at 0xF0000 and 0xFFFF0000 (nullptr: none, RAM everywhere)
  MmioBus* mmio = nullptr;
  // Display memory (vm/memory.h's MemoryLayout): the VGA window A0000h-BFFFFh
  // as a device window (no host page: every access reaches mmio), and the
  // framebuffer at fb_base, RAM whose pages are recorded in fb_dirty (one bit
  // per page) when written. A page gets a fast-path write entry only once it
  // is marked, so the first write after the record was taken takes the slow
  // path and marks it (tlb_drop_framebuffer_writes when it is taken).
  bool vga_window_mmio = false;
  uint8_t* fb = nullptr;
  uint32_t fb_base = 0, fb_size = 0;
  uint64_t* fb_dirty = nullptr;
  bool in_framebuffer(uint32_t p) const { return p - fb_base < fb_size; }
  bool fb_page_dirty(uint32_t p) const {
    uint32_t n = (p - fb_base) >> 12;
    return (fb_dirty[n / 64] >> (n % 64)) & 1;
  }
  void note_phys_write(uint32_t p) {  // a write to RAM at p: recorded when it is in the framebuffer
    if (in_framebuffer(p)) {
      uint32_t n = (p - fb_base) >> 12;
      fb_dirty[n / 64] |= uint64_t{1} << (n % 64);
    }
  }
  uint64_t code_bits(uint32_t p) const { return (p >> 12) < code_page.size() ? code_page[p >> 12] : 0; }
  uint32_t a20_mask = ~0u;
  uint32_t phys_mask = ~0u;  // 0x00FFFFFF for a 24-bit bus (the 286 conformance runner)
  // Per 4 KiB RAM page, one bit per 64-byte chunk holding decoded code. A page with
  // any code never gets a writable TLB entry; a write invalidates blocks only when it
  // touches a chunk with code (so data next to code stays cheap).
  std::vector<uint64_t> code_page;
  static uint64_t chunk_mask(uint32_t off, uint32_t len) {  // chunks covering [off, off+len) of a page
    uint32_t first = off >> 6, last = (off + len - 1) >> 6;
    if (last > 63) last = 63;
    uint64_t hi = last == 63 ? ~uint64_t{0} : ((uint64_t{1} << (last + 1)) - 1);
    return hi & ~((uint64_t{1} << first) - 1);
  }
  BlockCache* blocks = nullptr;

  // The software TLB, one per privilege class: [0] supervisor (CPL 0-2), [1] user
  // (CPL 3). `tlb` points at the current one, so rights need no check on a hit.
  TlbEntry tlbs[2][256];
  TlbEntry* tlb = tlbs[0];
  // The time base of RDTSC (nanoseconds of guest time); unset: 10 ns per instruction.
  uint64_t (*clock_ns)(const void* ctx, uint64_t icount) = nullptr;
  const void* clock_ctx = nullptr;
  int64_t tsc_offset = 0;  // WRMSR to the TSC
  uint64_t tsc_last = 0;
  uint64_t msr_misc_enable = 1;  // fast strings
  uint64_t msr_bios_sign = 0;

  // Watchpoints (the GDB stub, Vcpu::set_debug): linear ranges that the slow
  // memory path checks. A page holding one gets no TLB entry, so every access
  // to it takes the slow path; instruction fetches (watch_fetch) are not reads.
  std::vector<Breakpoint> watches;
  bool watch_fetch = false;
  bool watch_hit = false;  // set by an access to a watched range; the run loop reports it
  Breakpoint watch_hit_point;
  bool watched_page(uint32_t linear) const;
  void note_watch(uint32_t linear, unsigned size, bool write);

  Fpu fpu;  // the x87 (fpu.h, fpu.cpp); last, away from the hot fields

  // ---- flags ------------------------------------------------------------------
  [[gnu::always_inline]] bool cf() const {
    switch (lazy.op) {
      case L_ADD: return (((lazy.dst & lazy.src) | ((lazy.dst | lazy.src) & ~lazy.res)) >> (lazy.bits - 1)) & 1;
      case L_SUB: return (((~lazy.dst & lazy.src) | ((~lazy.dst | lazy.src) & lazy.res)) >> (lazy.bits - 1)) & 1;
      case L_LOGIC: return false;
      case L_SZP: return lazy.src & 1;
      default: return flags & flag::CF;
    }
  }
  bool zf() const { return lazy.op ? lazy.res == 0 : (flags & flag::ZF); }
  bool sf() const { return lazy.op ? (lazy.res >> (lazy.bits - 1)) & 1 : (flags & flag::SF); }
  bool of() const {
    switch (lazy.op) {
      case L_ADD:
      case L_INC: return (((lazy.dst ^ lazy.res) & (lazy.src ^ lazy.res)) >> (lazy.bits - 1)) & 1;
      case L_SUB:
      case L_DEC: return (((lazy.dst ^ lazy.src) & (lazy.dst ^ lazy.res)) >> (lazy.bits - 1)) & 1;
      case L_LOGIC: return false;
      case L_SZP: return lazy.dst & 1;
      default: return flags & flag::OF;
    }
  }
  bool pf() const { return lazy.op ? !__builtin_parity(lazy.res & 0xFF) : (flags & flag::PF); }
  bool af() const {
    switch (lazy.op) {
      case L_NONE: return flags & flag::AF;
      case L_LOGIC: return false;
      case L_SZP: return (lazy.src >> 1) & 1;
      default: return ((lazy.dst ^ lazy.src ^ lazy.res) >> 4) & 1;
    }
  }
  uint32_t get_flags() const {
    if (lazy.op == L_NONE) return flags;
    uint32_t f = flags & ~(flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF | flag::OF);
    if (cf()) f |= flag::CF;
    if (pf()) f |= flag::PF;
    if (af()) f |= flag::AF;
    if (zf()) f |= flag::ZF;
    if (sf()) f |= flag::SF;
    if (of()) f |= flag::OF;
    return f;
  }
  // Replaces all flags (the caller has applied any write mask).
  void set_flags(uint32_t f) {
    flags = (f & 0x003F7FD5u) | flag::FIXED1;
    lazy.op = L_NONE;
  }
  // Materialises lazy flags so single bits of `flags` can be edited.
  void flush_flags() {
    if (lazy.op != L_NONE) {
      flags = get_flags();
      lazy.op = L_NONE;
    }
  }
  template <class T>
  void set_lazy(LazyOp op, uint32_t dst, uint32_t src, uint32_t res) {
    lazy.op = op;
    lazy.bits = sizeof(T) * 8;
    lazy.dst = T(dst);
    lazy.src = T(src);
    lazy.res = T(res);
  }
  // For INC/DEC: CF survives, so it is moved into `flags` first.
  template <class T>
  void set_lazy_keep_cf(LazyOp op, uint32_t dst, uint32_t res) {
    bool c = cf();
    flags = (flags & ~flag::CF) | (c ? flag::CF : 0);
    set_lazy<T>(op, dst, 1, res);
  }
  template <unsigned CC>
  bool cond_fixed() const {
    bool v;
    if constexpr ((CC >> 1) == 0)
      v = of();
    else if constexpr ((CC >> 1) == 1)
      v = cf();
    else if constexpr ((CC >> 1) == 2)
      v = zf();
    else if constexpr ((CC >> 1) == 3)
      v = cf() || zf();
    else if constexpr ((CC >> 1) == 4)
      v = sf();
    else if constexpr ((CC >> 1) == 5)
      v = pf();
    else if constexpr ((CC >> 1) == 6)
      v = sf() != of();
    else
      v = zf() || (sf() != of());
    return v ^ (CC & 1);
  }
  bool cond(unsigned cc) const {
    bool v;
    switch (cc >> 1) {
      case 0: v = of(); break;
      case 1: v = cf(); break;
      case 2: v = zf(); break;
      case 3: v = cf() || zf(); break;
      case 4: v = sf(); break;
      case 5: v = pf(); break;
      case 6: v = sf() != of(); break;
      default: v = zf() || (sf() != of()); break;
    }
    return v ^ (cc & 1);
  }

  // ---- registers ---------------------------------------------------------------
  template <class T>
  T reg(unsigned i) const {
    if constexpr (sizeof(T) == 1)
      return T(r[i & 3] >> ((i & 4) * 2));
    else
      return T(r[i]);
  }
  template <class T>
  void set_reg(unsigned i, T v) {
    if constexpr (sizeof(T) == 1) {
      unsigned sh = (i & 4) * 2;
      r[i & 3] = (r[i & 3] & ~(0xFFu << sh)) | (uint32_t{v} << sh);
    } else if constexpr (sizeof(T) == 2) {
      r[i] = (r[i] & 0xFFFF0000u) | v;
    } else {
      r[i] = v;
    }
  }

  // ---- memory: segment -> linear -------------------------------------------
  bool pm() const { return cr0 & 1; }
  // Checks offset..offset+size-1 against the segment and returns the linear address.
  uint32_t lin(unsigned s, uint32_t off, unsigned size) const {
    const SegCache& sc = seg[s];
    if (sc.expand_down() || off > sc.limit || sc.limit - off < size - 1) [[unlikely]]
      return lin_slow(s, off, size, false);
    return sc.base + off;
  }
  uint32_t lin_w(unsigned s, uint32_t off, unsigned size) const {
    const SegCache& sc = seg[s];
    if (sc.expand_down() || off > sc.limit || sc.limit - off < size - 1 || (pm() && (sc.attrib & 0xA) != 0x2))
        [[unlikely]]
      return lin_slow(s, off, size, true);
    return sc.base + off;
  }
  uint32_t lin_slow(unsigned s, uint32_t off, unsigned size, bool write) const;

  // ---- memory: linear -> physical (memory.cpp) -------------------------------
  bool paging() const { return cr0 & 0x80000000u; }
  uint32_t translate(uint32_t linear, bool write);
  uint32_t walk(uint32_t linear, bool write, uint32_t& attrs);  // the page walk; attrs: kTlb* bits
  void tlb_flush();                                             // everything (CR0.PG/WP, CR4 changes, A20)
  void tlb_flush_nonglobal();                                   // a CR3 load
  void tlb_flush_page(uint32_t linear);                         // INVLPG
  void tlb_flush_phys_page_writes(uint32_t phys_page);
  void tlb_drop_framebuffer_writes();  // the dirty record was taken: writes must mark pages again
  void set_cpl(uint8_t n) {
    if ((n == 3) != (cpl == 3)) {
      tlb = tlbs[n == 3];
      if (paging()) ++chain_gen;  // a chain may lead to a page this privilege cannot fetch from
    }
    cpl = n;
  }
  // Implicit supervisor accesses (descriptor tables, IDT, TSS): supervisor rights
  // whatever the CPL, and a #PF error code without U/S.
  template <class T>
  T read_sys(uint32_t a) {
    if (cpl != 3) return read_lin<T>(a);
    return T(sys_access(a, 0, sizeof(T), false));
  }
  template <class T>
  void write_sys(uint32_t a, T v) {
    if (cpl != 3) return write_lin<T>(a, v);
    sys_access(a, v, sizeof(T), true);
  }
  uint32_t sys_access(uint32_t a, uint32_t v, unsigned size, bool write);
  uint64_t tsc();  // RDTSC (msr.cpp)

  template <class T>
  T read_lin(uint32_t a) {
    TlbEntry& e = tlb[(a >> 12) & 255];
    if (e.tag_r == (a >> 12) && (a & 0xFFF) <= 0x1000 - sizeof(T)) [[likely]] {
      T v;
      std::memcpy(&v, e.host + (a & 0xFFF), sizeof(T));
      return v;
    }
    return T(read_slow(a, sizeof(T)));
  }
  template <class T>
  void write_lin(uint32_t a, T v) {
    TlbEntry& e = tlb[(a >> 12) & 255];
    if (e.tag_w == (a >> 12) && (a & 0xFFF) <= 0x1000 - sizeof(T)) [[likely]] {
      std::memcpy(e.host + (a & 0xFFF), &v, sizeof(T));
      return;
    }
    write_slow(a, v, sizeof(T));
  }
  uint32_t read_slow(uint32_t a, unsigned size);
  void tlb_fill(uint32_t linear, uint32_t p, uint32_t attrs, uint8_t* h);
  uint32_t phys_read32(uint32_t p);
  void write_slow(uint32_t a, uint32_t v, unsigned size);
  // Physical byte access (no translation): RAM, ROM, MMIO.
  uint8_t phys_read8(uint32_t p);
  void phys_write8(uint32_t p, uint8_t v);
  // Host pointer to the 4 KiB physical page holding p, when it is plain RAM or ROM.
  uint8_t* host_page(uint32_t p, bool write);

  template <class T>
  T read(unsigned s, uint32_t off) {
    return read_lin<T>(lin(s, off, sizeof(T)));
  }
  template <class T>
  void write(unsigned s, uint32_t off, T v) {
    write_lin<T>(lin_w(s, off, sizeof(T)), v);
  }

  // ---- effective addresses and operands ---------------------------------------
  uint32_t ea(const Insn& i) const { return (r[i.base] + (r[i.index] << i.scale) + i.disp) & i.amask; }
  template <class T>
  T get_rm(const Insn& i) {
    if (i.mod == 3) return reg<T>(i.rm);
    return read<T>(i.seg, ea(i));
  }
  template <class T>
  void set_rm(const Insn& i, T v) {
    if (i.mod == 3) return set_reg<T>(i.rm, v);
    write<T>(i.seg, ea(i), v);
  }

  // ---- stack --------------------------------------------------------------------
  bool stack32() const { return seg[SS].big(); }
  uint32_t sp() const { return stack32() ? r[ESP] : (r[ESP] & 0xFFFF); }
  void set_sp(uint32_t v) {
    if (stack32())
      r[ESP] = v;
    else
      r[ESP] = (r[ESP] & 0xFFFF0000u) | (v & 0xFFFF);
  }
  template <class T>
  void push(T v) {
    uint32_t nsp = (sp() - sizeof(T)) & (stack32() ? ~0u : 0xFFFFu);
    write<T>(SS, nsp, v);
    set_sp(nsp);
  }
  template <class T>
  T pop() {
    uint32_t s = sp();
    T v = read<T>(SS, s);
    set_sp(s + sizeof(T));
    return v;
  }
  // Reads the value `depth` items above the top without popping.
  template <class T>
  T peek(uint32_t byte_off) {
    uint32_t a = (sp() + byte_off) & (stack32() ? ~0u : 0xFFFFu);
    return read<T>(SS, a);
  }

  // ---- segments, interrupts (segment.cpp, control.cpp, task.cpp) --------------
  void load_seg(unsigned s, uint16_t sel);       // MOV/POP/LxS semantics for the current mode
  void load_cs(uint16_t sel, uint32_t new_eip);  // real mode / VM86 CS load (base = sel * 16)
  void set_cs_cache(const SegCache& c);
  // Protected-mode far transfers (size: the operand size, 2 or 4).
  void far_jump(uint16_t sel, uint32_t off, unsigned size);
  void far_call(uint16_t sel, uint32_t off, unsigned size);
  void far_return(unsigned size, uint32_t extra);
  void iret_pm(unsigned size);
  // software: INT n / INT3 / INTO (the gate's DPL is checked, no EXT bit in error codes).
  void interrupt(uint8_t vector, bool software, bool has_error = false, uint32_t error = 0);
  void deliver_fault(const Fault& f);
  // Descriptor tables: `fault` is the vector raised for a selector outside its table (#GP, or #TS in a task switch).
  uint32_t descriptor_address(uint16_t sel, uint8_t fault = 13);
  uint64_t read_descriptor(uint16_t sel, uint8_t fault = 13);
  void set_accessed(uint16_t sel, uint64_t d);  // writes the accessed bit back when it is clear
  void load_tr(uint16_t sel);
  void load_ldtr(uint16_t sel);
  void null_inner_data_segments();  // after a return to an outer ring
  enum class TaskSwitch : uint8_t { Jmp, Call, Int, Iret };
  void task_switch(uint16_t sel, uint64_t d, TaskSwitch why, bool has_error = false, uint32_t error = 0);
  // read_sys/write_sys with the size as a value (segment.cpp).
  uint32_t sys_read(uint32_t linear, unsigned size);
  void sys_write(uint32_t linear, uint32_t v, unsigned size);
};

}  // namespace pxos::soft
