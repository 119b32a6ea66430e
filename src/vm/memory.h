// Guest physical memory: RAM from address 0, and the 64 KiB BIOS ROM mapped at
// 0xF0000 and again at 0xFFFF0000 (where the CPU fetches its first
// instruction after RESET). Every access the monitor makes on the guest's
// behalf goes through the bounds-checked helpers here.
//
// Display memory (MemoryLayout, off by default): the VGA window at
// A0000h-BFFFFh can be a device window instead of RAM (every guest access
// goes to the MMIO bus, and the helpers here treat it as unmapped), and a
// framebuffer -- host memory a display device owns -- can be mapped as RAM at
// kFramebufferBase (the linear framebuffer of Bochs/QEMU's VBE), with a
// record of the 4 KiB pages the guest wrote since the renderer last looked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace pxos {

struct MemoryLayout {
  bool vga_window_mmio = false;    // A0000h-BFFFFh is not RAM: guest accesses go to the MMIO bus
  uint64_t framebuffer_bytes = 0;  // 0: none; else whole 4 KiB pages, up to GuestMemory::kMaxFramebuffer
};

class GuestMemory {
 public:
  static constexpr uint64_t kRomBase = 0xF0000;
  static constexpr uint64_t kRomSize = 0x10000;
  static constexpr uint64_t kRomAlias = 0xFFFF0000;
  static constexpr uint64_t kMinRam = 1u << 20;
  static constexpr uint64_t kMaxRam = 3ull << 30;  // below the PCI hole
  static constexpr uint64_t kVgaWindowBase = 0xA0000;
  static constexpr uint64_t kVgaWindowSize = 0x20000;
  static constexpr uint64_t kFramebufferBase = 0xE0000000;  // in the PCI hole, as Bochs/QEMU's LFB
  static constexpr uint64_t kMaxFramebuffer = 256ull << 20;
  static constexpr uint64_t kPageSize = 4096;

  // Throws std::invalid_argument for sizes out of [kMinRam, kMaxRam] or not
  // a multiple of 4 KiB (RAM and framebuffer), std::runtime_error if the
  // host cannot map it.
  explicit GuestMemory(uint64_t ram_bytes, MemoryLayout layout = {});
  ~GuestMemory();
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  uint64_t ram_size() const { return ram_size_; }
  uint8_t* ram_base() {  // the whole RAM mapping (for engines)
    ++writes_;
    return ram_;
  }
  std::span<uint8_t> rom() {
    ++writes_;
    return {rom_, kRomSize};
  }
  // Sets all of RAM to zero, cheaply when little of it was touched (a reset,
  // a fuzzer's next input).
  void zero_ram();
  // Goes up whenever a writable host pointer is handed out (ram_base, rom,
  // ram_span, hence also write*): while it stays the same, nothing outside
  // the engine can have written guest memory, so decoded code stays valid.
  uint64_t write_generation() const { return writes_; }
  // For an engine whose guest writes RAM behind this class's back (KVM):
  // memory may have changed since the generation was last read.
  void note_guest_writes() { ++writes_; }

  // Host pointer to [addr, addr+len) when it lies wholly in guest RAM that
  // the guest may write (the ROM window at 0xF0000 excluded, and the VGA
  // window when it is a device window); else nullptr.
  uint8_t* ram_span(uint64_t addr, uint64_t len);
  // Whether ram_span(addr, len) would succeed, without handing out a pointer
  // (a device checking a guest's buffer before it uses it).
  bool in_ram(uint64_t addr, uint64_t len) const { return ram_at(addr, len) != nullptr; }
  // As ram_span, but ROM (at either address) is allowed too.
  const uint8_t* readable_span(uint64_t addr, uint64_t len);

  // Byte copies with the same checks; false (and nothing copied) when any
  // byte would fall outside.
  bool read(uint64_t addr, std::span<uint8_t> out);
  bool write(uint64_t addr, std::span<const uint8_t> in);

  // Little-endian scalar helpers. Unmapped reads give all ones, unmapped
  // writes are dropped: the same as the bus does for the guest.
  uint8_t read8(uint64_t addr);
  uint16_t read16(uint64_t addr);
  uint32_t read32(uint64_t addr);
  void write8(uint64_t addr, uint8_t v);
  void write16(uint64_t addr, uint16_t v);
  void write32(uint64_t addr, uint32_t v);

  // ---- display memory (MemoryLayout) ----
  bool vga_window_mmio() const { return layout_.vga_window_mmio; }
  // The window may change while the machine runs (a display device that
  // shows its bank window there only while it is enabled); engines look
  // before each run, as for A20.
  void set_vga_window_mmio(bool on) { layout_.vga_window_mmio = on; }
  // The framebuffer's host memory (empty: none). The display device that owns
  // it reads and writes it directly; the guest sees it at kFramebufferBase.
  // The monitor-side helpers above never reach it.
  std::span<uint8_t> framebuffer() { return {fb_, fb_size_}; }
  uint64_t framebuffer_size() const { return fb_size_; }
  uint64_t framebuffer_pages() const { return fb_size_ / kPageSize; }
  // The framebuffer pages the guest wrote since the last call, one bit per
  // page (bit n of word n / 64), framebuffer_pages() bits; the record starts
  // empty again. Call it on the monitor's thread, between two runs of the
  // vCPU (the software engine drops its fast write paths to these pages
  // before it runs again).
  std::vector<uint64_t> take_framebuffer_dirty();
  // For engines. The software engine marks pages in the record itself
  // (framebuffer_dirty_words) and, when framebuffer_dirty_epoch() moved, drops
  // its fast write paths to the framebuffer, so that the next write to each
  // page is recorded again. An engine whose guest writes behind its back (KVM)
  // adds the pages it logged through the hook, which take_framebuffer_dirty
  // calls first (nullptr: none).
  uint64_t* framebuffer_dirty_words() { return fb_dirty_.data(); }
  void mark_framebuffer_dirty(uint64_t page) {
    if (page < framebuffer_pages()) fb_dirty_[page / 64] |= uint64_t{1} << (page % 64);
  }
  uint64_t framebuffer_dirty_epoch() const { return fb_epoch_; }
  using DirtyLogHook = std::function<void(std::span<uint64_t> words)>;
  void set_dirty_log_hook(DirtyLogHook hook) { dirty_hook_ = std::move(hook); }

  // Real-mode linear address of seg:off (up to 0x10FFEF, with A20 applied).
  uint32_t real_linear(uint16_t seg, uint32_t off) const {
    uint32_t a = (uint32_t{seg} << 4) + off;
    return a20_ ? a : (a & ~(1u << 20));
  }

  // The A20 gate: when off, address bit 20 is forced to 0 (wrap at 1 MiB).
  bool a20() const { return a20_; }
  void set_a20(bool on) { a20_ = on; }

 private:
  uint64_t ram_size_;
  uint8_t* ram_ = nullptr;
  uint8_t* rom_ = nullptr;
  uint64_t writes_ = 0;
  bool a20_ = true;
  MemoryLayout layout_;
  uint8_t* fb_ = nullptr;
  uint64_t fb_size_ = 0;
  std::vector<uint64_t> fb_dirty_;
  uint64_t fb_epoch_ = 0;
  DirtyLogHook dirty_hook_;

  uint8_t* ram_at(uint64_t addr, uint64_t len) const;  // ram_span without counting
};

}  // namespace pxos
