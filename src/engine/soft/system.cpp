// System instructions: port I/O, CPUID, control/debug registers, descriptor
// table registers, MSW, INVLPG, the protected-mode-only group 6 (the x87 is in fpu.cpp).
#include "engine/soft/cpu_model.h"
#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

void io_check(Cpu& c, uint16_t port, unsigned size) {
  bool vm = c.flags & flag::VM;
  if (!c.pm() || (!vm && c.cpl <= ((c.flags >> 12) & 3))) return;
  // The I/O permission bitmap of a 32-bit TSS.
  if ((c.tr.attrib & 0xF) != 0xB || c.tr.limit < 0x67) gp(0);
  uint32_t map = c.sys_read(c.tr.base + 0x66, 2);
  uint32_t byte = map + port / 8;
  if (byte + 1 > c.tr.limit) gp(0);
  uint32_t bits = c.sys_read(c.tr.base + byte, 2);
  if ((bits >> (port & 7)) & ((1u << size) - 1)) gp(0);
}

void io_out(Cpu& c, uint16_t port, unsigned size, uint32_t value) {
  c.io_port = port;
  c.io_size = uint8_t(size);
  c.io_write = true;
  std::memcpy(c.io_buf, &value, 4);
  c.stop = Stop::Io;
  c.exit_block = true;
}

void io_in(Cpu& c, uint16_t port, unsigned size, bool string) {
  c.io_port = port;
  c.io_size = uint8_t(size);
  c.io_write = false;
  std::memset(c.io_buf, 0xFF, sizeof c.io_buf);
  c.pending_in = PendingIn{true, string, false, uint8_t(size), 0xFFFF, c.insn_eip, c.eip};
  c.stop = Stop::Io;
  c.exit_block = true;
}

template <class T>
void in_imm(Cpu& c, const Insn& i) {
  unsigned sz = (i.op & 1) ? sizeof(T) : 1;
  io_check(c, uint8_t(i.imm), sz);
  io_in(c, uint8_t(i.imm), sz, false);
}
template <class T>
void in_dx(Cpu& c, const Insn& i) {
  unsigned sz = (i.op & 1) ? sizeof(T) : 1;
  io_check(c, uint16_t(c.r[EDX]), sz);
  io_in(c, uint16_t(c.r[EDX]), sz, false);
}
template <class T>
void out_imm(Cpu& c, const Insn& i) {
  unsigned sz = (i.op & 1) ? sizeof(T) : 1;
  io_check(c, uint8_t(i.imm), sz);
  io_out(c, uint8_t(i.imm), sz, c.r[EAX]);
}
template <class T>
void out_dx(Cpu& c, const Insn& i) {
  unsigned sz = (i.op & 1) ? sizeof(T) : 1;
  io_check(c, uint16_t(c.r[EDX]), sz);
  io_out(c, uint16_t(c.r[EDX]), sz, c.r[EAX]);
}

// CPUID: a Pentium Pro class CPU (GenuineIntel, family 6 model 1 stepping 9),
// reporting exactly what this engine implements.
template <class T>
void cpuid(Cpu& c, const Insn&) {
  uint32_t leaf = c.r[EAX];
  uint32_t a = 0, b = 0, cx = 0, d = 0;  // a leaf not listed here: all zeros
  switch (leaf) {
    case 0:
      a = kCpuidMaxLeaf;
      std::memcpy(&b, "Genu", 4);
      std::memcpy(&d, "ineI", 4);
      std::memcpy(&cx, "ntel", 4);
      break;
    case 1:
      a = kCpuSignature;
      d = kCpuidFeatures;
      break;
    case 2:
      a = 1;  // one call gives all the descriptors: none
      break;
    case 0x15:  // the TSC is crystal x EBX / EAX: exactly kTscHz, so the guest need not calibrate it
      a = 1;
      b = 1;
      cx = uint32_t(kTscHz);
      break;
    case 0x16:  // base, maximum and bus frequencies in MHz
      a = b = uint32_t(kTscHz / 1'000'000);
      cx = 100;
      break;
    default: break;  // caches (4), topology (0Bh), extended features (7) ...: none; no extended leaves
  }
  c.r[EAX] = a;
  c.r[EBX] = b;
  c.r[ECX] = cx;
  c.r[EDX] = d;
}

namespace {
void need_cpl0(Cpu& c) {
  if (c.flags & flag::VM) gp(0);
  if (c.pm() && c.cpl != 0) gp(0);
}
void write_cr0(Cpu& c, uint32_t v) {
  v |= 0x10;  // ET is hard-wired on 486-class CPUs
  if ((v & 0x80000000u) && !(v & 1)) gp(0);
  uint32_t old = c.cr0;
  c.cr0 = v;
  if ((old ^ v) & 0x80010001u) c.tlb_flush();
  if (!(v & 1)) c.set_cpl(0);
  c.exit_block = true;
}
}  // namespace

