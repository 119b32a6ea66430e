#include "block/disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace pxos {

namespace {
constexpr FloppyFormat kFloppyFormats[] = {
    {163840, {40, 1, 8}, 1}, {184320, {40, 1, 9}, 1},   {327680, {40, 2, 8}, 1},   {368640, {40, 2, 9}, 1},
    {737280, {80, 2, 9}, 3}, {1228800, {80, 2, 15}, 2}, {1474560, {80, 2, 18}, 4}, {2949120, {80, 2, 36}, 5},
};
constexpr uint64_t k144 = 1474560;
}  // namespace

std::optional<FloppyFormat> floppy_format_for_size(uint64_t bytes) {
  for (const FloppyFormat& f : kFloppyFormats)
    if (f.bytes == bytes) return f;
  return std::nullopt;
}

Geometry hard_disk_geometry(uint64_t sectors) {
  Geometry g{0, 16, 63};
  g.cylinders = uint32_t(std::min<uint64_t>(sectors / (16 * 63), 1024));
  if (g.cylinders == 0) g.cylinders = 1;
  return g;
}

DiskImage DiskImage::open(const std::string& path, Kind kind, bool writable) {
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0 && errno == EISDIR) throw DiskError(path + ": is a directory");
  if (fd < 0) throw DiskError(path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw DiskError(S_ISDIR(st.st_mode) ? path + ": is a directory" : path + ": not a regular file");
  }
  if (writable) {
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;  // l_start 0, l_len 0: the whole file
    if (fcntl(fd, F_OFD_SETLK, &lock) < 0) {
      int err = errno;
      ::close(fd);
      if (err == EAGAIN || err == EACCES)
        throw DiskError(path + ": another process is writing this image (it holds its lock)");
      throw DiskError(path + ": cannot lock the image: " + std::strerror(err));
    }
  }
  DiskImage d;
  d.fd_ = fd;
  d.kind_ = kind;
  d.writable_ = writable;
  uint64_t size = uint64_t(st.st_size);
  if (kind == Kind::Floppy) {
    auto f = floppy_format_for_size(size);
    if (!f)
      throw DiskError(path + ": " + std::to_string(size) +
                      " bytes is not a floppy size (160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 2.88M); use --hda "
                      "for a hard disk image");
    d.geometry_ = f->geometry;
    d.floppy_type_ = f->cmos_type;
  } else {
    if (size == 0 || size % kSectorSize != 0)
      throw DiskError(path + ": a hard disk image must be a non-empty whole number of 512-byte sectors");
    d.geometry_ = hard_disk_geometry(size / kSectorSize);
  }
  d.sectors_ = size / kSectorSize;
  return d;
}

DiskImage DiskImage::from_bytes(std::vector<uint8_t> bytes, Kind kind) {
  DiskImage d;
  d.kind_ = kind;
  // A short image reads as if padded with zeros; the padding is not stored.
  uint64_t size = bytes.size();
  if (kind == Kind::Floppy) {
    if (size < k144) size = k144;
    auto f = floppy_format_for_size(size);
    if (!f) throw DiskError("in-memory floppy of " + std::to_string(size) + " bytes has no floppy size");
    d.geometry_ = f->geometry;
    d.floppy_type_ = f->cmos_type;
  } else {
    size = std::max<uint64_t>((size + kSectorSize - 1) / kSectorSize * kSectorSize, kSectorSize);
    d.geometry_ = hard_disk_geometry(size / kSectorSize);
  }
  d.sectors_ = size / kSectorSize;
  d.memory_ = std::move(bytes);
  d.writable_ = true;  // the bytes are the monitor's own copy
  return d;
}

DiskImage DiskImage::from_source(std::unique_ptr<SectorSource> source, bool writable) {
  DiskImage d;
  d.kind_ = Kind::HardDisk;
  d.sectors_ = source->sector_count();
  d.geometry_ = hard_disk_geometry(d.sectors_);
  d.writable_ = writable;
  d.source_ = std::move(source);
  return d;
}

DiskImage::DiskImage(DiskImage&& o) noexcept { *this = std::move(o); }

