#include "block/initramfs.h"

#include <zlib.h>

#include <cstdio>

namespace pxos {

namespace {
constexpr uint32_t kDir = 0040000, kReg = 0100000, kLink = 0120000, kChr = 0020000;

void append_entry(std::vector<uint8_t>& out, uint32_t ino, const std::string& name, uint32_t mode,
                  std::span<const uint8_t> data, uint32_t rmaj, uint32_t rmin) {
  char header[111];
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize, check
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u, 0u,
                (mode & kDir) == kDir ? 2u : 1u, 0u, uint32_t(data.size()), 0u, 0u, rmaj, rmin,
                uint32_t(name.size() + 1), 0u);
  out.insert(out.end(), header, header + 110);
  out.insert(out.end(), name.begin(), name.end());
  out.push_back(0);
  while (out.size() % 4) out.push_back(0);
  out.insert(out.end(), data.begin(), data.end());
  while (out.size() % 4) out.push_back(0);
}
}  // namespace

void Initramfs::add(Entry e) {
  while (!e.path.empty() && e.path.front() == '/') e.path.erase(0, 1);
  if (e.path.empty() || e.path.find("..") != std::string::npos)
    throw InitramfsError("initramfs: bad path '" + e.path + "'");
  entries_.push_back(std::move(e));
}

void Initramfs::add_dir(const std::string& path, uint32_t mode) { add({path, kDir | (mode & 07777), {}}); }

void Initramfs::add_file(const std::string& path, std::span<const uint8_t> data, uint32_t mode) {
  add({path, kReg | (mode & 07777), {data.begin(), data.end()}});
}

void Initramfs::add_symlink(const std::string& path, const std::string& target) {
  add({path, kLink | 0777, {target.begin(), target.end()}});
}

void Initramfs::add_char_device(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode) {
  add({path, kChr | (mode & 07777), {}, major, minor});
}

std::vector<uint8_t> Initramfs::cpio() const {
  std::vector<uint8_t> out;
  uint32_t ino = 1;
  for (const Entry& e : entries_) append_entry(out, ino++, e.path, e.mode, e.data, e.rdev_major, e.rdev_minor);
  append_entry(out, 0, "TRAILER!!!", 0, {}, 0, 0);
  while (out.size() % 512) out.push_back(0);
  return out;
}

std::vector<uint8_t> Initramfs::gzip() const {
  std::vector<uint8_t> in = cpio();
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw InitramfsError("initramfs: zlib cannot start");
  std::vector<uint8_t> out(deflateBound(&z, uLong(in.size())) + 64);
  z.next_in = in.data();
  z.avail_in = uInt(in.size());
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t n = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw InitramfsError("initramfs: gzip failed");
  out.resize(n);
  return out;
}

}  // namespace pxos
