// Guest physical memory: RAM from address 0, and the 64 KiB BIOS ROM mapped at
// 0xF0000 and again at 0xFFFF0000 (where the CPU fetches its first
// instruction after RESET). Every access the monitor makes on the guest's
// behalf goes through the bounds-checked helpers here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace pxos {

class GuestMemory {
 public:
  static constexpr uint64_t kRomBase = 0xF0000;
  static constexpr uint64_t kRomSize = 0x10000;
  static constexpr uint64_t kRomAlias = 0xFFFF0000;
  static constexpr uint64_t kMinRam = 1u << 20;
  static constexpr uint64_t kMaxRam = 3ull << 30;  // below the PCI hole

  // Throws std::invalid_argument for sizes out of [kMinRam, kMaxRam] or not
  // a multiple of 4 KiB, std::runtime_error if the host cannot map it.
  explicit GuestMemory(uint64_t ram_bytes);
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
  // the guest may write (the ROM window at 0xF0000 excluded); else nullptr.
  uint8_t* ram_span(uint64_t addr, uint64_t len);
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

  uint8_t* ram_at(uint64_t addr, uint64_t len) const;  // ram_span without counting
};

}  // namespace pxos
