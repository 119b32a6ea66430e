// Helpers shared by the libFuzzer targets (src/fuzz/fuzz_*.cpp): a cursor
// that turns the fuzzer's bytes into values, yielding zeros once they run out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pxos::fuzz {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  size_t left() const { return pos_ < size_ ? size_ - pos_ : 0; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return uint16_t(u8() | u8() << 8); }
  uint32_t u32() { return uint32_t(u16()) | uint32_t(u16()) << 16; }
  // The next n bytes (fewer when the input ends).
  std::span<const uint8_t> bytes(size_t n) {
    if (n > left()) n = left();
    std::span<const uint8_t> s(data_ + pos_, n);
    pos_ += n;
    return s;
  }
  std::span<const uint8_t> rest() { return bytes(left()); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace pxos::fuzz
