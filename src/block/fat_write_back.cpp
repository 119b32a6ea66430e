#include "block/fat_write_back.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "host/beneath.h"

namespace pxos {

namespace {

constexpr int kMaxDepth = 32;
constexpr size_t kMaxEntries = 1 << 20;

HostStamp stamp_of(const struct stat& st) {
  return HostStamp{int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, uint64_t(st.st_size),
                   uint64_t(st.st_ino)};
}

// A descriptor closed when it goes out of scope.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

HostStamp host_stamp(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return {};
  return stamp_of(st);
}

void FolderWriteBack::conflict(const std::string& rel, const std::string& why) {
  std::string line = "pxos: --hdd-dir: " + rel + ": " + why;
  if (reported_.insert(line).second) report_(line);
}

// Every entry below directory `cluster` (0: the root), by host path. A name
// the guest gave without a long name keeps the host name of the file that
// had its short name, so a DOS program that saves by delete and re-create
// does not rename a file. Names that cannot be host names are reported and
// left out.
bool FolderWriteBack::walk(FatReader& reader, uint32_t cluster, const std::string& rel, int depth,
                           std::map<std::string, Found>& out) {
  std::optional<std::vector<FatEntry>> entries = reader.list(cluster);
  if (!entries) {
    conflict(rel.empty() ? "/" : rel, "the guest's directory is damaged; nothing below it was written back");
    return false;
  }
  bool ok = true;
  for (FatEntry& e : *entries) {
    std::string name = e.name;
    if (!e.has_long_name)
      if (auto it = by_short_name_.find({rel, e.short_name}); it != by_short_name_.end()) name = it->second;
    std::string path = rel.empty() ? name : rel + "/" + name;
    if (!fat_long_name(name) || !plain_component(name) || name.rfind(".pxos-", 0) == 0) {
      conflict(path, "not a name a host file can have; not written back");
      ok = false;
      continue;
    }
    if (out.size() >= kMaxEntries || out.count(path)) continue;
    bool dir = e.directory;
    uint32_t first = e.first_cluster;
    out[path] = Found{std::move(e)};
    if (dir) {
      // Each directory is read once: two entries that share its clusters
      // (or a loop back to a parent) are damage, not a larger tree.
      if (depth >= kMaxDepth || first == 0 || !walked_dirs_.insert(first).second) {
        conflict(path, "directory too deep or damaged; not written back");
        ok = false;
        continue;
      }
      ok = walk(reader, first, path, depth + 1, out) && ok;
    }
  }
  return ok;
}

// Whether the guest changed a file since the last sync: a new place or size,
// or a written cluster in its chain.
bool FolderWriteBack::changed(FatReader& reader, const std::string& rel, const FatEntry& e,
                              const std::unordered_set<uint32_t>& dirty) {
  auto it = synced_.find(rel);
  if (it == synced_.end() || it->second.directory || it->second.first_cluster != e.first_cluster ||
      it->second.size != e.size)
    return true;
  if (dirty.empty() || e.size == 0) return false;
  // The clusters that hold its bytes (a chain that ends early or loops is
  // cut at the file's length).
  const uint64_t clusters =
      (uint64_t{e.size} + reader.geometry().cluster_bytes() - 1) / reader.geometry().cluster_bytes();
  uint32_t c = e.first_cluster;
  for (uint64_t n = 0; n < clusters; ++n) {
    if (dirty.count(c)) return true;
    std::optional<uint32_t> v = reader.next(c);
    if (!v || reader.is_end(*v)) return false;
    c = *v;
  }
  return false;
}

bool FolderWriteBack::write_file(FatReader& reader, const std::string& rel, const FatEntry& e, SyncedEntry& now) {
  auto [parent, name] = split_parent(rel);
  Fd dir(open_dir_beneath(root_fd_, parent));
  if (dir.fd < 0) return conflict(rel, std::string("cannot open its folder: ") + std::strerror(errno)), false;
  auto was = synced_.find(rel);
  struct stat st {};
  if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISREG(st.st_mode) || was == synced_.end() || was->second.directory || stamp_of(st) != was->second.stamp) {
      conflict(rel, "changed on the host since pxOS last read it; the guest's version was not written back");
      return false;
    }
  } else if (was != synced_.end()) {
    conflict(rel, "deleted on the host while the guest changed it; not written back");
    return false;
  }
  std::string tmp;
  int fd = -1;
  for (int n = 0; fd < 0 && n < 100; ++n) {
    tmp = ".pxos-" + std::to_string(::getpid()) + "-" + std::to_string(n);
    fd = ::openat(dir.fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  }
  if (fd < 0) return conflict(rel, std::string("cannot create a file: ") + std::strerror(errno)), false;
  Fd out(fd);
  bool ok = reader.read_file(e, [&](std::span<const uint8_t> bytes) {
    for (size_t at = 0; at < bytes.size();) {
      ssize_t n = ::write(out.fd, bytes.data() + at, bytes.size() - at);
      if (n <= 0) return false;
      at += size_t(n);
    }
    return true;
  });
  if (!ok || ::fsync(out.fd) != 0 || ::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0) {
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    return conflict(rel, "could not be written back (a damaged chain on the guest's disk or a host error)"), false;
  }
  now.stamp = host_stamp(out.fd);
  return true;
}

bool FolderWriteBack::remove(const std::string& rel, const SyncedEntry& was) {
  auto [parent, name] = split_parent(rel);
  Fd dir(open_dir_beneath(root_fd_, parent));
  if (dir.fd < 0) return errno == ENOENT;  // its folder is gone already
  struct stat st {};
  if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return true;  // gone already
  if (was.directory) {
    if (!S_ISDIR(st.st_mode) || ::unlinkat(dir.fd, name.c_str(), AT_REMOVEDIR) != 0) {
      conflict(rel, "the guest deleted this folder, but it is not empty on the host; kept");
      return false;
    }
    return true;
  }
  if (!S_ISREG(st.st_mode) || stamp_of(st) != was.stamp) {
    conflict(rel, "changed on the host since pxOS last read it; the guest deleted it, but it was kept");
    return false;
  }
  return ::unlinkat(dir.fd, name.c_str(), 0) == 0;
}

bool FolderWriteBack::sync(FatReader& reader, const std::unordered_set<uint32_t>& dirty) {
  by_short_name_.clear();
  for (const auto& [path, s] : synced_) {
    auto [parent, name] = split_parent(path);
    by_short_name_[{parent, s.short_name}] = name;
  }
  walked_dirs_.clear();
  if (reader.geometry().type == FatType::Fat32) walked_dirs_.insert(reader.geometry().root_cluster);
  std::map<std::string, Found> found;
  const bool walked = walk(reader, 0, "", 0, found);
  bool ok = walked;
  SyncedTree next;
  // New and changed entries, parents before children (the map's order).
  for (auto& [rel, f] : found) {
    const FatEntry& e = f.entry;
    SyncedEntry now{e.directory, e.first_cluster, e.size, e.short_name, {}};
    auto was = synced_.find(rel);
    if (e.directory) {
      if (was == synced_.end() || !was->second.directory) {
        auto [parent, name] = split_parent(rel);
        Fd dir(open_dir_beneath(root_fd_, parent));
        if (dir.fd < 0 || (::mkdirat(dir.fd, name.c_str(), 0755) != 0 && errno != EEXIST)) {
          conflict(rel, std::string("cannot create the folder: ") + std::strerror(errno));
          ok = false;
          continue;
        }
      }
      next[rel] = now;
    } else if (changed(reader, rel, e, dirty)) {
      if (write_file(reader, rel, e, now))
        next[rel] = now;
      else if (was != synced_.end())
        next[rel] = was->second, ok = false;
      else
        ok = false;
    } else {
      now.stamp = was->second.stamp;
      next[rel] = now;
    }
  }
  // Deleted entries, children before parents; none when part of the
  // guest's tree could not be read (what is missing may be only unreadable).
  for (auto it = synced_.rbegin(); it != synced_.rend(); ++it) {
    if (found.count(it->first)) continue;
    if (!walked) {
      next[it->first] = it->second;
      continue;
    }
    if (!remove(it->first, it->second)) {
      next[it->first] = it->second;
      ok = false;
    }
  }
  synced_ = std::move(next);
  return ok;
}

}  // namespace pxos
