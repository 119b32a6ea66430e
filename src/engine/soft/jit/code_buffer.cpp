#include "engine/soft/jit/code_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace pxos::soft::jit {

CodeBuffer::CodeBuffer(size_t bytes) {
  int fd = memfd_create("pxos-jit", MFD_CLOEXEC);
  if (fd < 0) return;
  if (ftruncate(fd, off_t(bytes)) == 0) {
    void* w = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* x = mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (w != MAP_FAILED && x != MAP_FAILED) {
      write_ = static_cast<uint8_t*>(w);
      exec_ = static_cast<uint8_t*>(x);
      size_ = bytes;
    } else {
      if (w != MAP_FAILED) munmap(w, bytes);
      if (x != MAP_FAILED) munmap(x, bytes);
    }
  }
  close(fd);
}

CodeBuffer::~CodeBuffer() {
  if (write_) munmap(write_, size_);
  if (exec_) munmap(exec_, size_);
}

const uint8_t* CodeBuffer::add(std::span<const uint8_t> code) {
  size_t at = (used_ + 15) & ~size_t{15};
  if (!ok() || at + code.size() > size_) return nullptr;
  std::memcpy(write_ + at, code.data(), code.size());
  used_ = at + code.size();
  return exec_ + at;
}

}  // namespace pxos::soft::jit
