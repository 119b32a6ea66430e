#include "engine/soft/decode.h"

#include <array>

#include "engine/soft/exec.h"
#include "engine/soft/fast.h"
#include "engine/soft/handlers.h"
#include "engine/soft/jit/forms.h"

namespace pxos::soft {
namespace {

enum Fmt : uint8_t { N, M, MIb, MIz, Ib, Iz, Iw, IwIb, Ap, Ob, Jb, Jz, GRP3, PREFIX, UNDEF };

struct OpInfo {
  Handler h16 = &ud<uint16_t>;
  Handler h32 = &ud<uint32_t>;
  Thunk t16 = &thunk<&ud<uint16_t>>;
  Thunk t32 = &thunk<&ud<uint32_t>>;
  Fmt fmt = UNDEF;
  uint8_t ends = 0;
};

constexpr std::array<OpInfo, 512> build_table() {
  std::array<OpInfo, 512> t{};
#define X(opcode, f, handler, e) \
  t[opcode] =                    \
      OpInfo{&handler<uint16_t>, &handler<uint32_t>, &thunk<&handler<uint16_t>>, &thunk<&handler<uint32_t>>, f, e};
#include "engine/soft/opcodes.inc"
#undef X
  for (int p : {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) t[p].fmt = PREFIX;
  return t;
}

constexpr std::array<OpInfo, 512> kTable = build_table();

// LOCK may prefix only the read-modify-write instructions with a memory
// destination (Intel SDM, LOCK); on anything else it raises #UD.
bool lockable(unsigned opc, const Insn& i) {
  if (i.mod == 3) return false;
  if (opc < 0x40) return (opc & 7) < 2 && (opc >> 3) != 7;  // ADD..XOR r/m, reg (not CMP)
  switch (opc) {
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83: return i.reg != 7;
    case 0x86:
    case 0x87:
    case 0x1AB:
    case 0x1B0:
    case 0x1B1:
    case 0x1B3:
    case 0x1BB:
    case 0x1C0:
    case 0x1C1: return true;
    case 0xF6:
    case 0xF7: return i.reg == 2 || i.reg == 3;
    case 0xFE:
    case 0xFF: return i.reg < 2;
    case 0x1BA: return i.reg >= 5;
    case 0x1C7: return i.reg == 1;
    default: return false;
  }
}

}  // namespace

DecodeResult decode(const uint8_t* p, unsigned avail, bool code32, Insn& out, bool lock_ud) {
  unsigned n = 0;
  auto need = [&](unsigned k) { return n + k <= avail; };
#define NEED(k)                                     \
  do {                                              \
    if (n + (k) > 15) return DecodeResult::TooLong; \
    if (!need(k)) return DecodeResult::NeedMore;    \
  } while (0)
  bool opsz = false, adsz = false, lock = false;
  int seg_override = -1;
  uint8_t rep = 0;
  unsigned opc;
  for (;;) {
    NEED(1);
    uint8_t b = p[n++];
    switch (b) {
      case 0x26: seg_override = ES; continue;
      case 0x2E: seg_override = CS; continue;
      case 0x36: seg_override = SS; continue;
      case 0x3E: seg_override = DS; continue;
      case 0x64: seg_override = FS; continue;
      case 0x65: seg_override = GS; continue;
      case 0x66: opsz = true; continue;
      case 0x67: adsz = true; continue;
      case 0xF0:
        lock = lock_ud;  // a single CPU has nothing to lock; only the rule below applies
        continue;
      case 0xF2:
      case 0xF3: rep = b; continue;
      default: break;
    }
    if (b == 0x0F) {
      NEED(1);
      opc = 0x100 | p[n++];
    } else {
      opc = b;
    }
    break;
  }
  const OpInfo& info = kTable[opc];
  Insn i;
  i.op32 = code32 ^ opsz;
  bool a32 = code32 ^ adsz;
  i.amask = a32 ? 0xFFFFFFFFu : 0xFFFFu;
  i.op = uint8_t(opc);
  i.rep = rep;
  i.ends_block = info.ends;
  i.fn = i.op32 ? info.h32 : info.h16;
  i.th = i.op32 ? info.t32 : info.t16;
  i.seg = seg_override >= 0 ? uint8_t(seg_override) : uint8_t(DS);
  Fmt f = info.fmt;
  if (f == UNDEF) f = N;

  bool has_modrm = f == M || f == MIb || f == MIz || f == GRP3;
  if (has_modrm) {
    NEED(1);
    uint8_t m = p[n++];
    i.mod = m >> 6;
    i.reg = (m >> 3) & 7;
    i.rm = m & 7;
    if (i.mod != 3) {
      uint8_t def_seg = DS;
      if (!a32) {
        static constexpr uint8_t kBase[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
        static constexpr uint8_t kIndex[8] = {ESI, EDI, ESI, EDI, 8, 8, 8, 8};
        i.base = kBase[i.rm];
        i.index = kIndex[i.rm];
        if (i.mod == 0 && i.rm == 6) {
          i.base = 8;
          NEED(2);
          i.disp = p[n] | p[n + 1] << 8;
          n += 2;
        } else if (i.rm == 2 || i.rm == 3 || i.rm == 6) {
          def_seg = SS;
        }
        if (i.mod == 1) {
          NEED(1);
          i.disp = uint32_t(int32_t(int8_t(p[n++])));
        } else if (i.mod == 2) {
          NEED(2);
          i.disp = uint32_t(int32_t(int16_t(p[n] | p[n + 1] << 8)));
          n += 2;
        }
      } else {
        unsigned base = i.rm;
        if (i.rm == 4) {
          NEED(1);
          uint8_t sib = p[n++];
          i.scale = sib >> 6;
          unsigned idx = (sib >> 3) & 7;
          i.index = idx == 4 ? 8 : uint8_t(idx);
          base = sib & 7;
          if (base == 5 && i.mod == 0) {
            i.base = 8;
            NEED(4);
            i.disp = p[n] | p[n + 1] << 8 | p[n + 2] << 16 | uint32_t(p[n + 3]) << 24;
            n += 4;
          } else {
            i.base = uint8_t(base);
          }
        } else if (i.mod == 0 && i.rm == 5) {
          i.base = 8;
          NEED(4);
          i.disp = p[n] | p[n + 1] << 8 | p[n + 2] << 16 | uint32_t(p[n + 3]) << 24;
          n += 4;
        } else {
          i.base = uint8_t(base);
        }
        if (i.base == ESP || i.base == EBP) def_seg = SS;
        if (i.mod == 1) {
          NEED(1);
          i.disp = uint32_t(int32_t(int8_t(p[n++])));
        } else if (i.mod == 2) {
          NEED(4);
          i.disp = p[n] | p[n + 1] << 8 | p[n + 2] << 16 | uint32_t(p[n + 3]) << 24;
          n += 4;
        }
      }
      i.seg = seg_override >= 0 ? uint8_t(seg_override) : def_seg;
    }
  }

  auto imm8 = [&]() { return uint32_t(int32_t(int8_t(p[n++]))); };
  auto imm16 = [&]() {
    uint32_t v = p[n] | p[n + 1] << 8;
    n += 2;
    return v;
  };
  auto imm32 = [&]() {
    uint32_t v = p[n] | p[n + 1] << 8 | p[n + 2] << 16 | uint32_t(p[n + 3]) << 24;
    n += 4;
    return v;
  };
  unsigned zsize = i.op32 ? 4 : 2;
  switch (f) {
    case MIb:
    case Ib:
    case Jb:
      NEED(1);
      i.imm = imm8();
      break;
    case MIz:
    case Iz:
      NEED(zsize);
      i.imm = i.op32 ? imm32() : imm16();
      break;
    case Jz:
      NEED(zsize);
      i.imm = i.op32 ? imm32() : uint32_t(int32_t(int16_t(imm16())));
      break;
    case Iw:
      NEED(2);
      i.imm = imm16();
      break;
    case IwIb:
      NEED(3);
      i.imm = imm16();
      i.imm2 = p[n++];
      break;
    case Ap:
      NEED(zsize + 2);
      i.imm = i.op32 ? imm32() : imm16();
      i.imm2 = uint16_t(imm16());
      break;
    case Ob:
      NEED(a32 ? 4 : 2);
      i.disp = a32 ? imm32() : imm16();
      i.base = 8;
      break;
    case GRP3:
      if (i.reg < 2) {
        unsigned s = (opc & 1) ? zsize : 1;
        NEED(s);
        i.imm = s == 1 ? p[n++] : s == 2 ? imm16() : imm32();
      }
      break;
    default: break;
  }
#undef NEED
  i.len = uint8_t(n);
  // Specialised handlers for the hottest forms.
  if (opc < 0x40 && (opc & 7) < 6) {
    unsigned op = (opc >> 3) & 7, form = opc & 7;
    unsigned size = (form & 1) ? (i.op32 ? 4 : 2) : 1;
    if (form < 2) {
      alu_specialized(0, size, i.mod != 3, AluOp(op), i);
    } else if (form < 4) {
      alu_specialized(1, size, i.mod != 3, AluOp(op), i);
    } else {
      i.mod = 3;  // AL/eAX, imm: the register form of E,imm with rm = 0
      i.rm = 0;
      alu_specialized(2, size, false, AluOp(op), i);
    }
  } else if ((opc >= 0x70 && opc <= 0x7F) || (opc >= 0x180 && opc <= 0x18F)) {
    jcc_specialized(i);
  } else if (opc >= 0x80 && opc <= 0x83) {
    alu_specialized(2, opc == 0x80 || opc == 0x82 ? 1 : (i.op32 ? 4 : 2), i.mod != 3, AluOp(i.reg), i);
  }
  fast_specialize(opc, i);
  i.jit = jit::classify(opc, i);
  if (lock && !lockable(opc, i)) {
    i.fn = i.op32 ? &ud<uint32_t> : &ud<uint16_t>;
    i.th = i.op32 ? &thunk<&ud<uint32_t>> : &thunk<&ud<uint16_t>>;
    i.jit = 0;
  }
  out = i;
  return DecodeResult::Ok;
}

}  // namespace pxos::soft
