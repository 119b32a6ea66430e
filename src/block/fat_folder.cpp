#include "block/fat_folder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "block/disk_image.h"
#include "host/beneath.h"

namespace pxos {

namespace {

constexpr int kMaxDepth = 32;

struct Scan {
  int root_fd;
  std::string root_real;  // the folder's real path, for symbolic links
  std::vector<std::string> files;
  std::vector<HostStamp> stamps;
  std::vector<std::string> notes;
};

HostStamp stamp_of(const struct stat& st) {
  return HostStamp{int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, uint64_t(st.st_size),
                   uint64_t(st.st_ino)};
}

// A symbolic link is followed only to a regular file inside the folder:
// the path of that file below the folder, or "".
std::string link_target(const Scan& s, const std::string& rel) {
  char buf[PATH_MAX];
  std::string full = s.root_real + "/" + rel;
  if (!::realpath(full.c_str(), buf)) return "";
  std::string target = buf;
  if (target.compare(0, s.root_real.size() + 1, s.root_real + "/") != 0) return "";
  struct stat st {};
  if (::stat(buf, &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return target.substr(s.root_real.size() + 1);
}

void add_file(Scan& s, FatNode& node, const std::string& name, const std::string& path, const struct stat& st) {
  FatNode f;
  f.name = name;
  f.size = uint64_t(st.st_size);
  f.mtime = st.st_mtim.tv_sec;
  f.file_id = uint32_t(s.files.size());
  s.files.push_back(path);
  s.stamps.push_back(stamp_of(st));
  node.children.push_back(std::move(f));
}

void scan_dir(Scan& s, int dfd, const std::string& rel, FatNode& node, int depth) {
  DIR* d = ::fdopendir(::dup(dfd));
  if (!d) {
    s.notes.push_back((rel.empty() ? "." : rel) + ": left out: " + std::strerror(errno));
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (plain_component(e->d_name)) names.push_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    if (S_ISREG(st.st_mode)) {
      add_file(s, node, name, path, st);
    } else if (S_ISDIR(st.st_mode)) {
      if (depth >= kMaxDepth) {
        s.notes.push_back(path + ": left out: more than " + std::to_string(kMaxDepth) + " folders deep");
        continue;
      }
      int sub = ::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) {
        s.notes.push_back(path + ": left out: " + std::strerror(errno));
        continue;
      }
      FatNode dir;
      dir.name = name;
      dir.directory = true;
      dir.mtime = st.st_mtim.tv_sec;
      scan_dir(s, sub, path, dir, depth + 1);
      ::close(sub);
      node.children.push_back(std::move(dir));
    } else if (S_ISLNK(st.st_mode)) {
      std::string target = link_target(s, path);
      struct stat tst {};
      if (target.empty() || ::fstatat(s.root_fd, target.c_str(), &tst, 0) != 0) {
        s.notes.push_back(path + ": left out: a symbolic link to something other than a file inside the folder");
        continue;
      }
      add_file(s, node, name, target, tst);
    } else {
      s.notes.push_back(path + ": left out: not a regular file or folder");
    }
  }
}

}  // namespace

std::unique_ptr<FolderDisk> FolderDisk::open(const std::string& dir, bool writable, Report report,
                                             const FatOptions& options) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw DiskError(dir + ": " + (errno == ENOTDIR ? std::string("not a folder") : std::strerror(errno)));
  std::unique_ptr<FolderDisk> disk(new FolderDisk());
  disk->root_fd_ = fd;
  disk->report_ = std::move(report);
  char real[PATH_MAX];
  Scan s{fd, ::realpath(dir.c_str(), real) ? std::string(real) : dir, {}, {}, {}};
  FatNode root;
  root.directory = true;
  struct stat st {};
  if (::fstat(fd, &st) == 0) root.mtime = st.st_mtim.tv_sec;
  scan_dir(s, fd, "", root, 0);
  try {
    disk->layout_ = FatLayout::build(root, options);
  } catch (const DiskError& e) {
    throw DiskError(dir + ": " + e.what());
  }
  std::vector<std::string> notes = s.notes;
  notes.insert(notes.end(), disk->layout_.notes().begin(), disk->layout_.notes().end());
  for (size_t i = 0; i < notes.size() && i < 10; ++i) disk->report_("pxos: --hdd-dir: " + notes[i]);
  if (notes.size() > 10) disk->report_("pxos: --hdd-dir: and " + std::to_string(notes.size() - 10) + " more left out");
  disk->files_ = std::move(s.files);
  disk->stamps_ = std::move(s.stamps);
  disk->gone_reported_.assign(disk->files_.size(), false);
  if (writable) {
    SyncedTree synced;
    for (const FatPlaced& p : disk->layout_.placed()) {
      if (p.path.empty()) continue;
      SyncedEntry e{p.directory, p.first_cluster, uint32_t(p.size), p.short_name, {}};
      // A file read through a symbolic link is the link's target: it is
      // never written back (a new stamp makes any change a conflict).
      if (!p.directory) e.stamp = disk->files_[p.file_id] == p.path ? disk->stamps_[p.file_id] : HostStamp{-1, 0, 0};
      synced[p.path] = e;
    }
    disk->write_back_ = std::make_unique<FolderWriteBack>(fd, std::move(synced), disk->report_);
  }
  return disk;
}

FolderDisk::~FolderDisk() {
  if (open_fd_ >= 0) ::close(open_fd_);
  if (root_fd_ >= 0) ::close(root_fd_);
}

// Opens file `file_id` (kept open until another is read) and checks that it
// is still the file the layout was made from: a host file deleted, replaced
// or changed in size by another program reads as zeros, said once.
bool FolderDisk::host_file_as_scanned(uint32_t file_id) {
  if (open_fd_ >= 0 && open_id_ == file_id) return true;
  if (open_fd_ >= 0) ::close(open_fd_);
  open_id_ = file_id;
  open_fd_ = open_beneath(root_fd_, files_[file_id], O_RDONLY);
  const HostStamp& want = stamps_[file_id];
  const bool gone = want.inode == 0;  // deleted by a write-back: nothing to say
  HostStamp now = open_fd_ >= 0 ? host_stamp(open_fd_) : HostStamp{};
  if (open_fd_ >= 0 && !gone && now.inode == want.inode && now.size == want.size) return true;
  if (open_fd_ >= 0) ::close(open_fd_);
  open_fd_ = -1;
  if (!gone && !gone_reported_[file_id]) {
    gone_reported_[file_id] = true;
    report_("pxos: --hdd-dir: " + files_[file_id] + ": " + (now.inode == 0 ? "deleted" : "replaced or resized") +
            " on the host while the guest runs; the guest reads zeros for it");
  }
  return false;
}

// A file's bytes: zeros past its end, and for a file that is gone (see
// host_file_as_scanned).
bool FolderDisk::read_file(uint32_t file_id, uint64_t offset, std::span<uint8_t> out) {
  std::fill(out.begin(), out.end(), 0);
  if (file_id >= files_.size()) return false;
  if (!host_file_as_scanned(file_id)) return true;
  for (size_t at = 0; at < out.size();) {
    ssize_t n = ::pread(open_fd_, out.data() + at, out.size() - at, off_t(offset + at));
    if (n < 0) return false;
    if (n == 0) break;
    at += size_t(n);
  }
  return true;
}

bool FolderDisk::read(uint64_t lba, std::span<uint8_t> out) {
  if (lba >= sector_count()) return false;
  return layout_.read_sector(
      lba, out, [this](uint32_t id, uint64_t offset, std::span<uint8_t> o) { return read_file(id, offset, o); });
}

bool FolderDisk::flush(const Overlay& overlay, const std::unordered_set<uint64_t>& dirty) {
  if (!write_back_) return true;
  const FatGeometry& g = layout_.geometry();
  std::unordered_set<uint32_t> dirty_clusters;
  const uint64_t data = FatGeometry::kPartitionStart + g.first_data_sector();
  for (uint64_t lba : dirty)
    if (lba >= data && lba < FatGeometry::kPartitionStart + g.partition_sectors)
      dirty_clusters.insert(uint32_t(2 + (lba - data) / g.sectors_per_cluster));
  FatReader reader(g, [&](uint64_t lba, std::span<uint8_t> out) {
    if (auto it = overlay.find(lba); it != overlay.end()) {
      std::memcpy(out.data(), it->second.data(), 512);
      return true;
    }
    return lba < sector_count() && read(lba, out);
  });
  // The file kept open may be replaced or deleted by the write-back.
  if (open_fd_ >= 0) ::close(open_fd_);
  open_fd_ = -1;
  bool ok = write_back_->sync(reader, dirty_clusters);
  after_sync();
  return ok;
}

// The host files the write-back replaced are the guest's versions now, and
// those it deleted are gone: neither is another program's doing.
void FolderDisk::after_sync() {
  const SyncedTree& synced = write_back_->synced();
  for (uint32_t id = 0; id < files_.size(); ++id) {
    auto it = synced.find(files_[id]);
    if (it == synced.end()) {
      int fd = open_beneath(root_fd_, files_[id], O_RDONLY);
      if (fd < 0) stamps_[id] = HostStamp{};  // deleted (by the guest)
      if (fd >= 0) ::close(fd);
    } else if (!it->second.directory && it->second.stamp.inode != 0) {
      stamps_[id] = it->second.stamp;
    }
  }
}

}  // namespace pxos
