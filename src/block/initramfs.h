// An initramfs for Linux: a "newc" cpio archive (the format the kernel
// unpacks, Documentation/driver-api/early-userspace/buffer-format.rst),
// gzip-compressed. Entries are built in memory; nothing needs root (device
// nodes are only archive entries) and the output is byte-identical for the
// same input (all times 0, owner root).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pxos {

struct InitramfsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Initramfs {
 public:
  void add_dir(const std::string& path, uint32_t mode = 0755);
  void add_file(const std::string& path, std::span<const uint8_t> data, uint32_t mode = 0644);
  void add_symlink(const std::string& path, const std::string& target);
  void add_char_device(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode = 0600);

  // The uncompressed archive, with its trailer.
  std::vector<uint8_t> cpio() const;
  // cpio(), gzip-compressed. Throws InitramfsError.
  std::vector<uint8_t> gzip() const;

 private:
  struct Entry {
    std::string path;
    uint32_t mode;  // file type and permission bits, as st_mode
    std::vector<uint8_t> data;
    uint32_t rdev_major = 0, rdev_minor = 0;
  };
  void add(Entry e);
  std::vector<Entry> entries_;
};

}  // namespace pxos
