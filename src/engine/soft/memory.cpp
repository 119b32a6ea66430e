// The memory path below the segment checks: linear -> physical translation
// (A20, and the paging walk), the software TLB, and physical RAM/ROM/MMIO access.
#include <algorithm>

#include "engine/soft/exec.h"
#include "machine/bus.h"

namespace pxos::soft {

uint8_t* Cpu::host_page(uint32_t p, bool write) {
  p &= ~0xFFFu;
  if (rom) {
    if (p >= 0xF0000 && p < 0x100000) return write ? nullptr : rom + (p - 0xF0000);
    if (p >= 0xFFFF0000u) return write ? nullptr : rom + (p - 0xFFFF0000u);
  }
  if (p < ram_size) return ram + p;
  return nullptr;
}

// Linear -> physical. With paging off this is the A20 gate; with CR0.PG the
// two-level 386 walk (4 KiB pages), raising #PF. Every access goes through here
// (on a TLB miss), so issue 9 extends only this function and the TLB fill.
uint32_t Cpu::translate(uint32_t linear, bool write) {
  if (!(cr0 & 0x80000000u)) return linear & a20_mask & phys_mask;
  bool user = cpl == 3;
  auto fault = [&](bool present) {
    cr2 = linear;
    raise_fault(14, (present ? 1u : 0u) | (write ? 2u : 0u) | (user ? 4u : 0u), true);
  };
  uint32_t pde_addr = ((cr3 & ~0xFFFu) | ((linear >> 20) & 0xFFC)) & a20_mask;
  uint32_t pde = 0;
  for (int k = 0; k < 4; ++k) pde |= uint32_t{phys_read8(pde_addr + k)} << (8 * k);
  if (!(pde & 1)) fault(false);
  uint32_t pte_addr = ((pde & ~0xFFFu) | ((linear >> 10) & 0xFFC)) & a20_mask;
  uint32_t pte = 0;
  for (int k = 0; k < 4; ++k) pte |= uint32_t{phys_read8(pte_addr + k)} << (8 * k);
  if (!(pte & 1)) fault(false);
  uint32_t rights = pde & pte;
  if (user && !(rights & 4)) fault(true);
  if (write && !(rights & 2) && (user || (cr0 & 0x10000))) fault(true);
  if (!(pde & 0x20)) phys_write8(pde_addr, uint8_t(pde | 0x20));
  uint32_t npte = pte | 0x20 | (write ? 0x40 : 0);
  if (npte != pte) phys_write8(pte_addr, uint8_t(npte));
  return ((pte & ~0xFFFu) | (linear & 0xFFF)) & a20_mask & phys_mask;
}

uint8_t Cpu::phys_read8(uint32_t p) {
  if (uint8_t* h = host_page(p, false)) return h[p & 0xFFF];
  uint8_t v = 0xFF;
  if (mmio) mmio->access(p, {&v, 1}, false);
  return v;
}

void Cpu::phys_write8(uint32_t p, uint8_t v) {
  if (uint8_t* h = host_page(p, true)) {
    h[p & 0xFFF] = v;
    if (code_page[p >> 12] & chunk_mask(p & 0xFFF, 1)) blocks->invalidate(*this, p, 1);
    return;
  }
  if (host_page(p, false)) return;  // ROM: writes are dropped
  if (mmio) mmio->access(p, {&v, 1}, true);
}

void Cpu::tlb_flush_phys_page_writes(uint32_t phys_page) {
  uint8_t* h = host_page(phys_page << 12, true);
  for (TlbEntry& e : tlb)
    if (e.host == h) e.tag_w = ~0u;
}

uint32_t Cpu::read_slow(uint32_t a, unsigned size) {
  if ((a & 0xFFF) + size <= 0x1000) {
    uint32_t p = translate(a, false);
    if (uint8_t* h = host_page(p, false)) {
      TlbEntry& e = tlb[(a >> 12) & 255];
      if (e.tag_r != (a >> 12)) e.tag_w = ~0u;
      e.tag_r = a >> 12;
      e.host = h;
      uint32_t v = 0;
      std::memcpy(&v, h + (p & 0xFFF), size);
      return v;
    }
    uint8_t buf[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    if (mmio) mmio->access(p, {buf, size}, false);
    uint32_t v = 0;
    std::memcpy(&v, buf, size);
    return v;
  }
  // Crosses a page: byte by byte, each byte translated on its own.
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) v |= uint32_t{phys_read8(translate(a + k, false))} << (8 * k);
  return v;
}

void Cpu::write_slow(uint32_t a, uint32_t v, unsigned size) {
  if ((a & 0xFFF) + size <= 0x1000) {
    uint32_t p = translate(a, true);
    if (uint8_t* h = host_page(p, true)) {
      std::memcpy(h + (p & 0xFFF), &v, size);
      if (uint64_t code = code_page[p >> 12]) {
        if (code & chunk_mask(p & 0xFFF, size)) blocks->invalidate(*this, p, size);
      } else {
        // Writable from now on through the TLB (translate() has set the dirty bit).
        TlbEntry& e = tlb[(a >> 12) & 255];
        e.tag_r = e.tag_w = a >> 12;
        e.host = h;
      }
      return;
    }
    if (host_page(p, false)) return;  // ROM
    if (mmio) {
      uint8_t buf[4];
      std::memcpy(buf, &v, 4);
      mmio->access(p, {buf, size}, true);
    }
    return;
  }
  // Crosses a page: translate both ends first so a fault leaves memory untouched.
  uint32_t p0 = translate(a, true);
  uint32_t p1 = translate(a + size - 1, true);
  for (unsigned k = 0; k < size; ++k) {
    uint32_t ak = a + k;
    uint32_t p = ((ak & ~0xFFFu) == (a & ~0xFFFu)) ? p0 + k : (p1 & ~0xFFFu) + (ak & 0xFFF);
    phys_write8(p, uint8_t(v >> (8 * k)));
  }
}

}  // namespace pxos::soft
