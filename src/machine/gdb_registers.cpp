#include "machine/gdb_registers.h"

#include <cstring>

namespace pxos::gdb {

namespace {

constexpr int kEip = 8, kEflags = 9, kFirstSeg = 10, kFirstSt = 16, kFctrl = 24;
constexpr unsigned kStBytes = 10;
// GDB's order of the segment registers (10-15).
constexpr Sreg kSegOrder[6] = {CS, SS, DS, ES, FS, GS};

// The FNSAVE image's fields (32-bit protected-mode layout, engine.h's FpuImage).
constexpr size_t kFcw = 0, kFsw = 4, kFtw = 8, kFip = 12, kFcs = 16, kFdp = 20, kFds = 24, kSt0 = 28;

constexpr std::string_view kXmlHead = R"(<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>)";
constexpr std::string_view kXmlBody = R"(</architecture>
  <osabi>none</osabi>
  <feature name="org.gnu.gdb.i386.core">
    <reg name="eax" bitsize="32" type="int32" regnum="0"/>
    <reg name="ecx" bitsize="32" type="int32"/>
    <reg name="edx" bitsize="32" type="int32"/>
    <reg name="ebx" bitsize="32" type="int32"/>
    <reg name="esp" bitsize="32" type="data_ptr"/>
    <reg name="ebp" bitsize="32" type="data_ptr"/>
    <reg name="esi" bitsize="32" type="int32"/>
    <reg name="edi" bitsize="32" type="int32"/>
    <reg name="eip" bitsize="32" type="code_ptr"/>
    <reg name="eflags" bitsize="32" type="int32"/>
    <reg name="cs" bitsize="32" type="int32"/>
    <reg name="ss" bitsize="32" type="int32"/>
    <reg name="ds" bitsize="32" type="int32"/>
    <reg name="es" bitsize="32" type="int32"/>
    <reg name="fs" bitsize="32" type="int32"/>
    <reg name="gs" bitsize="32" type="int32"/>
    <reg name="st0" bitsize="80" type="i387_ext"/>
    <reg name="st1" bitsize="80" type="i387_ext"/>
    <reg name="st2" bitsize="80" type="i387_ext"/>
    <reg name="st3" bitsize="80" type="i387_ext"/>
    <reg name="st4" bitsize="80" type="i387_ext"/>
    <reg name="st5" bitsize="80" type="i387_ext"/>
    <reg name="st6" bitsize="80" type="i387_ext"/>
    <reg name="st7" bitsize="80" type="i387_ext"/>
    <reg name="fctrl" bitsize="32" type="int" group="float"/>
    <reg name="fstat" bitsize="32" type="int" group="float"/>
    <reg name="ftag" bitsize="32" type="int" group="float"/>
    <reg name="fiseg" bitsize="32" type="int" group="float"/>
    <reg name="fioff" bitsize="32" type="int" group="float"/>
    <reg name="foseg" bitsize="32" type="int" group="float"/>
    <reg name="fooff" bitsize="32" type="int" group="float"/>
    <reg name="fop" bitsize="32" type="int" group="float"/>
  </feature>
</target>
)";

uint32_t get32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

// The 32-bit value of an x87 control register (24-31) from the image.
uint32_t fpu_field(const FpuImage& f, int reg) {
  switch (reg - kFctrl) {
    case 0: return get32(&f[kFcw]) & 0xFFFF;
    case 1: return get32(&f[kFsw]) & 0xFFFF;
    case 2: return get32(&f[kFtw]) & 0xFFFF;
    case 3: return get32(&f[kFcs]) & 0xFFFF;
    case 4: return get32(&f[kFip]);
    case 5: return get32(&f[kFds]) & 0xFFFF;
    case 6: return get32(&f[kFdp]);
    default: return (get32(&f[kFcs]) >> 16) & 0x7FF;
  }
}
void set_fpu_field(FpuImage& f, int reg, uint32_t v) {
  auto low16 = [&](size_t at) { put32(&f[at], (get32(&f[at]) & 0xFFFF0000u) | (v & 0xFFFF)); };
  switch (reg - kFctrl) {
    case 0: low16(kFcw); break;
    case 1: low16(kFsw); break;
    case 2: low16(kFtw); break;
    case 3: low16(kFcs); break;
    case 4: put32(&f[kFip], v); break;
    case 5: low16(kFds); break;
    case 6: put32(&f[kFdp], v); break;
    default: put32(&f[kFcs], (get32(&f[kFcs]) & 0xF800FFFFu) | ((v & 0x7FF) << 16)); break;
  }
}

}  // namespace

