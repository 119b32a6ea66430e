// The decoder: prefixes and the opcode, then ModRM/SIB and the displacement, then the
// immediates, each as the opcode's line of opcodes.inc says. It produces the generic
// handler; the block builder's passes specialise it (specialize.cpp, jit/forms.cpp).
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

// The bytes of one instruction, p[0..avail), read in order.
class Reader {
 public:
  Reader(const uint8_t* p, unsigned avail) : p_(p), avail_(avail) {}
  // Ok when k more bytes may be read: an instruction is at most 15 bytes (TooLong), and
  // NeedMore when it goes on past `avail`.
  DecodeResult need(unsigned k) const {
    if (n_ + k > 15) return DecodeResult::TooLong;
    if (n_ + k > avail_) return DecodeResult::NeedMore;
    return DecodeResult::Ok;
  }
  uint8_t u8() { return p_[n_++]; }
  uint32_t s8() { return uint32_t(int32_t(int8_t(p_[n_++]))); }
  uint32_t u16() {
    uint32_t v = p_[n_] | p_[n_ + 1] << 8;
    n_ += 2;
    return v;
  }
  uint32_t s16() { return uint32_t(int32_t(int16_t(u16()))); }
  uint32_t u32() {
    uint32_t v = p_[n_] | p_[n_ + 1] << 8 | p_[n_ + 2] << 16 | uint32_t(p_[n_ + 3]) << 24;
    n_ += 4;
    return v;
  }
  unsigned count() const { return n_; }

 private:
  const uint8_t* p_;
  unsigned avail_;
  unsigned n_ = 0;
};

// Returns from the calling function unless k more bytes may be read.
#define PXOS_NEED(rd, k)                                                   \
  do {                                                                     \
    if (DecodeResult r_ = (rd).need(k); r_ != DecodeResult::Ok) return r_; \
  } while (0)

struct Prefixes {
  bool opsz = false, adsz = false, lock = false;
  int seg = -1;  // a segment override, or -1
  uint8_t rep = 0;
};

// The prefixes, then the opcode (0x100 | byte for 0F xx).
DecodeResult read_opcode(Reader& rd, bool lock_ud, Prefixes& px, unsigned& opc) {
  for (;;) {
    PXOS_NEED(rd, 1);
    uint8_t b = rd.u8();
    switch (b) {
      case 0x26: px.seg = ES; continue;
      case 0x2E: px.seg = CS; continue;
      case 0x36: px.seg = SS; continue;
      case 0x3E: px.seg = DS; continue;
      case 0x64: px.seg = FS; continue;
      case 0x65: px.seg = GS; continue;
      case 0x66: px.opsz = true; continue;
      case 0x67: px.adsz = true; continue;
      case 0xF0:
        px.lock = lock_ud;  // a single CPU has nothing to lock; only the rule of lockable() applies
        continue;
      case 0xF2:
      case 0xF3: px.rep = b; continue;
      default: break;
    }
    if (b != 0x0F) {
      opc = b;
      return DecodeResult::Ok;
    }
    PXOS_NEED(rd, 1);
    opc = 0x100 | rd.u8();
    return DecodeResult::Ok;
  }
}

