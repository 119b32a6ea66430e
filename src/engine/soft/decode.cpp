// The decoder: bytes -> Insn, driven by the table in opcodes.inc. It produces the
// generic handler; the block builder's passes specialise it (specialize.cpp,
// jit/forms.cpp).
#include "engine/soft/decode.h"

#include <array>

#include "engine/soft/handlers.h"
#include "engine/soft/opcode_table.h"

namespace pxos::soft {
namespace {

// The handler of each opcode for both operand sizes, and their thunks (opcodes.inc's third column).
struct Handlers {
  Handler h16 = &ud<uint16_t>;
  Handler h32 = &ud<uint32_t>;
  Thunk t16 = &thunk<&ud<uint16_t>>;
  Thunk t32 = &thunk<&ud<uint32_t>>;
};

constexpr std::array<Handlers, 512> build_handlers() {
  std::array<Handlers, 512> t{};
#define X(opcode, format, handler, ...) \
  t[opcode] = Handlers{&handler<uint16_t>, &handler<uint32_t>, &thunk<&handler<uint16_t>>, &thunk<&handler<uint32_t>>};
#include "engine/soft/opcodes.inc"
#undef X
  return t;
}

constexpr std::array<Handlers, 512> kHandlers = build_handlers();

// LOCK may prefix only the read-modify-write instructions with a memory destination
// (Intel SDM, LOCK), the ModRM reg values of the table's lock column; on anything else
// it raises #UD.
bool lockable(const OpInfo& info, const Insn& i) { return i.mod != 3 && ((info.lock >> i.reg) & 1); }

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
  const OpInfo& info = kOpcodes[opc];
  const Handlers& hs = kHandlers[opc];
  Insn i;
  i.op32 = code32 ^ opsz;
  bool a32 = code32 ^ adsz;
  i.amask = a32 ? 0xFFFFFFFFu : 0xFFFFu;
  i.op = uint8_t(opc);
  i.map = uint8_t(opc >> 8);
  i.kind = uint8_t(info.kind);
  i.rep = rep;
  i.ends_block = info.ends_block;
  i.fn = i.op32 ? hs.h32 : hs.h16;
  i.th = i.op32 ? hs.t32 : hs.t16;
  i.seg = seg_override >= 0 ? uint8_t(seg_override) : uint8_t(DS);
  using enum Format;
  Format f = info.format;
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
        unsigned s = info.bytes(i.op32);
        NEED(s);
        i.imm = s == 1 ? p[n++] : s == 2 ? imm16() : imm32();
      }
      break;
    default: break;
  }
#undef NEED
  i.len = uint8_t(n);
  if (lock && !lockable(info, i)) {
    i.fn = i.op32 ? &ud<uint32_t> : &ud<uint16_t>;
    i.th = i.op32 ? &thunk<&ud<uint32_t>> : &thunk<&ud<uint16_t>>;
    i.kind = uint8_t(Kind::Plain);  // nothing to specialise or translate
  }
  out = i;
  return DecodeResult::Ok;
}

}  // namespace pxos::soft
