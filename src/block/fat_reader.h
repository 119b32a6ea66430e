// Reads a FAT file system of a known geometry (block/fat_layout.h) back
// through a sector reader: the cluster chains, the directories with their
// long names, and file contents. It reads what a guest wrote, so every
// cluster number, chain and name is checked and a damaged structure reads
// as an error, never out of bounds or forever.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "block/fat_layout.h"

namespace pxos {

struct FatEntry {
  std::string name;  // the long name (UTF-8), else the short name as NAME.EXT
  ShortName short_name{};
  bool has_long_name = false;
  bool directory = false;
  uint32_t first_cluster = 0;
  uint32_t size = 0;
};

class FatReader {
 public:
  using ReadSector = std::function<bool(uint64_t lba, std::span<uint8_t> out)>;
  FatReader(const FatGeometry& geometry, ReadSector read) : g_(geometry), read_(std::move(read)) {}

  // The FAT entry of `cluster` (first FAT), or nullopt on a read error or
  // a cluster number outside the disk.
  std::optional<uint32_t> next(uint32_t cluster);
  bool is_end(uint32_t value) const;
  const FatGeometry& geometry() const { return g_; }
  // The clusters of the chain from `first`, at most `max` of them; nullopt
  // when it leaves the disk, meets a free or bad cluster, or is longer.
  std::optional<std::vector<uint32_t>> chain(uint32_t first, uint32_t max);
  // The entries of a directory (first_cluster 0: the root), without ".",
  // "..", volume labels and deleted entries; nullopt when unreadable.
  std::optional<std::vector<FatEntry>> list(uint32_t first_cluster);
  // A file's bytes, given to `sink` a cluster at a time (the last one cut
  // to the size); false when its chain is damaged or a read failed.
  bool read_file(const FatEntry& e, const std::function<bool(std::span<const uint8_t>)>& sink);

 private:
  bool read_cluster(uint32_t cluster, std::vector<uint8_t>& out);
  FatGeometry g_;
  ReadSector read_;
};

}  // namespace pxos