// A 16-bit address after ModRM: [BX+SI], ... with its displacement. Sets the default segment.
DecodeResult read_address16(Reader& rd, Insn& i, uint8_t& def_seg) {
  static constexpr uint8_t kBase[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
  static constexpr uint8_t kIndex[8] = {ESI, EDI, ESI, EDI, 8, 8, 8, 8};
  i.base = kBase[i.rm];
  i.index = kIndex[i.rm];
  if (i.mod == 0 && i.rm == 6) {  // [disp16]
    i.base = 8;
    PXOS_NEED(rd, 2);
    i.disp = rd.u16();
  } else if (i.rm == 2 || i.rm == 3 || i.rm == 6) {  // BP-based
    def_seg = SS;
  }
  if (i.mod == 1) {
    PXOS_NEED(rd, 1);
    i.disp = rd.s8();
  } else if (i.mod == 2) {
    PXOS_NEED(rd, 2);
    i.disp = rd.s16();
  }
  return DecodeResult::Ok;
}

// A 32-bit address after ModRM: the SIB byte and the displacement. Sets the default segment.
DecodeResult read_address32(Reader& rd, Insn& i, uint8_t& def_seg) {
  if (i.rm == 4) {
    PXOS_NEED(rd, 1);
    uint8_t sib = rd.u8();
    i.scale = sib >> 6;
    unsigned idx = (sib >> 3) & 7, base = sib & 7;
    i.index = idx == 4 ? 8 : uint8_t(idx);
    if (base == 5 && i.mod == 0) {  // [index*scale + disp32]
      i.base = 8;
      PXOS_NEED(rd, 4);
      i.disp = rd.u32();
    } else {
      i.base = uint8_t(base);
    }
  } else if (i.mod == 0 && i.rm == 5) {  // [disp32]
    i.base = 8;
    PXOS_NEED(rd, 4);
    i.disp = rd.u32();
  } else {
    i.base = i.rm;
  }
  if (i.base == ESP || i.base == EBP) def_seg = SS;
  if (i.mod == 1) {
    PXOS_NEED(rd, 1);
    i.disp = rd.s8();
  } else if (i.mod == 2) {
    PXOS_NEED(rd, 4);
    i.disp = rd.u32();
  }
  return DecodeResult::Ok;
}

// ModRM and, for a memory operand, its address and segment.
DecodeResult read_modrm(Reader& rd, bool a32, int seg_override, Insn& i) {
  PXOS_NEED(rd, 1);
  uint8_t m = rd.u8();
  i.mod = m >> 6;
  i.reg = (m >> 3) & 7;
  i.rm = m & 7;
  if (i.mod == 3) return DecodeResult::Ok;
  uint8_t def_seg = DS;
  DecodeResult r = a32 ? read_address32(rd, i, def_seg) : read_address16(rd, i, def_seg);
  i.seg = seg_override >= 0 ? uint8_t(seg_override) : def_seg;
  return r;
}

// The immediates (and the moffs address) that the format says follow.
DecodeResult read_immediates(Reader& rd, const OpInfo& info, bool a32, Insn& i) {
  unsigned zsize = i.op32 ? 4 : 2;
  switch (info.format) {
    case Format::MIb:
    case Format::Ib:
    case Format::Jb:
      PXOS_NEED(rd, 1);
      i.imm = rd.s8();
      break;
    case Format::MIz:
    case Format::Iz:
      PXOS_NEED(rd, zsize);
      i.imm = i.op32 ? rd.u32() : rd.u16();
      break;
    case Format::Jz:
      PXOS_NEED(rd, zsize);
      i.imm = i.op32 ? rd.u32() : rd.s16();
      break;
    case Format::Iw:
      PXOS_NEED(rd, 2);
      i.imm = rd.u16();
      break;
    case Format::IwIb:
      PXOS_NEED(rd, 3);
      i.imm = rd.u16();
      i.imm2 = rd.u8();
      break;
    case Format::Ap:
      PXOS_NEED(rd, zsize + 2);
      i.imm = i.op32 ? rd.u32() : rd.u16();
      i.imm2 = uint16_t(rd.u16());
      break;
    case Format::Ob:
      PXOS_NEED(rd, a32 ? 4 : 2);
      i.disp = a32 ? rd.u32() : rd.u16();
      i.base = 8;
      break;
    case Format::GRP3:  // TEST r/m, imm (reg 0 and 1) has one of the operand's size
      if (i.reg < 2) {
        unsigned s = info.bytes(i.op32);
        PXOS_NEED(rd, s);
        i.imm = s == 1 ? rd.u8() : s == 2 ? rd.u16() : rd.u32();
      }
      break;
    default: break;
  }
  return DecodeResult::Ok;
}

bool has_modrm(Format f) { return f == Format::M || f == Format::MIb || f == Format::MIz || f == Format::GRP3; }

// LOCK may prefix only the read-modify-write instructions with a memory destination
// (Intel SDM, LOCK), the ModRM reg values of the table's lock column; on anything else
// it raises #UD.
bool lockable(const OpInfo& info, const Insn& i) { return i.mod != 3 && ((info.lock >> i.reg) & 1); }

#undef PXOS_NEED

}  // namespace

DecodeResult decode(const uint8_t* p, unsigned avail, bool code32, Insn& out, bool lock_ud) {
  Reader rd(p, avail);
  Prefixes px;
  unsigned opc = 0;
  if (DecodeResult r = read_opcode(rd, lock_ud, px, opc); r != DecodeResult::Ok) return r;
  const OpInfo& info = kOpcodes[opc];
  const Handlers& hs = kHandlers[opc];
  Insn& i = out;  // decoded in place: a local copied out at the end is slower (its bytes are rebuilt one by one)
  i = Insn{};
  i.op32 = code32 ^ px.opsz;
  bool a32 = code32 ^ px.adsz;
  i.amask = a32 ? 0xFFFFFFFFu : 0xFFFFu;
  i.op = uint8_t(opc);
  i.map = uint8_t(opc >> 8);
  i.kind = uint8_t(info.kind);
  i.rep = px.rep;
  i.fn = i.op32 ? hs.h32 : hs.h16;
  i.th = i.op32 ? hs.t32 : hs.t16;
  i.seg = px.seg >= 0 ? uint8_t(px.seg) : uint8_t(DS);
  if (has_modrm(info.format))
    if (DecodeResult r = read_modrm(rd, a32, px.seg, i); r != DecodeResult::Ok) return r;
  i.ends_block = info.ends_block & 0x100 ? (info.ends_block >> i.reg) & 1 : info.ends_block;  // by ModRM.reg
  if (DecodeResult r = read_immediates(rd, info, a32, i); r != DecodeResult::Ok) return r;
  i.len = uint8_t(rd.count());
  if (px.lock && !lockable(info, i)) {
    i.fn = i.op32 ? &ud<uint32_t> : &ud<uint16_t>;
    i.th = i.op32 ? &thunk<&ud<uint32_t>> : &thunk<&ud<uint16_t>>;
    i.kind = uint8_t(Kind::Plain);  // nothing to specialise or translate
  }
  return DecodeResult::Ok;
}

}  // namespace pxos::soft
