// INT 15h: system services. A20 (24h), keyboard intercept (4Fh), wait
// (86h), block move (87h), extended memory (88h, E801h, E820h), the
// configuration table (C0h).
#include <algorithm>
#include <cstring>

#include "bios/bios.h"

namespace pxos {

namespace {
constexpr uint8_t kUnsupported = 0x86;
constexpr uint16_t kWaitFlag = 0xA0;  // BDA: bit 0 = an AH=86h wait is running
constexpr uint32_t kSmap = 0x534D4150;

// A segment descriptor's 32-bit base (bytes 2-4 and 7).
uint32_t descriptor_base(GuestMemory& mem, uint32_t d) {
  return mem.read16(d + 2) | uint32_t{mem.read8(d + 4)} << 16 | uint32_t{mem.read8(d + 7)} << 24;
}
}  // namespace

// The E820h map: base memory below the EBDA, the EBDA and ROM holes,
// extended memory, the ROM alias at the top of 4 GiB.
std::vector<Bios::MemoryRange> Bios::memory_map() const {
  std::vector<MemoryRange> map;
  map.push_back({0, kEbdaBase, 1});
  map.push_back({kEbdaBase, 0xA0000 - kEbdaBase, 2});
  map.push_back({0xF0000, 0x10000, 2});
  if (ctx_.mem.ram_size() > 0x100000) map.push_back({0x100000, ctx_.mem.ram_size() - 0x100000, 1});
  map.push_back({GuestMemory::kRomAlias, GuestMemory::kRomSize, 2});
  return map;
}

void Bios::int15(BiosCall& c) {
  uint32_t extended_kib = uint32_t((ctx_.mem.ram_size() - 0x100000) / 1024);
  switch (c.ah()) {
    case 0x24: {  // A20 gate, through the keyboard controller's output port as a guest would
      switch (c.al()) {
        case 0x00:
        case 0x01:
          if (ctx_.ports) {
            ctx_.ports->write(0x64, 1, 0xD1);
            ctx_.ports->write(0x60, 1, c.al() ? 0xDF : 0xDD);
          }
          c.success();
          return;
        case 0x02:
          c.set_al(ctx_.mem.a20() ? 1 : 0);
          c.success();
          return;
        case 0x03:
          c.set_bx(0x0003);  // keyboard controller and port 92h
          c.success();
          return;
        default: return c.fail(kUnsupported);
      }
    }
    case 0x4F:  // keyboard intercept: nobody hooked it, keep the scancode
      c.set_cf(true);
      return;
    case 0x86: {  // wait CX:DX microseconds
      uint8_t flag = ctx_.bda8(kWaitFlag);
      uint64_t now = ctx_.config.now_ns ? ctx_.config.now_ns() : 0;
      if (!(flag & 1)) {
        wait_until_ns_ = now + (uint64_t{c.cx()} << 16 | c.dx()) * 1000;
        ctx_.set_bda8(kWaitFlag, flag | 1);
      }
      if (now < wait_until_ns_ && ctx_.config.now_ns) {
        c.wait();
        return;
      }
      ctx_.set_bda8(kWaitFlag, ctx_.bda8(kWaitFlag) & ~1u);
      wait_until_ns_ = 0;
      c.success();
      return;
    }
    case 0x87: {  // block move: CX words, descriptors in the GDT at ES:SI
      uint32_t gdt = ctx_.mem.real_linear(c.es(), c.si());
      uint32_t bytes = uint32_t{c.cx()} * 2;
      if (c.cx() > 0x8000 || !ctx_.mem.readable_span(gdt, 0x30)) return c.fail(0x03);
      uint32_t src = descriptor_base(ctx_.mem, gdt + 0x10), dst = descriptor_base(ctx_.mem, gdt + 0x18);
      const uint8_t* from = ctx_.mem.readable_span(src, bytes);
      uint8_t* to = ctx_.mem.ram_span(dst, bytes);
      if (bytes && (!from || !to)) return c.fail(0x02);  // outside RAM: refused, nothing copied
      if (bytes) std::memmove(to, from, bytes);
      c.success();
      return;
    }
    case 0x88:
      c.set_ax(uint16_t(std::min<uint32_t>(extended_kib, 0xFC00)));
      c.set_cf(false);
      return;
    case 0xC0:
      c.set_es(rom::kSegment);
      c.set_bx(rom::kConfigTable);
      c.success();
      return;
    case 0xE8:
      if (c.al() == 0x01) {  // E801h: KiB in 1-16 MiB, 64 KiB blocks above 16 MiB
        uint16_t low = uint16_t(std::min<uint32_t>(extended_kib, 15 * 1024));
        uint64_t high = ctx_.mem.ram_size() > (16u << 20) ? (ctx_.mem.ram_size() - (16u << 20)) / 65536 : 0;
        c.set_ax(low);
        c.set_cx(low);
        c.set_bx(uint16_t(std::min<uint64_t>(high, 0xFFFF)));
        c.set_dx(uint16_t(std::min<uint64_t>(high, 0xFFFF)));
        c.set_cf(false);
        return;
      }
      if (c.al() == 0x20 && c.edx() == kSmap) {  // E820h: one map entry per call
        auto map = memory_map();
        uint32_t index = c.ebx();
        uint32_t out = ctx_.mem.real_linear(c.es(), c.di());
        if (index >= map.size() || c.ecx() < 20 || !ctx_.mem.ram_span(out, 20)) return c.fail(kUnsupported);
        const MemoryRange& r = map[index];
        ctx_.mem.write32(out, uint32_t(r.base));
        ctx_.mem.write32(out + 4, uint32_t(r.base >> 32));
        ctx_.mem.write32(out + 8, uint32_t(r.size));
        ctx_.mem.write32(out + 12, uint32_t(r.size >> 32));
        ctx_.mem.write32(out + 16, r.type);
        c.set_eax(kSmap);
        c.set_ecx(20);
        c.set_ebx(index + 1 < map.size() ? index + 1 : 0);
        c.set_cf(false);
        return;
      }
      ctx_.log_unimplemented(c);
      return c.fail(kUnsupported);
    case 0x90:  // device busy / interrupt complete: nothing to wait for
    case 0x91:
      c.success();
      return;
    default:
      ctx_.log_unimplemented(c);
      c.fail(kUnsupported);
  }
}

}  // namespace pxos
