// Writes what a guest did to a FAT disk made from a host folder
// (block/fat_folder.h) back to the folder: files it created or changed are
// written whole (to a temporary name, then renamed over), files and empty
// directories it deleted are deleted, a rename is a new file and a deleted
// one. Never outside the folder (host/beneath.h), and never over a host
// file that another program changed since we last looked: that is reported
// as a conflict and left alone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "block/fat_reader.h"

namespace pxos {

// What a host file looked like when we last read or wrote it.
struct HostStamp {
  int64_t mtime_ns = 0;
  uint64_t size = 0;
  uint64_t inode = 0;
  bool operator==(const HostStamp&) const = default;
};

// A file or directory as the folder and the disk last agreed on it.
struct SyncedEntry {
  bool directory = false;
  uint32_t first_cluster = 0;
  uint32_t size = 0;
  ShortName short_name{};
  HostStamp stamp;
};
using SyncedTree = std::map<std::string, SyncedEntry>;  // by path below the folder ('/'-separated)

class FolderWriteBack {
 public:
  using Report = std::function<void(const std::string&)>;
  FolderWriteBack(int root_fd, SyncedTree synced, Report report)
      : root_fd_(root_fd), synced_(std::move(synced)), report_(std::move(report)) {}

  // Brings the folder up to the file system `reader` reads; `dirty` holds
  // the clusters written since the last sync. True when all went back.
  bool sync(FatReader& reader, const std::unordered_set<uint32_t>& dirty);
  // The folder as the last sync left it.
  const SyncedTree& synced() const { return synced_; }

 private:
  struct Found {
    FatEntry entry;
  };
  bool walk(FatReader& reader, uint32_t cluster, const std::string& rel, int depth, std::map<std::string, Found>& out);
  bool changed(FatReader& reader, const std::string& rel, const FatEntry& e, const std::unordered_set<uint32_t>& dirty);
  bool write_file(FatReader& reader, const std::string& rel, const FatEntry& e, SyncedEntry& now);
  bool remove(const std::string& rel, const SyncedEntry& was);
  void conflict(const std::string& rel, const std::string& why);

  int root_fd_;
  SyncedTree synced_;
  std::map<std::pair<std::string, ShortName>, std::string> by_short_name_;  // (folder, short name) -> host name
  std::unordered_set<uint32_t> walked_dirs_;  // the first clusters of the directories read in this sync
  Report report_;
  std::set<std::string> reported_;  // each conflict is said once, though a later sync meets it again
};

// The stamp of an open host file.
HostStamp host_stamp(int fd);

}  // namespace pxos