std::string target_xml(bool sixteen_bit) {
  return std::string(kXmlHead) + (sixteen_bit ? "i8086" : "i386") + std::string(kXmlBody);
}

unsigned register_size(int reg) {
  if (reg < 0 || reg >= kRegisterCount) return 0;
  return reg >= kFirstSt && reg < kFctrl ? kStBytes : 4;
}

Sreg segment_of(int reg) { return kSegOrder[(reg - kFirstSeg) % 6]; }

std::vector<uint8_t> read_register(const CpuState& s, const FpuImage* fpu, int reg) {
  unsigned size = register_size(reg);
  std::vector<uint8_t> out(size, 0);
  if (!size) return out;
  if (reg < kEip)
    put32(out.data(), s.gpr[reg]);
  else if (reg == kEip)
    put32(out.data(), s.eip);
  else if (reg == kEflags)
    put32(out.data(), s.eflags);
  else if (reg < kFirstSt)
    put32(out.data(), s.seg[segment_of(reg)].selector);
  else if (!fpu)
    return out;  // no x87 state from this engine: zeros
  else if (reg < kFctrl)
    std::memcpy(out.data(), &(*fpu)[kSt0 + kStBytes * size_t(reg - kFirstSt)], kStBytes);
  else
    put32(out.data(), fpu_field(*fpu, reg));
  return out;
}

std::vector<uint8_t> read_registers(const CpuState& s, const FpuImage* fpu) {
  std::vector<uint8_t> out;
  for (int r = 0; r < kRegisterCount; ++r) {
    std::vector<uint8_t> one = read_register(s, fpu, r);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

bool write_register(CpuState& s, FpuImage* fpu, int reg, std::span<const uint8_t> bytes) {
  unsigned size = register_size(reg);
  if (!size || bytes.size() != size) return false;
  uint32_t v = size == 4 ? get32(bytes.data()) : 0;
  if (reg < kEip)
    s.gpr[reg] = v;
  else if (reg == kEip)
    s.eip = v;
  else if (reg == kEflags)
    s.eflags = (v & 0x003F7FD5u) | flag::FIXED1;
  else if (reg < kFirstSt)
    s.seg[segment_of(reg)].selector = uint16_t(v);
  else if (!fpu)
    return true;  // nothing to write to
  else if (reg < kFctrl)
    std::memcpy(&(*fpu)[kSt0 + kStBytes * size_t(reg - kFirstSt)], bytes.data(), kStBytes);
  else
    set_fpu_field(*fpu, reg, v);
  return true;
}

bool write_registers(CpuState& s, FpuImage* fpu, std::span<const uint8_t> bytes) {
  if (bytes.size() < 4u * kFirstSt) return false;
  size_t at = 0;
  for (int r = 0; r < kRegisterCount; ++r) {
    unsigned size = register_size(r);
    if (at + size > bytes.size()) break;
    write_register(s, fpu, r, bytes.subspan(at, size));
    at += size;
  }
  return true;
}

bool load_segment(CpuState& s, Sreg seg, uint16_t selector, LinearReader read, void* ctx) {
  Segment& sc = s.seg[seg];
  bool real = !(s.cr0 & 1) || (s.eflags & flag::VM);
  if (real) {
    sc.selector = selector;
    sc.base = uint32_t{selector} << 4;
    return true;
  }
  if ((selector & ~3u) == 0) {  // the null selector: an unusable data segment (never CS or SS)
    if (seg == CS || seg == SS) return false;
    sc = Segment{selector, 0, 0, 0};
    return true;
  }
  const DescriptorTable table = (selector & 4) ? DescriptorTable{s.ldt.base, uint16_t(s.ldt.limit)} : s.gdt;
  uint32_t offset = selector & ~7u;
  if (offset + 7 > table.limit) return false;
  uint8_t d[8];
  if (!read(ctx, table.base + offset, std::span<uint8_t>(d, 8))) return false;
  if (!(d[5] & 0x80)) return false;  // not present
  uint32_t limit = d[0] | uint32_t{d[1]} << 8 | uint32_t(d[6] & 0x0F) << 16;
  if (d[6] & 0x80) limit = limit << 12 | 0xFFF;
  sc = Segment{selector, d[2] | uint32_t{d[3]} << 8 | uint32_t{d[4]} << 16 | uint32_t{d[7]} << 24, limit,
               uint16_t(d[5] | (d[6] & 0xF0) << 8)};
  return true;
}

}  // namespace pxos::gdb
