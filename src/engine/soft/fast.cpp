// Specialised thunks for the hottest instruction forms of 32-bit protected-mode
// code. A memory form does its whole access inline: the 32-bit effective address
// (base + displacement, or with a scaled index), the segment's limit check and a TLB
// hit. Anything else (an expand-down or too short segment, a read-only segment for a
// write, a TLB miss, a page crossing, a page holding code) runs the generic handler in
// Insn::fn instead, which redoes the instruction the normal way (nothing has been
// changed by then), faults included.
#include "engine/soft/fast.h"

#include <array>
#include <cstring>
#include <utility>

#include "engine/soft/alu_op.h"
#include "engine/soft/opcode_table.h"

namespace pxos::soft {
namespace {

enum Am : unsigned { kBaseDisp, kSib };  // EA = base + disp, or base + (index << scale) + disp

// The host address of a T at the instruction's memory operand, or nullptr when the
// fast path does not apply.
template <class T, bool W>
[[gnu::always_inline]] inline uint8_t* fast_ptr_at(Cpu& c, unsigned seg, uint32_t off) {
  const SegCache& sc = c.seg[seg];
  // The segment check of Cpu::lin/lin_w: offset..offset+size-1 within the limit.
  if (uint64_t{off} + (sizeof(T) - 1) > sc.limit || sc.expand_down()) return nullptr;
  if constexpr (W)
    if ((sc.attrib & 0xA) != 0x2) return nullptr;  // not a writable data segment (or real mode: slow path)
  uint32_t a = sc.base + off;
  const TlbEntry& e = c.tlb[(a >> 12) & 255];
  if ((W ? e.tag_w : e.tag_r) != (a >> 12) || (a & 0xFFF) > 0x1000 - sizeof(T)) return nullptr;
  return e.host + (a & 0xFFF);
}
template <class T, bool W, unsigned AM>
[[gnu::always_inline]] inline uint8_t* fast_ptr(Cpu& c, const Insn* in) {
  uint32_t off = c.r[in->base] + in->disp;
  if constexpr (AM == kSib) off += c.r[in->index] << in->scale;
  return fast_ptr_at<T, W>(c, in->seg, off);
}

// Goes on to the next instruction. A fast path cannot fault or end the block, and
// reads neither EIP nor the instruction count: both follow from the block's start
// (thunk.h), so nothing is stored here.
[[gnu::always_inline]] inline void next(Cpu& c, const Insn* in) {
  ++in;
  return in->th(c, in);
}

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// MOV reg, mem; MOVZX/MOVSX reg, mem (S: the memory operand's type, SX: sign-extend).
template <class T, class S, bool SX, unsigned AM>
void mov_load(Cpu& c, const Insn* in) {
  uint8_t* p = fast_ptr<S, false, AM>(c, in);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  S v = load<S>(p);
  if constexpr (SX)
    c.set_reg<T>(in->reg, T(int32_t(std::make_signed_t<S>(v))));
  else
    c.set_reg<T>(in->reg, T(v));
  return next(c, in);
}
// MOV mem, reg; MOV mem, imm (IMM).
template <class T, bool IMM, unsigned AM>
void mov_store(Cpu& c, const Insn* in) {
  uint8_t* p = fast_ptr<T, true, AM>(c, in);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  T v = IMM ? T(in->imm) : c.reg<T>(in->reg);
  std::memcpy(p, &v, sizeof(T));
  return next(c, in);
}
// MOVZX/MOVSX reg, reg.
template <class T, class S, bool SX>
void ext_rr(Cpu& c, const Insn* in) {
  S v = c.reg<S>(in->rm);
  if constexpr (SX)
    c.set_reg<T>(in->reg, T(int32_t(std::make_signed_t<S>(v))));
  else
    c.set_reg<T>(in->reg, T(v));
  return next(c, in);
}
// MOV reg, reg (DIR: 8A/8B, the ModRM reg field is the destination).
template <class T, bool DIR>
void mov_rr(Cpu& c, const Insn* in) {
  if constexpr (DIR)
    c.set_reg<T>(in->reg, c.reg<T>(in->rm));
  else
    c.set_reg<T>(in->rm, c.reg<T>(in->reg));
  return next(c, in);
}
// ALU reg, mem (form G,E).
template <class T, AluOp OP, unsigned AM>
void alu_load(Cpu& c, const Insn* in) {
  uint8_t* p = fast_ptr<T, false, AM>(c, in);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  T r = alu<T>(c, OP, c.reg<T>(in->reg), load<T>(p));
  if constexpr (OP != AluOp::Cmp) c.set_reg<T>(in->reg, r);
  return next(c, in);
}
// ALU mem, reg (form E,G) and ALU mem, imm (IMM: form E,I). CMP only reads.
template <class T, AluOp OP, bool IMM, unsigned AM>
void alu_mem(Cpu& c, const Insn* in) {
  uint8_t* p = fast_ptr<T, OP != AluOp::Cmp, AM>(c, in);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  T src = IMM ? T(in->imm) : c.reg<T>(in->reg);
  T r = alu<T>(c, OP, load<T>(p), src);
  if constexpr (OP != AluOp::Cmp) std::memcpy(p, &r, sizeof(T));
  return next(c, in);
}

// ALU between registers, or with an immediate (FORM: 0 E,G  1 G,E  2 E,I).
template <class T, unsigned FORM, AluOp OP>
void alu_reg(Cpu& c, const Insn* in) {
  unsigned d = FORM == 1 ? in->reg : in->rm;
  T src = FORM == 2 ? T(in->imm) : c.reg<T>(FORM == 1 ? in->rm : in->reg);
  T r = alu<T>(c, OP, c.reg<T>(d), src);
  if constexpr (OP != AluOp::Cmp) c.set_reg<T>(d, r);
  return next(c, in);
}
// PUSH reg / POP reg with a 32-bit stack (SS.B).
template <class T>
void push_reg(Cpu& c, const Insn* in) {
  if (!c.seg[SS].big()) [[unlikely]]
    return run_generic(c, in);
  uint32_t sp = c.r[ESP] - sizeof(T);
  uint8_t* p = fast_ptr_at<T, true>(c, SS, sp);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  T v = c.reg<T>(in->op & 7);  // PUSH ESP pushes the old value
  std::memcpy(p, &v, sizeof(T));
  c.r[ESP] = sp;
  return next(c, in);
}
template <class T>
void pop_reg(Cpu& c, const Insn* in) {
  if (!c.seg[SS].big()) [[unlikely]]
    return run_generic(c, in);
  uint32_t sp = c.r[ESP];
  uint8_t* p = fast_ptr_at<T, false>(c, SS, sp);
  if (!p) [[unlikely]]
    return run_generic(c, in);
  c.r[ESP] = sp + sizeof(T);
  c.set_reg<T>(in->op & 7, load<T>(p));  // POP ESP: the popped value wins
  return next(c, in);
}
template <class T, unsigned FORM, unsigned... OP>
constexpr std::array<Thunk, 8> alu_reg_row(std::integer_sequence<unsigned, OP...>) {
  return {&alu_reg<T, FORM, AluOp(OP)>...};
}
template <class T>
constexpr std::array<std::array<Thunk, 8>, 3> alu_reg_forms() {
  using Ops = std::make_integer_sequence<unsigned, 8>;
  return {alu_reg_row<T, 0>(Ops{}), alu_reg_row<T, 1>(Ops{}), alu_reg_row<T, 2>(Ops{})};
}
// [size 8/16/32][form][op]
constexpr std::array<std::array<std::array<Thunk, 8>, 3>, 3> kAluReg = {
    alu_reg_forms<uint8_t>(), alu_reg_forms<uint16_t>(), alu_reg_forms<uint32_t>()};

// Jcc (the last instruction of its block): sets EIP either way; a target past the
// CS limit (#GP) goes the generic way.
template <class T, unsigned CC>
void jcc(Cpu& c, const Insn* in) {
  uint32_t eip = c.block_eip + in->off + in->len;
  if (c.cond_fixed<CC>()) {
    uint32_t target = T(eip + in->imm);
    if (target > c.seg[CS].limit) [[unlikely]]
      return run_generic(c, in);
    eip = target;
  }
  c.eip = eip;
  return next(c, in);
}
// CMOVcc reg, r/m (MEM: the r/m operand in memory, read whatever the condition); SETcc reg8.
template <class T, unsigned CC, unsigned MEM>
void cmov(Cpu& c, const Insn* in) {
  T v;
  if constexpr (MEM) {
    constexpr unsigned am = MEM == 1 ? kBaseDisp : kSib;
    uint8_t* p = fast_ptr<T, false, am>(c, in);
    if (!p) [[unlikely]]
      return run_generic(c, in);
    v = load<T>(p);
  } else {
    v = c.reg<T>(in->rm);
  }
  if (c.cond_fixed<CC>()) c.set_reg<T>(in->reg, v);
  return next(c, in);
}
template <unsigned CC>
void setcc_reg(Cpu& c, const Insn* in) {
  c.set_reg<uint8_t>(in->rm, c.cond_fixed<CC>() ? 1 : 0);
  return next(c, in);
}
template <class T, unsigned... CC>
constexpr std::array<Thunk, 16> jcc_row(std::integer_sequence<unsigned, CC...>) {
  return {&jcc<T, CC>...};
}
template <class T, unsigned MEM, unsigned... CC>
constexpr std::array<Thunk, 16> cmov_row(std::integer_sequence<unsigned, CC...>) {
  return {&cmov<T, CC, MEM>...};
}
template <unsigned... CC>
constexpr std::array<Thunk, 16> setcc_row(std::integer_sequence<unsigned, CC...>) {
  return {&setcc_reg<CC>...};
}
using Ccs = std::make_integer_sequence<unsigned, 16>;
constexpr std::array<std::array<Thunk, 16>, 2> kJcc = {jcc_row<uint16_t>(Ccs{}), jcc_row<uint32_t>(Ccs{})};
// [size 16/32][r/m: register, base+disp, SIB][cc]
constexpr std::array<std::array<std::array<Thunk, 16>, 3>, 2> kCmov = {
    {{cmov_row<uint16_t, 0>(Ccs{}), cmov_row<uint16_t, 1>(Ccs{}), cmov_row<uint16_t, 2>(Ccs{})},
     {cmov_row<uint32_t, 0>(Ccs{}), cmov_row<uint32_t, 1>(Ccs{}), cmov_row<uint32_t, 2>(Ccs{})}}};
constexpr std::array<Thunk, 16> kSetcc = setcc_row(Ccs{});

// IMUL reg, r/m (IMM: IMUL reg, r/m, imm); MEM: the r/m operand is in memory.
template <class T, bool IMM, bool MEM, unsigned AM>
void imul(Cpu& c, const Insn* in) {
  using S = std::make_signed_t<T>;
  T a;
  if constexpr (MEM) {
    uint8_t* p = fast_ptr<T, false, AM>(c, in);
    if (!p) [[unlikely]]
      return run_generic(c, in);
    a = load<T>(p);
  } else {
    a = c.reg<T>(in->rm);
  }
  T b = IMM ? T(in->imm) : c.reg<T>(in->reg);
  int64_t prod = int64_t{S(a)} * int64_t{S(b)};
  bool ovf = prod != int64_t{S(T(prod))};
  c.set_reg<T>(in->reg, T(prod));
  set_szp<T>(c, T(prod), ovf, ovf);
  return next(c, in);
}
// Shift or rotate of a register; CNT: 0 = imm8, 1 = by one, 2 = by CL.
template <class T, unsigned CNT, ShiftOp OP>
void shift_reg(Cpu& c, const Insn* in) {
  unsigned n = CNT == 0 ? in->imm & 0xFF : CNT == 1 ? 1 : c.r[ECX] & 0xFF;
  c.set_reg<T>(in->rm, shift<T>(c, OP, c.reg<T>(in->rm), n));
  return next(c, in);
}
// LEA with 32-bit addressing.
template <class T, unsigned AM>
void lea32(Cpu& c, const Insn* in) {
  uint32_t a = c.r[in->base] + in->disp;
  if constexpr (AM == kSib) a += c.r[in->index] << in->scale;
  c.set_reg<T>(in->reg, T(a));
  return next(c, in);
}

template <class T, unsigned CNT, unsigned... OP>
constexpr std::array<Thunk, 8> shift_row(std::integer_sequence<unsigned, OP...>) {
  return {&shift_reg<T, CNT, ShiftOp(OP)>...};
}
template <class T>
constexpr std::array<std::array<Thunk, 8>, 3> shift_forms() {
  using Ops = std::make_integer_sequence<unsigned, 8>;
  return {shift_row<T, 0>(Ops{}), shift_row<T, 1>(Ops{}), shift_row<T, 2>(Ops{})};
}
// [size 8/16/32][count: imm, 1, CL][op]
constexpr std::array<std::array<std::array<Thunk, 8>, 3>, 3> kShift = {shift_forms<uint8_t>(), shift_forms<uint16_t>(),
                                                                       shift_forms<uint32_t>()};
// [IMM][size 16/32][r/m: register, base+disp, SIB]
template <bool IMM, class T>
constexpr std::array<Thunk, 3> imul_row() {
  return {&imul<T, IMM, false, kBaseDisp>, &imul<T, IMM, true, kBaseDisp>, &imul<T, IMM, true, kSib>};
}
constexpr std::array<std::array<std::array<Thunk, 3>, 2>, 2> kImul = {
    {{{imul_row<false, uint16_t>(), imul_row<false, uint32_t>()}},
     {{imul_row<true, uint16_t>(), imul_row<true, uint32_t>()}}}};

// Thunk tables: [size: 8, 16, 32][address mode] (and [op] for the ALU).
template <template <class, unsigned> class F>
constexpr std::array<std::array<Thunk, 2>, 3> by_size_am() {
  return {{{F<uint8_t, kBaseDisp>::f, F<uint8_t, kSib>::f},
           {F<uint16_t, kBaseDisp>::f, F<uint16_t, kSib>::f},
           {F<uint32_t, kBaseDisp>::f, F<uint32_t, kSib>::f}}};
}
template <class T, unsigned AM>
struct MovLoad {
  static constexpr Thunk f = &mov_load<T, T, false, AM>;
};
template <class T, unsigned AM>
struct MovStore {
  static constexpr Thunk f = &mov_store<T, false, AM>;
};
template <class T, unsigned AM>
struct MovStoreImm {
  static constexpr Thunk f = &mov_store<T, true, AM>;
};
constexpr auto kMovLoad = by_size_am<MovLoad>();
constexpr auto kMovStore = by_size_am<MovStore>();
constexpr auto kMovStoreImm = by_size_am<MovStoreImm>();

// MOVZX/MOVSX: [sign][source byte/word][dest 16/32][am]
template <bool SX, class S>
constexpr std::array<std::array<Thunk, 2>, 2> ext_row() {
  return {{{&mov_load<uint16_t, S, SX, kBaseDisp>, &mov_load<uint16_t, S, SX, kSib>},
           {&mov_load<uint32_t, S, SX, kBaseDisp>, &mov_load<uint32_t, S, SX, kSib>}}};
}
constexpr std::array<std::array<std::array<std::array<Thunk, 2>, 2>, 2>, 2> kExt = {
    {{{ext_row<false, uint8_t>(), ext_row<false, uint16_t>()}},
     {{ext_row<true, uint8_t>(), ext_row<true, uint16_t>()}}}};

template <class T, unsigned AM, unsigned... OP>
constexpr std::array<Thunk, 8> alu_load_row(std::integer_sequence<unsigned, OP...>) {
  return {&alu_load<T, AluOp(OP), AM>...};
}
template <class T, bool IMM, unsigned AM, unsigned... OP>
constexpr std::array<Thunk, 8> alu_mem_row(std::integer_sequence<unsigned, OP...>) {
  return {&alu_mem<T, AluOp(OP), IMM, AM>...};
}
using Ops = std::make_integer_sequence<unsigned, 8>;
// [form: 0 E,G  1 G,E  2 E,I][size][am][op]
template <class T>
constexpr std::array<std::array<std::array<Thunk, 8>, 2>, 3> alu_forms() {
  return {{{alu_mem_row<T, false, kBaseDisp>(Ops{}), alu_mem_row<T, false, kSib>(Ops{})},
           {alu_load_row<T, kBaseDisp>(Ops{}), alu_load_row<T, kSib>(Ops{})},
           {alu_mem_row<T, true, kBaseDisp>(Ops{}), alu_mem_row<T, true, kSib>(Ops{})}}};
}
constexpr std::array<std::array<std::array<std::array<Thunk, 8>, 2>, 3>, 3> kAlu = {
    alu_forms<uint8_t>(), alu_forms<uint16_t>(), alu_forms<uint32_t>()};

}  // namespace

// The thunk of thunk.h with the handler called through Insn::fn.
[[gnu::noinline]] void run_generic(Cpu& c, const Insn* in) {
  c.insn_eip = c.block_eip + in->off;
  c.eip = c.insn_eip + in->len;
  c.icount = c.block_icount + in->idx;
  in->fn(c, *in);
  c.icount = c.block_icount + in->idx + 1;
  if (c.exit_block) [[unlikely]]
    return;
  ++in;
  return in->th(c, in);
}

namespace {

// Indexes of the thunk tables: the operand size (8, 16, 32 bits) of a B or V operand,
// and the r/m operand (a register, base + disp, SIB).
unsigned size_index(const OpInfo& t, const Insn& i) { return t.width == Width::B ? 0 : i.op32 ? 2 : 1; }
unsigned rm_index(const Insn& i) { return i.mod == 3 ? 0 : i.index == 8 ? 1 : 2; }

// ADD..CMP: between registers or with an immediate, or with a 32-bit-addressed memory operand.
void fast_alu(const OpInfo& t, Insn& i) {
  unsigned op = t.kind == Kind::Group1 ? i.reg : unsigned(t.op), size = size_index(t, i);
  unsigned form = t.operands == Operands::EG ? 0 : t.operands == Operands::GE ? 1 : 2;
  if (i.mod == 3) {  // (the specialisation made AL/eAX, imm an E,I form with rm = 0)
    i.th = kAluReg[size][form][op];
  } else if (i.amask == 0xFFFFFFFFu) {
    i.th = kAlu[size][form][i.index == 8 ? kBaseDisp : kSib][op];
  }
}

// MOV between registers, a register and memory, an immediate to memory (C6/C7 /0).
void fast_mov(const OpInfo& t, Insn& i) {
  const bool byte = t.width == Width::B;
  unsigned size = size_index(t, i), am = i.index == 8 ? kBaseDisp : kSib;
  if (i.mod == 3) {
    if (t.operands == Operands::EG)
      i.th = byte ? &mov_rr<uint8_t, false> : i.op32 ? &mov_rr<uint32_t, false> : &mov_rr<uint16_t, false>;
    else if (t.operands == Operands::GE)
      i.th = byte ? &mov_rr<uint8_t, true> : i.op32 ? &mov_rr<uint32_t, true> : &mov_rr<uint16_t, true>;
    return;
  }
  if (i.amask != 0xFFFFFFFFu) return;  // 16-bit addressing: the generic handlers
  if (t.operands == Operands::EG) i.th = kMovStore[size][am];
  if (t.operands == Operands::GE) i.th = kMovLoad[size][am];
  if (t.operands == Operands::EI && i.reg == 0) i.th = kMovStoreImm[size][am];
}

// MOVZX/MOVSX from a byte or a word.
void fast_extend(const OpInfo& t, Insn& i) {
  const bool sx = t.kind == Kind::Movsx, word = t.width == Width::W;
  if (i.mod == 3) {
    if (word)
      i.th = sx ? (i.op32 ? &ext_rr<uint32_t, uint16_t, true> : &ext_rr<uint16_t, uint16_t, true>)
                : (i.op32 ? &ext_rr<uint32_t, uint16_t, false> : &ext_rr<uint16_t, uint16_t, false>);
    else
      i.th = sx ? (i.op32 ? &ext_rr<uint32_t, uint8_t, true> : &ext_rr<uint16_t, uint8_t, true>)
                : (i.op32 ? &ext_rr<uint32_t, uint8_t, false> : &ext_rr<uint16_t, uint8_t, false>);
  } else if (i.amask == 0xFFFFFFFFu) {
    i.th = kExt[sx][word][i.op32][i.index == 8 ? kBaseDisp : kSib];
  }
}

}  // namespace

void fast_specialize(const OpInfo& t, Insn& i) {
  if (t.kind == Kind::Jcc) {
    i.th = kJcc[i.op32][i.op & 15];
    return;
  }
  if (i.ends_block) return;  // the other fast thunks never set EIP (block_end relies on that)
  const bool reg = i.mod == 3, mem32 = !reg && i.amask == 0xFFFFFFFFu;
  switch (t.kind) {
    case Kind::Cmov:
      if (reg || mem32) i.th = kCmov[i.op32][rm_index(i)][i.op & 15];
      return;
    case Kind::Setcc:
      if (reg) i.th = kSetcc[i.op & 15];
      return;
    case Kind::Imul:
      if (reg || mem32) i.th = kImul[t.operands == Operands::GEI][i.op32][rm_index(i)];
      return;
    case Kind::Shift:  // count: imm8, 1, CL
      if (reg)
        i.th = kShift[size_index(t, i)][t.operands == Operands::EI ? 0 : t.operands == Operands::E1 ? 1 : 2][i.reg];
      return;
    case Kind::Lea:
      if (mem32)
        i.th = i.op32 ? (i.index == 8 ? &lea32<uint32_t, kBaseDisp> : &lea32<uint32_t, kSib>)
                      : (i.index == 8 ? &lea32<uint16_t, kBaseDisp> : &lea32<uint16_t, kSib>);
      return;
    case Kind::Push:
      if (t.operands == Operands::R) i.th = i.op32 ? &push_reg<uint32_t> : &push_reg<uint16_t>;
      return;
    case Kind::Pop:
      if (t.operands == Operands::R) i.th = i.op32 ? &pop_reg<uint32_t> : &pop_reg<uint16_t>;
      return;
    case Kind::Alu:
    case Kind::Group1: return fast_alu(t, i);
    case Kind::Mov: return fast_mov(t, i);
    case Kind::Movzx:
    case Kind::Movsx: return fast_extend(t, i);
    default: return;
  }
}

}  // namespace pxos::soft
