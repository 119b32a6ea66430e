// Memory for translated code, mapped twice (W^X): the translator writes through
// a read-write view and the CPU runs the same pages through a read-execute view,
// so no page is ever writable and executable at once. A bump allocator: code is
// never freed one piece at a time; when the buffer is full the owner drops every
// translation and calls reset().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pxos::soft::jit {

class CodeBuffer {
 public:
  explicit CodeBuffer(size_t bytes);
  ~CodeBuffer();
  CodeBuffer(const CodeBuffer&) = delete;
  CodeBuffer& operator=(const CodeBuffer&) = delete;

  // False when the host refused the mapping (the engine then interprets).
  bool ok() const { return exec_ != nullptr; }
  // Copies `code` in and returns its executable address, or nullptr when full.
  const uint8_t* add(std::span<const uint8_t> code);
  void reset() { used_ = 0; }
  size_t used() const { return used_; }
  size_t capacity() const { return size_; }

 private:
  uint8_t* write_ = nullptr;
  uint8_t* exec_ = nullptr;
  size_t size_ = 0;
  size_t used_ = 0;
};

}  // namespace pxos::soft::jit
