// The layout of a FAT hard disk made from a tree of names and sizes (a host
// folder, block/fat_folder.h): an MBR with one partition, FAT16 or FAT32 by
// size, every file and directory in one run of clusters, short names and
// VFAT long names (block/fat_names.h). Nothing but the directories is held:
// each sector is made when it is read, file data through a callback, so a
// large folder costs nothing until the guest reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "block/fat_names.h"

namespace pxos {

// A file or directory to lay out. The root is a directory with an empty name.
struct FatNode {
  std::string name;  // UTF-8, as the host names it
  bool directory = false;
  uint64_t size = 0;     // bytes, for a file
  int64_t mtime = 0;     // seconds since 1970
  uint32_t file_id = 0;  // the caller's handle for the file's contents
  std::vector<FatNode> children;
};

enum class FatType { Fat16, Fat32 };

struct FatOptions {
  std::optional<FatType> type;            // nullopt: by size (FAT16 up to 512 MiB)
  uint64_t min_free_bytes = 64ull << 20;  // free space for the guest, at least this and a quarter of the contents
};

struct FatGeometry {
  static constexpr uint32_t kPartitionStart = 63;  // one track, as DOS's FDISK placed it
  FatType type = FatType::Fat16;
  uint32_t partition_sectors = 0;
  uint32_t reserved_sectors = 0;
  uint32_t fat_sectors = 0;   // per copy (two copies)
  uint32_t root_entries = 0;  // FAT16's fixed root directory
  uint32_t sectors_per_cluster = 0;
  uint32_t clusters = 0;      // numbered from 2
  uint32_t root_cluster = 0;  // FAT32
  uint64_t disk_sectors = 0;
  uint32_t root_dir_sectors() const { return root_entries * 32 / 512; }
  uint32_t first_data_sector() const { return reserved_sectors + 2 * fat_sectors + root_dir_sectors(); }
  uint32_t cluster_bytes() const { return sectors_per_cluster * 512; }
  uint64_t cluster_lba(uint32_t cluster) const {
    return kPartitionStart + first_data_sector() + uint64_t{cluster - 2} * sectors_per_cluster;
  }
};

// A file or directory as laid out; index 0 is the root.
struct FatPlaced {
  std::string path;  // below the root, '/'-separated UTF-8 host names ("" for the root)
  bool directory = false;
  uint64_t size = 0;
  int64_t mtime = 0;
  uint32_t file_id = 0;
  uint32_t first_cluster = 0;  // 0 for an empty file (and FAT16's root)
  uint32_t clusters = 0;
  uint32_t parent = 0;
  ShortName short_name{};
};

// build() throws DiskError for a tree no FAT disk can hold.
class FatLayout {
 public:
  // Fills `out` (whole, 512 bytes or fewer) with the file's bytes at
  // `offset`; false on a host I/O error.
  using FileReader = std::function<bool(uint32_t file_id, uint64_t offset, std::span<uint8_t> out)>;

  static FatLayout build(const FatNode& root, const FatOptions& options = {});

  const FatGeometry& geometry() const { return geometry_; }
  uint64_t sector_count() const { return geometry_.disk_sectors; }
  const std::vector<FatPlaced>& placed() const { return placed_; }
  // Names that were left out, and why (one line each).
  const std::vector<std::string>& notes() const { return notes_; }
  // The KERNEL.SYS the boot sector loads: its first LBA and its sectors
  // (0 when the root holds none, or one too large to load below 27000h).
  uint64_t kernel_lba() const { return kernel_lba_; }
  uint32_t kernel_sectors() const { return kernel_sectors_; }

  // One 512-byte sector of the disk; lba < sector_count().
  bool read_sector(uint64_t lba, std::span<uint8_t> out, const FileReader& read_file) const;

 private:
  struct Extent {
    uint32_t first, count, placed;
  };
  void place(const FatNode& node, uint32_t parent, const std::string& path);
  uint32_t entry_count(uint32_t dir) const;
  void plan(const FatOptions& options);
  void allocate();
  void make_directories();
  std::vector<uint8_t> directory_bytes(uint32_t dir) const;
  void boot_sector(std::span<uint8_t> out) const;
  void mbr(std::span<uint8_t> out) const;
  void fsinfo(std::span<uint8_t> out) const;
  void fat_sector(uint32_t index, std::span<uint8_t> out) const;
  const Extent* extent_of(uint32_t cluster) const;

  FatGeometry geometry_;
  std::vector<FatPlaced> placed_;
  std::vector<std::vector<uint32_t>> children_;  // per placed directory: its entries, in order
  std::vector<std::u16string> long_names_;       // per placed entry: its long name, if it needs one
  std::vector<std::vector<uint8_t>> dir_bytes_;  // per placed directory (empty for files)
  std::vector<Extent> extents_;                  // by first cluster
  std::vector<std::string> notes_;
  uint32_t used_clusters_ = 0;
  uint32_t first_free_ = 2;  // the clusters from here on are free
  uint64_t kernel_lba_ = 0;
  uint32_t kernel_sectors_ = 0;
};

}  // namespace pxos