DiskImage& DiskImage::operator=(DiskImage&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    kind_ = o.kind_;
    fd_ = std::exchange(o.fd_, -1);
    writable_ = o.writable_;
    memory_ = std::move(o.memory_);
    sectors_ = o.sectors_;
    geometry_ = o.geometry_;
    floppy_type_ = o.floppy_type_;
    overlay_ = std::move(o.overlay_);
    source_ = std::move(o.source_);
    dirty_ = std::move(o.dirty_);
    unflushed_ = o.unflushed_;
    writes_ = o.writes_;
  }
  return *this;
}

bool DiskImage::flush() {
  if (source_) {
    if (!writable_ || dirty_.empty()) return true;
    unflushed_ = false;
    bool ok = source_->flush(overlay_, dirty_);
    if (ok) dirty_.clear();  // else kept: what failed was reported, and is tried again next time
    return ok;
  }
  if (fd_ < 0 || !writable_) return true;
  return ::fsync(fd_) == 0;
}

DiskImage::~DiskImage() {
  if (fd_ >= 0) ::close(fd_);
}

bool DiskImage::read(uint64_t lba, uint32_t count, std::span<uint8_t> buf) {
  if (lba > sectors_ || count > sectors_ - lba || buf.size() < uint64_t{count} * kSectorSize) return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t* dst = buf.data() + size_t{i} * kSectorSize;
    uint64_t s = lba + i;
    if (auto it = overlay_.find(s); it != overlay_.end()) {
      if (it->second.empty())
        std::memset(dst, 0, kSectorSize);
      else
        std::memcpy(dst, it->second.data(), kSectorSize);
    } else if (source_) {
      if (!source_->read(s, std::span<uint8_t>(dst, kSectorSize))) return false;
    } else if (fd_ < 0) {
      uint64_t off = s * kSectorSize,
               have = off < memory_.size() ? std::min<uint64_t>(memory_.size() - off, kSectorSize) : 0;
      if (have) std::memcpy(dst, memory_.data() + off, have);
      std::memset(dst + have, 0, kSectorSize - have);  // past the stored bytes: the zero padding
    } else if (pread(fd_, dst, kSectorSize, off_t(s * kSectorSize)) != kSectorSize) {
      return false;
    }
  }
  return true;
}

bool DiskImage::write(uint64_t lba, uint32_t count, std::span<const uint8_t> buf) {
  if (lba > sectors_ || count > sectors_ - lba || buf.size() < uint64_t{count} * kSectorSize) return false;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* src = buf.data() + size_t{i} * kSectorSize;
    uint64_t s = lba + i;
    if (source_) {
      overlay_[s].assign(src, src + kSectorSize);
      dirty_.insert(s);
      unflushed_ = true;
      ++writes_;
    } else if (writable_ && fd_ >= 0) {
      if (pwrite(fd_, src, kSectorSize, off_t(s * kSectorSize)) != kSectorSize) return false;
    } else {
      overlay_[s].assign(src, src + kSectorSize);
    }
  }
  return true;
}

bool DiskImage::write_zeroes(uint64_t lba, uint64_t count) {
  if (lba > sectors_ || count > sectors_ - lba) return false;
  if (source_) {  // the source writes back whole sectors
    static const std::vector<uint8_t> zeros(kSectorSize, 0);
    for (uint64_t i = 0; i < count; ++i) {
      overlay_[lba + i] = zeros;
      dirty_.insert(lba + i);
    }
    unflushed_ = unflushed_ || count;
    writes_ += count;
    return true;
  }
  if (writable_ && fd_ >= 0) {
    off_t off = off_t(lba * kSectorSize), len = off_t(count * kSectorSize);
    if (count == 0 || fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) == 0) return true;
    static const std::vector<uint8_t> zeros(64 * 1024, 0);  // no holes here: write them
    for (off_t done = 0; done < len;) {
      size_t n = size_t(std::min<off_t>(len - done, off_t(zeros.size())));
      if (pwrite(fd_, zeros.data(), n, off + done) != ssize_t(n)) return false;
      done += off_t(n);
    }
    return true;
  }
  for (uint64_t i = 0; i < count; ++i) overlay_[lba + i].clear();
  return true;
}

}  // namespace pxos
