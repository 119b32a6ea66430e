#include "vm/memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pxos {

namespace {
uint8_t* map_zeroed(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("cannot map " + std::to_string(bytes >> 20) + " MiB of guest RAM");
  return static_cast<uint8_t*>(p);
}
}  // namespace

GuestMemory::GuestMemory(uint64_t ram_bytes, MemoryLayout layout) : ram_size_(ram_bytes), layout_(layout) {
  if (ram_bytes < kMinRam || ram_bytes > kMaxRam || ram_bytes % kPageSize != 0)
    throw std::invalid_argument("guest RAM must be between 1 MiB and 3072 MiB, in whole 4 KiB pages");
  if (layout.framebuffer_bytes > kMaxFramebuffer || layout.framebuffer_bytes % kPageSize != 0)
    throw std::invalid_argument("the framebuffer must be at most 256 MiB, in whole 4 KiB pages");
  ram_ = map_zeroed(ram_bytes);
  try {
    rom_ = map_zeroed(kRomSize);
    if (layout.framebuffer_bytes) fb_ = map_zeroed(layout.framebuffer_bytes);
  } catch (...) {
    munmap(ram_, ram_size_);
    if (rom_) munmap(rom_, kRomSize);
    throw;
  }
  fb_size_ = layout.framebuffer_bytes;
  fb_dirty_.assign((framebuffer_pages() + 63) / 64, 0);
}

GuestMemory::~GuestMemory() {
  munmap(ram_, ram_size_);
  munmap(rom_, kRomSize);
  if (fb_) munmap(fb_, fb_size_);
}

std::vector<uint64_t> GuestMemory::take_framebuffer_dirty() {
  if (dirty_hook_) dirty_hook_(fb_dirty_);
  std::vector<uint64_t> out = fb_dirty_;
  std::fill(fb_dirty_.begin(), fb_dirty_.end(), 0);  // in place: the software engine holds its address
  ++fb_epoch_;
  return out;
}

uint8_t* GuestMemory::ram_span(uint64_t addr, uint64_t len) {
  ++writes_;
  return ram_at(addr, len);
}

uint8_t* GuestMemory::ram_at(uint64_t addr, uint64_t len) const {
  if (len > ram_size_ || addr > ram_size_ - len) return nullptr;
  // The ROM window hides RAM at 0xF0000..0xFFFFF.
  if (addr < kRomBase + kRomSize && addr + len > kRomBase) return nullptr;
  if (layout_.vga_window_mmio && addr < kVgaWindowBase + kVgaWindowSize && addr + len > kVgaWindowBase) return nullptr;
  return ram_ + addr;
}

const uint8_t* GuestMemory::readable_span(uint64_t addr, uint64_t len) {
  if (len <= kRomSize) {
    if (addr >= kRomBase && addr - kRomBase <= kRomSize - len) return rom_ + (addr - kRomBase);
    if (addr >= kRomAlias && addr - kRomAlias <= kRomSize - len) return rom_ + (addr - kRomAlias);
  }
  return ram_at(addr, len);
}

bool GuestMemory::read(uint64_t addr, std::span<uint8_t> out) {
  const uint8_t* p = readable_span(addr, out.size());
  if (!p) return false;
  if (!out.empty()) std::memcpy(out.data(), p, out.size());  // an empty span may have no data()
  return true;
}

bool GuestMemory::write(uint64_t addr, std::span<const uint8_t> in) {
  uint8_t* p = ram_span(addr, in.size());
  if (!p) return false;
  if (!in.empty()) std::memcpy(p, in.data(), in.size());  // an empty span may have no data()
  return true;
}

uint8_t GuestMemory::read8(uint64_t addr) {
  const uint8_t* p = readable_span(addr, 1);
  return p ? *p : 0xFF;
}
// The wider helpers check the whole access once; only an access that
// straddles the end of RAM or the ROM window goes byte by byte, so that each
// byte still reads as all ones or is dropped on its own.
uint16_t GuestMemory::read16(uint64_t addr) {
  if (const uint8_t* p = readable_span(addr, 2)) return uint16_t(p[0] | p[1] << 8);
  return uint16_t(read8(addr) | read8(addr + 1) << 8);
}
uint32_t GuestMemory::read32(uint64_t addr) {
  if (const uint8_t* p = readable_span(addr, 4)) return p[0] | p[1] << 8 | p[2] << 16 | uint32_t{p[3]} << 24;
  return read16(addr) | uint32_t{read16(addr + 2)} << 16;
}

void GuestMemory::write8(uint64_t addr, uint8_t v) {
  if (uint8_t* p = ram_span(addr, 1)) *p = v;
}
void GuestMemory::write16(uint64_t addr, uint16_t v) {
  if (uint8_t* p = ram_span(addr, 2)) {
    p[0] = uint8_t(v), p[1] = uint8_t(v >> 8);
    return;
  }
  write8(addr, uint8_t(v));
  write8(addr + 1, uint8_t(v >> 8));
}
void GuestMemory::write32(uint64_t addr, uint32_t v) {
  if (uint8_t* p = ram_span(addr, 4)) {
    for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> 8 * i);
    return;
  }
  write16(addr, uint16_t(v));
  write16(addr + 2, uint16_t(v >> 16));
}

void GuestMemory::zero_ram() {
  // The mapping is private and anonymous: dropping its pages makes every
  // byte read as zero again, and only the pages touched afterwards cost a
  // fault, where a memset would write all of RAM.
  if (madvise(ram_, ram_size_, MADV_DONTNEED) != 0) std::memset(ram_, 0, ram_size_);
  ++writes_;
}

}  // namespace pxos
