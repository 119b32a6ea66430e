// INT 15h: system services, one function per subfunction. A20 (24h),
// wait on external event (41h: not supported), keyboard intercept (4Fh),
// wait (86h), block move (87h), extended memory (88h, E801h, E820h), the
// configuration table (C0h), the EBDA's segment (C1h); APM (53h) is
// bios/apm.cpp, the pointing device (C2h) bios/mouse.cpp.
#include "bios/system.h"

#include <algorithm>
#include <cstring>

#include "bios/acpi_tables.h"
#include "bios/apm.h"
#include "bios/mouse.h"
#include "bios/rom.h"

namespace pxos {

std::vector<MemoryRange> memory_map(const GuestMemory& mem) {
  std::vector<MemoryRange> map;
  map.push_back({0, kEbdaBase, 1});
  map.push_back({kEbdaBase, 0xA0000 - kEbdaBase, 2});
  map.push_back({acpi::kAreaBase, 0x100000 - acpi::kAreaBase, 2});  // the ACPI tables and the ROM
  if (mem.ram_size() > 0x100000) map.push_back({0x100000, mem.ram_size() - 0x100000, 1});
  map.push_back({GuestMemory::kRomAlias, GuestMemory::kRomSize, 2});
  return map;
}

namespace {

constexpr uint8_t kUnsupported = 0x86;
constexpr uint16_t kWaitFlag = 0xA0;  // BDA: bit 0 = an AH=86h wait is running
constexpr uint32_t kSmap = 0x534D4150;

// KiB of RAM above 1 MiB.
uint32_t extended_kib(const GuestMemory& mem) { return uint32_t((mem.ram_size() - 0x100000) / 1024); }

// A segment descriptor's 32-bit base (bytes 2-4 and 7).
uint32_t descriptor_base(GuestMemory& mem, uint32_t d) {
  return mem.read16(d + 2) | uint32_t{mem.read8(d + 4)} << 16 | uint32_t{mem.read8(d + 7)} << 24;
}

// Unimplemented: logged, fails with 86h.
void handle_15XX(BiosContext& bios, BiosCall& c) {
  bios.log_unimplemented(c);
  c.fail(kUnsupported);
}

// AH=24h AL=00h/01h: A20 off / on, through the keyboard controller's output
// port as a guest would.
void set_a20(BiosContext& bios, BiosCall& c, bool on) {
  if (bios.ports) {
    bios.ports->write(0x64, 1, 0xD1);
    bios.ports->write(0x60, 1, on ? 0xDF : 0xDD);
  }
  c.success();
}
void handle_152400(BiosContext& bios, BiosCall& c) { set_a20(bios, c, false); }
void handle_152401(BiosContext& bios, BiosCall& c) { set_a20(bios, c, true); }

// AH=24h AL=02h: A20 state in AL.
void handle_152402(BiosContext& bios, BiosCall& c) {
  c.set_al(bios.mem.a20() ? 1 : 0);
  c.success();
}

// AH=24h AL=03h: how A20 can be switched, in BX: the keyboard controller
// and port 92h.
void handle_152403(BiosCall& c) {
  c.set_bx(0x0003);
  c.success();
}

// AH=24h: the A20 gate, by AL (an unknown AL fails with 86h).
void handle_1524(BiosContext& bios, BiosCall& c) {
  switch (c.al()) {
    case 0x00: return handle_152400(bios, c);
    case 0x01: return handle_152401(bios, c);
    case 0x02: return handle_152402(bios, c);
    case 0x03: return handle_152403(c);
    default: return c.fail(kUnsupported);
  }
}

// AH=41h: wait on external event (PS/2 models with a power-saving wait):
// not supported, as on most PCs.
void handle_1541(BiosCall& c) { c.fail(kUnsupported); }

// AH=4Fh: keyboard intercept: nobody hooked it, keep the scancode.
void handle_154F(BiosCall& c) { c.set_cf(true); }

// AH=86h: wait CX:DX microseconds. The call waits (halts until an
// interrupt, then comes again) until the machine's clock passes the end.
void handle_1586(BiosContext& bios, SystemState& system, BiosCall& c) {
  uint8_t flag = bios.bda8(kWaitFlag);
  uint64_t now = bios.config.now_ns ? bios.config.now_ns() : 0;
  if (!(flag & 1)) {
    system.wait_until_ns = now + (uint64_t{c.cx()} << 16 | c.dx()) * 1000;
    bios.set_bda8(kWaitFlag, flag | 1);
  }
  if (now < system.wait_until_ns && bios.config.now_ns) return c.wait();
  bios.set_bda8(kWaitFlag, bios.bda8(kWaitFlag) & ~1u);
  system.wait_until_ns = 0;
  c.success();
}

// AH=87h: block move: CX words, descriptors of source and destination in
// the GDT at ES:SI.
void handle_1587(BiosContext& bios, BiosCall& c) {
  GuestMemory& mem = bios.mem;
  uint32_t gdt = mem.real_linear(c.es(), c.si());
  uint32_t bytes = uint32_t{c.cx()} * 2;
  if (c.cx() > 0x8000 || !mem.readable_span(gdt, 0x30)) return c.fail(0x03);
  uint32_t src = descriptor_base(mem, gdt + 0x10), dst = descriptor_base(mem, gdt + 0x18);
  const uint8_t* from = mem.readable_span(src, bytes);
  uint8_t* to = mem.ram_span(dst, bytes);
  if (bytes && (!from || !to)) return c.fail(0x02);  // outside RAM: refused, nothing copied
  if (bytes) std::memmove(to, from, bytes);
  c.success();
}

// AH=88h: KiB of extended memory in AX (at most FC00h).
void handle_1588(BiosContext& bios, BiosCall& c) {
  c.set_ax(uint16_t(std::min<uint32_t>(extended_kib(bios.mem), 0xFC00)));
  c.set_cf(false);
}

// AH=90h / 91h: device busy / interrupt complete: nothing to wait for.
void handle_1590(BiosCall& c) { c.success(); }
void handle_1591(BiosCall& c) { c.success(); }

// AH=C0h: the system configuration table at ES:BX.
void handle_15C0(BiosCall& c) {
  c.set_es(rom::kSegment);
  c.set_bx(rom::kConfigTable);
  c.success();
}

// AH=C1h: the extended BIOS data area's segment in ES (POST sets it in the
// BDA at 0040:000Eh; a guest that cleared it gets "not supported").
void handle_15C1(BiosContext& bios, BiosCall& c) {
  uint16_t segment = bios.bda16(bda::kEbdaSegment);
  if (segment == 0) return c.fail(kUnsupported);
  c.set_es(segment);
  c.success();
}

// AX=E801h: KiB in 1-16 MiB in AX and CX, 64 KiB blocks above 16 MiB in
// BX and DX.
void handle_15E801(BiosContext& bios, BiosCall& c) {
  const uint64_t ram = bios.mem.ram_size();
  uint16_t low = uint16_t(std::min<uint32_t>(extended_kib(bios.mem), 15 * 1024));
  uint64_t high = ram > (16u << 20) ? (ram - (16u << 20)) / 65536 : 0;
  c.set_ax(low);
  c.set_cx(low);
  c.set_bx(uint16_t(std::min<uint64_t>(high, 0xFFFF)));
  c.set_dx(uint16_t(std::min<uint64_t>(high, 0xFFFF)));
  c.set_cf(false);
}

// AX=E820h, EDX='SMAP': map entry EBX into the ECX-byte buffer at ES:DI;
// EBX is then the next entry's index, 0 after the last.
void handle_15E820(BiosContext& bios, BiosCall& c) {
  GuestMemory& mem = bios.mem;
  std::vector<MemoryRange> map = memory_map(mem);
  uint32_t index = c.ebx();
  uint32_t out = mem.real_linear(c.es(), c.di());
  if (index >= map.size() || c.ecx() < 20 || !mem.ram_span(out, 20)) return c.fail(kUnsupported);
  const MemoryRange& r = map[index];
  mem.write32(out, uint32_t(r.base));
  mem.write32(out + 4, uint32_t(r.base >> 32));
  mem.write32(out + 8, uint32_t(r.size));
  mem.write32(out + 12, uint32_t(r.size >> 32));
  mem.write32(out + 16, r.type);
  c.set_eax(kSmap);
  c.set_ecx(20);
  c.set_ebx(index + 1 < map.size() ? index + 1 : 0);
  c.set_cf(false);
}

// AH=E8h: the memory sizes, by AL.
void handle_15E8(BiosContext& bios, BiosCall& c) {
  if (c.al() == 0x01) return handle_15E801(bios, c);
  if (c.al() == 0x20 && c.edx() == kSmap) return handle_15E820(bios, c);
  handle_15XX(bios, c);
}

}  // namespace

void handle_15(BiosContext& bios, SystemState& system, BiosCall& c) {
  switch (c.ah()) {
    case 0x24: return handle_1524(bios, c);
    case 0x41: return handle_1541(c);
    case 0x4F: return handle_154F(c);
    case 0x53: return handle_1553(bios, system.apm, c);
    case 0x86: return handle_1586(bios, system, c);
    case 0x87: return handle_1587(bios, c);
    case 0x88: return handle_1588(bios, c);
    case 0x90: return handle_1590(c);
    case 0x91: return handle_1591(c);
    case 0xC0: return handle_15C0(c);
    case 0xC1: return handle_15C1(bios, c);
    case 0xC2: return handle_15C2(bios, system, c);
    case 0xE8: return handle_15E8(bios, c);
    default: return handle_15XX(bios, c);
  }
}

}  // namespace pxos