template <class T>
void mov_R_C(Cpu& c, const Insn& i) {
  need_cpl0(c);
  uint32_t v;
  switch (i.reg) {
    case 0: v = c.cr0; break;
    case 2: v = c.cr2; break;
    case 3: v = c.cr3; break;
    case 4: v = c.cr4; break;
    default: ud();
  }
  c.r[i.rm] = v;
}
template <class T>
void mov_C_R(Cpu& c, const Insn& i) {
  need_cpl0(c);
  uint32_t v = c.r[i.rm];
  switch (i.reg) {
    case 0: write_cr0(c, v); break;
    case 2: c.cr2 = v; break;
    case 3:
      c.cr3 = v;
      c.tlb_flush_nonglobal();
      break;
    case 4:
      if (v & ~kCr4Supported) gp(0);
      if ((v ^ c.cr4) & (kCr4Pse | kCr4Pge)) c.tlb_flush();
      c.cr4 = v;
      break;
    default: ud();
  }
}
template <class T>
void mov_R_D(Cpu& c, const Insn& i) {
  need_cpl0(c);
  c.r[i.rm] = c.dr[i.reg];
}
template <class T>
void mov_D_R(Cpu& c, const Insn& i) {
  need_cpl0(c);
  c.dr[i.reg] = c.r[i.rm];
}
template <class T>
void clts(Cpu& c, const Insn&) {
  need_cpl0(c);
  c.cr0 &= ~8u;
}

// INVD, WBINVD: no caches to write back or drop, but privileged.
template <class T>
void invd(Cpu& c, const Insn&) {
  need_cpl0(c);
}

// 0F 01: SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG.
template <class T>
void grp7(Cpu& c, const Insn& i) {
  switch (i.reg) {
    case 0:
    case 1: {
      if (i.mod == 3) ud();
      const DescriptorTable& t = i.reg == 0 ? c.gdt : c.idt;
      uint32_t off = c.ea(i);
      c.write<uint16_t>(i.seg, off, t.limit);
      c.write<uint32_t>(i.seg, (off + 2) & i.amask, sizeof(T) == 4 ? t.base : (t.base & 0x00FFFFFFu));
      return;
    }
    case 2:
    case 3: {
      if (i.mod == 3) ud();
      need_cpl0(c);
      uint32_t off = c.ea(i);
      uint16_t limit = c.read<uint16_t>(i.seg, off);
      uint32_t base = c.read<uint32_t>(i.seg, (off + 2) & i.amask);
      if (sizeof(T) == 2) base &= 0x00FFFFFFu;
      DescriptorTable& t = i.reg == 2 ? c.gdt : c.idt;
      t.base = base;
      t.limit = limit;
      return;
    }
    case 4:
      if (i.mod == 3 && sizeof(T) == 4)
        c.r[i.rm] = c.cr0;
      else
        c.set_rm<uint16_t>(i, uint16_t(c.cr0));
      return;
    case 6: {
      need_cpl0(c);
      uint16_t v = c.get_rm<uint16_t>(i);
      // LMSW changes PE, MP, EM, TS and cannot clear PE.
      write_cr0(c, (c.cr0 & ~0xEu) | (v & 0xF) | (c.cr0 & 1));
      return;
    }
    case 7:  // INVLPG
      if (i.mod == 3) ud();
      need_cpl0(c);
      c.tlb_flush_page(c.seg[i.seg].base + c.ea(i));
      return;
    default: ud();
  }
}

// 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW: protected mode only on a 386.
template <class T>
void grp6(Cpu& c, const Insn& i) {
  if (!c.pm() || (c.flags & flag::VM)) ud();
  switch (i.reg) {
    case 0: c.set_rm<uint16_t>(i, c.ldtr.sel); return;
    case 1: c.set_rm<uint16_t>(i, c.tr.sel); return;
    case 2:
    case 3: {
      need_cpl0(c);
      uint16_t sel = c.get_rm<uint16_t>(i);
      if (i.reg == 2)
        c.load_ldtr(sel);
      else
        c.load_tr(sel);
      return;
    }
    case 4:
    case 5: {
      uint16_t sel;
      uint64_t d;
      if (!probe_descriptor(c, i, sel, d)) return;
      unsigned a = unsigned(d >> 40) & 0xFF;
      if (!(a & 0x10)) return;
      bool code = a & 8;
      bool ok = i.reg == 4 ? (!code || (a & 2)) : (!code && (a & 2));
      if (ok) c.flags |= flag::ZF;
      return;
    }
    default: ud();
  }
}

PXOS_INSTANTIATE(in_imm)
PXOS_INSTANTIATE(in_dx)
PXOS_INSTANTIATE(out_imm)
PXOS_INSTANTIATE(out_dx)
PXOS_INSTANTIATE(cpuid)
PXOS_INSTANTIATE(mov_R_C)
PXOS_INSTANTIATE(mov_C_R)
PXOS_INSTANTIATE(mov_R_D)
PXOS_INSTANTIATE(mov_D_R)
PXOS_INSTANTIATE(clts)
PXOS_INSTANTIATE(invd)
PXOS_INSTANTIATE(grp7)
PXOS_INSTANTIATE(grp6)

}  // namespace pxos::soft
