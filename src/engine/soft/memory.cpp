// The memory path below the segment checks: linear -> physical translation
// (A20, the paging walk with its rights checks and A/D bits), the software TLB,
// and physical RAM/ROM/MMIO access.
#include <algorithm>

#include "engine/soft/cpu_model.h"
#include "engine/soft/exec.h"
#include "vm/bus.h"

namespace pxos::soft {

namespace {
constexpr uint32_t kCr0Wp = 1u << 16;
constexpr uint32_t kPresent = 1, kWritable = 2, kUser = 4, kAccessed = 0x20, kDirty = 0x40, kLarge = 0x80,
                   kGlobal = 0x100;
}  // namespace

uint8_t* Cpu::host_page(uint32_t p, bool write) {
  p &= ~0xFFFu;
  if (rom) {
    if (p >= 0xF0000 && p < 0x100000) return write ? nullptr : rom + (p - 0xF0000);
    if (p >= 0xFFFF0000u) return write ? nullptr : rom + (p - 0xFFFF0000u);
  }
  if (p < ram_size) {
    if (vga_window_mmio && p - 0xA0000u < 0x20000u) return nullptr;  // the device window
    return ram + p;
  }
  if (in_framebuffer(p)) return fb + (p - fb_base);
  return nullptr;
}

// Linear -> physical for one access (the run loop's code lookups, page-crossing
// accesses), through the TLB of the current privilege; a walk fills it.
uint32_t Cpu::translate(uint32_t linear, bool write) {
  if (!paging()) return linear & a20_mask & phys_mask;
  uint32_t page = linear >> 12;
  const TlbEntry& e = tlb[page & 255];
  if (write ? e.tag_wc == page : e.tag_r == page) return (e.phys & ~0xFFFu) | (linear & 0xFFF);
  uint32_t attrs;
  uint32_t p = walk(linear, write, attrs);
  if (uint8_t* h = host_page(p, false)) tlb_fill(linear, p, attrs, h);  // code fetches hit the TLB next time
  return p;
}

// The two-level walk of 32-bit paging (Intel SDM vol. 3, 4.3): 4 KiB pages, and
// 4 MiB pages when CR4.PSE and PDE.PS. Rights are the AND of both levels; a
// supervisor write to a read-only page faults only with CR0.WP. The accessed bits
// are set once the access is allowed, the dirty bit only by a write. Raises #PF
// with CR2 and the error code (P, W/R, U/S, RSVD).
uint32_t Cpu::walk(uint32_t linear, bool write, uint32_t& attrs) {
  bool user = cpl == 3;
  auto fault = [&](uint32_t bits) {
    cr2 = linear;
    raise_fault(14, bits | (write ? 2u : 0u) | (user ? 4u : 0u), true);
  };
  auto allowed = [&](uint32_t rights, bool w) {
    if (user && !(rights & kUser)) return false;
    return !w || (rights & kWritable) || (!user && !(cr0 & kCr0Wp));
  };
  uint32_t mask = a20_mask & phys_mask;
  uint32_t pde_addr = ((cr3 & ~0xFFFu) | ((linear >> 20) & 0xFFC)) & mask;
  uint32_t pde = phys_read32(pde_addr);
  if (!(pde & kPresent)) fault(0);
  uint32_t entry, entry_addr, phys;
  bool can_write;  // a later write at this privilege would be allowed
  attrs = 0;
  if ((pde & kLarge) && (cr4 & kCr4Pse)) {
    if (pde & 0x003FE000u) fault(1 | 8);  // bits 21:13 are reserved without PSE-36
    if (!allowed(pde, write)) fault(1);
    entry = pde;
    entry_addr = pde_addr;
    phys = (pde & 0xFFC00000u) | (linear & 0x003FF000u);
    can_write = allowed(pde, true);
    attrs |= kTlbLarge;
  } else {
    uint32_t pte_addr = ((pde & ~0xFFFu) | ((linear >> 10) & 0xFFC)) & mask;
    uint32_t pte = phys_read32(pte_addr);
    if (!(pte & kPresent)) fault(0);
    if (!allowed(pde & pte, write)) fault(1);
    if (!(pde & kAccessed)) phys_write8(pde_addr, uint8_t(pde | kAccessed));
    entry = pte;
    entry_addr = pte_addr;
    phys = pte & ~0xFFFu;
    can_write = allowed(pde & pte, true);
  }
  uint32_t updated = entry | kAccessed | (write ? kDirty : 0);
  if (updated != entry) phys_write8(entry_addr, uint8_t(updated));
  if ((entry & kGlobal) && (cr4 & kCr4Pge)) attrs |= kTlbGlobal;
  if ((updated & kDirty) && can_write) attrs |= kTlbWritable;
  return (phys | (linear & 0xFFF)) & mask;
}

uint32_t Cpu::phys_read32(uint32_t p) {
  if ((p & 3) == 0)
    if (uint8_t* h = host_page(p, false)) {
      uint32_t v;
      std::memcpy(&v, h + (p & 0xFFF), 4);
      return v;
    }
  uint32_t v = 0;
  for (int k = 0; k < 4; ++k) v |= uint32_t{phys_read8(p + k)} << (8 * k);
  return v;
}

uint8_t Cpu::phys_read8(uint32_t p) {
  if (uint8_t* h = host_page(p, false)) return h[p & 0xFFF];
  uint8_t v = 0xFF;
  if (mmio) mmio->access(p, {&v, 1}, false);
  return v;
}

void Cpu::phys_write8(uint32_t p, uint8_t v) {
  if (uint8_t* h = host_page(p, true)) {
    const bool changed = h[p & 0xFFF] != v;  // rewriting code with the same bytes leaves its blocks valid
    h[p & 0xFFF] = v;
    note_phys_write(p);
    if (changed && (code_bits(p) & chunk_mask(p & 0xFFF, 1))) blocks->invalidate(*this, p, 1);
    return;
  }
  if (host_page(p, false)) return;  // ROM: writes are dropped
  if (mmio) mmio->access(p, {&v, 1}, true);
}

// ---- the software TLB -------------------------------------------------------------

void Cpu::tlb_flush() {
  for (auto& t : tlbs)
    for (TlbEntry& e : t) e = TlbEntry{};
  ++chain_gen;
}

void Cpu::tlb_flush_nonglobal() {
  if (!(cr4 & kCr4Pge)) return tlb_flush();
  for (auto& t : tlbs)
    for (TlbEntry& e : t)
      if (!(e.phys & kTlbGlobal)) e = TlbEntry{};
  ++chain_gen;
}

void Cpu::tlb_flush_page(uint32_t linear) {
  uint32_t page = linear >> 12;
  for (auto& t : tlbs) {
    t[page & 255] = TlbEntry{};
    // A 4 MiB page may sit in up to 1024 slots: drop every piece of it.
    for (TlbEntry& e : t)
      if ((e.phys & kTlbLarge) && (e.tag_r >> 10) == (page >> 10)) e = TlbEntry{};
  }
  ++chain_gen;
}

void Cpu::tlb_flush_phys_page_writes(uint32_t phys_page) {
  uint8_t* h = host_page(phys_page << 12, true);
  for (auto& t : tlbs)
    for (TlbEntry& e : t)
      if (e.host == h) e.tag_w = ~0u;
}

void Cpu::tlb_drop_framebuffer_writes() {
  if (!fb) return;
  for (auto& t : tlbs)
    for (TlbEntry& e : t)
      if (e.host >= fb && e.host < fb + fb_size) e.tag_w = ~0u;
}

uint32_t Cpu::sys_access(uint32_t a, uint32_t v, unsigned size, bool write) {
  // CPL 3 here: run the access with the supervisor's rights and TLB, then switch back
  // (also when it faults).
  struct Restore {
    Cpu& c;
    ~Restore() {
      c.cpl = 3;
      c.tlb = c.tlbs[1];
    }
  } restore{*this};
  cpl = 0;
  tlb = tlbs[0];
  if (write) {
    if (size == 1)
      write_lin<uint8_t>(a, uint8_t(v));
    else if (size == 2)
      write_lin<uint16_t>(a, uint16_t(v));
    else
      write_lin<uint32_t>(a, v);
    return 0;
  }
  if (size == 1) return read_lin<uint8_t>(a);
  if (size == 2) return read_lin<uint16_t>(a);
  return read_lin<uint32_t>(a);
}

// ---- watchpoints ----------------------------------------------------------------

bool Cpu::watched_page(uint32_t linear) const {
  uint32_t page = linear >> 12;
  for (const Breakpoint& w : watches) {
    uint32_t last = w.address + (w.length ? w.length - 1 : 0);
    if (page >= (w.address >> 12) && page <= (last >> 12)) return true;
    if (last < w.address && (page >= (w.address >> 12) || page <= (last >> 12))) return true;  // wraps at 4 GiB
  }
  return false;
}

void Cpu::note_watch(uint32_t linear, unsigned size, bool write) {
  if (watch_fetch) return;
  for (const Breakpoint& w : watches) {
    bool kind_matches = w.kind == BreakKind::Access || (w.kind == BreakKind::Write) == write;
    // The ranges [linear, linear + size) and [address, address + length) overlap (modulo 4 GiB).
    bool overlaps = uint32_t(linear - w.address) < w.length || uint32_t(w.address - linear) < size;
    if (kind_matches && overlaps && !watch_hit) {
      watch_hit = true;
      watch_hit_point = w;
    }
  }
}

// A translation the fast path may use from now on (RAM and ROM pages only).
void Cpu::tlb_fill(uint32_t linear, uint32_t p, uint32_t attrs, uint8_t* h) {
  if (!watches.empty() && watched_page(linear)) [[unlikely]]
    return;  // every access to a watched page takes the slow path
  uint32_t page = linear >> 12;
  TlbEntry& e = tlb[page & 255];
  bool w = attrs & kTlbWritable;
  e.tag_r = page;
  e.tag_wc = w ? page : ~0u;
  // No fast-path writes to code (they must invalidate blocks) nor to a
  // framebuffer page not yet marked dirty (the slow path marks it).
  bool fast_write = w && host_page(p, true) && (in_framebuffer(p) ? fb_page_dirty(p) : !code_page[p >> 12]);
  e.tag_w = fast_write ? page : ~0u;
  e.phys = (p & ~0xFFFu) | (attrs & (kTlbGlobal | kTlbLarge));
  e.host = h;
}

uint32_t Cpu::read_slow(uint32_t a, unsigned size) {
  if (!watches.empty()) [[unlikely]]
    note_watch(a, size, false);
  if ((a & 0xFFF) + size <= 0x1000) {
    uint32_t attrs = kTlbWritable;
    uint32_t p = paging() ? walk(a, false, attrs) : (a & a20_mask & phys_mask);
    if (uint8_t* h = host_page(p, false)) {
      tlb_fill(a, p, attrs, h);
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
  if (!watches.empty()) [[unlikely]]
    note_watch(a, size, true);
  if ((a & 0xFFF) + size <= 0x1000) {
    uint32_t attrs = kTlbWritable;
    uint32_t p;
    if (!paging()) {
      p = a & a20_mask & phys_mask;
    } else {
      const TlbEntry& e = tlb[(a >> 12) & 255];
      p = e.tag_wc == (a >> 12) ? (e.phys & ~0xFFFu) | (a & 0xFFF) : walk(a, true, attrs);
      if (e.tag_wc == (a >> 12)) attrs = (e.phys & (kTlbGlobal | kTlbLarge)) | kTlbWritable;
    }
    if (uint8_t* h = host_page(p, true)) {
      uint8_t* at = h + (p & 0xFFF);
      const uint64_t code = code_bits(p);
      // Rewriting code with the same bytes (a guest storing what is there)
      // leaves its decoded blocks valid: no invalidation, no rebuild.
      const bool changes_code = (code & chunk_mask(p & 0xFFF, size)) && std::memcmp(at, &v, size) != 0;
      std::memcpy(at, &v, size);
      if (changes_code) blocks->invalidate(*this, p, size);
      note_phys_write(p);
      tlb_fill(a, p, attrs, h);
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
  uint32_t p1 = translate((a + size - 1) & ~0xFFFu, true);  // a fault there reports that page's start
  for (unsigned k = 0; k < size; ++k) {
    uint32_t ak = a + k;
    uint32_t p = ((ak & ~0xFFFu) == (a & ~0xFFFu)) ? p0 + k : (p1 & ~0xFFFu) + (ak & 0xFFF);
    phys_write8(p, uint8_t(v >> (8 * k)));
  }
}

}  // namespace pxos::soft
