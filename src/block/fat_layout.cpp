#include "block/fat_layout.h"

#include <algorithm>
#include <cstring>
#include <ctime>

#include "block/disk_image.h"

namespace pxos {

namespace {

constexpr uint8_t kMbrCode[] = {
#include "block/mbr.inc"
};
constexpr uint8_t kBootCode[] = {
#include "block/fat_boot.inc"
};
static_assert(sizeof(kMbrCode) == 512 && sizeof(kBootCode) == 512);

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint32_t kFat16MaxClusters = 65524, kFat16MinClusters = 4085 + 16;
constexpr uint32_t kFat32MinClusters = 65525 + 16, kFat32MaxClusters = 0x0FFFFFF5 - 2;
constexpr uint64_t kMaxDiskSectors = 0xFFFFFFFFull;  // what an MBR partition can address
constexpr uint32_t kFat16RootEntries = 512;
constexpr uint32_t kMaxDirEntries = 65536;             // a FAT directory is at most 2 MiB
constexpr uint32_t kKernelMaxBytes = 0x27000 - 0x600;  // below the boot sector's new home

void put16(std::span<uint8_t> b, size_t at, uint32_t v) {
  b[at] = uint8_t(v);
  b[at + 1] = uint8_t(v >> 8);
}
void put32(std::span<uint8_t> b, size_t at, uint32_t v) {
  put16(b, at, v & 0xFFFF);
  put16(b, at + 2, v >> 16);
}

// A time as a FAT entry holds it: the date (from 1980) and the time (2 s steps).
std::pair<uint16_t, uint16_t> dos_date_time(int64_t seconds) {
  std::time_t t = std::time_t(seconds);
  std::tm tm{};
  if (!localtime_r(&t, &tm) || tm.tm_year < 80) return {(0 << 9) | (1 << 5) | 1, 0};
  if (tm.tm_year > 207) return {uint16_t(127 << 9 | 12 << 5 | 31), uint16_t(23 << 11 | 59 << 5 | 29)};
  return {uint16_t((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday),
          uint16_t(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2)};
}

// The CHS triple of an MBR entry for `lba` on a 16-head, 63-sector disk
// (1023/15/63 past the reach of CHS).
void put_chs(std::span<uint8_t> b, size_t at, uint64_t lba) {
  uint32_t c = uint32_t(lba / (16 * 63)), h = uint32_t(lba / 63 % 16), s = uint32_t(lba % 63 + 1);
  if (c > 1023) c = 1023, h = 15, s = 63;
  b[at] = uint8_t(h);
  b[at + 1] = uint8_t(s | (c >> 8) << 6);
  b[at + 2] = uint8_t(c);
}

uint32_t div_up(uint64_t a, uint64_t b) { return uint32_t((a + b - 1) / b); }

}  // namespace

FatLayout FatLayout::build(const FatNode& root, const FatOptions& options) {
  FatLayout l;
  l.placed_.push_back(FatPlaced{"", true, 0, root.mtime, 0, 0, 0, 0, {}});
  l.long_names_.emplace_back();
  l.children_.emplace_back();
  l.place(root, 0, "");
  l.plan(options);
  l.allocate();
  l.make_directories();
  return l;
}

// Names the children of `node` (placed as `self`) and places them, then
// their subdirectories: names that are exactly 8.3 in upper case first, so
// they keep their names, then the rest in the host's order.
void FatLayout::place(const FatNode& node, uint32_t self, const std::string& path) {
  ShortNameSet taken;
  std::vector<const FatNode*> order;
  for (int pass = 0; pass < 2; ++pass)
    for (const FatNode& c : node.children) {
      std::optional<std::u16string> ln = fat_long_name(c.name);
      ShortNameSet probe;
      bool exact = ln && !make_short_name(*ln, probe)->needs_long_name;
      if ((pass == 0) == exact) order.push_back(&c);
    }
  uint32_t entries = self == 0 ? 0 : 2;
  std::vector<std::pair<uint32_t, const FatNode*>> subdirs;
  uint32_t full = 0;  // names left out because the directory is full: one note for them all
  for (const FatNode* c : order) {
    std::string child_path = path.empty() ? c->name : path + "/" + c->name;
    std::optional<std::u16string> ln = fat_long_name(c->name);
    if (!ln) {
      notes_.push_back(child_path + ": left out: not a valid FAT long name");
      continue;
    }
    if (!c->directory && c->size > 0xFFFFFFFFull) {
      notes_.push_back(child_path + ": left out: larger than FAT's 4 GiB - 1 bytes a file");
      continue;
    }
    std::optional<ShortNameChoice> sn = make_short_name(*ln, taken);
    uint32_t need = 1 + (sn && sn->needs_long_name ? uint32_t(lfn_entries(*ln, 0).size()) : 0);
    if (!sn || entries + need > kMaxDirEntries) {
      ++full;
      continue;
    }
    entries += need;
    uint32_t index = uint32_t(placed_.size());
    placed_.push_back(
        FatPlaced{child_path, c->directory, c->directory ? 0 : c->size, c->mtime, c->file_id, 0, 0, self, sn->name});
    long_names_.push_back(sn->needs_long_name ? *ln : std::u16string());
    children_.emplace_back();
    children_[self].push_back(index);
    if (c->directory) subdirs.push_back({index, c});
  }
  if (full)
    notes_.push_back((path.empty() ? std::string("the top folder") : path) + ": " + std::to_string(full) + " of its " +
                     std::to_string(node.children.size()) +
                     " names left out: a FAT directory holds 65,536 entries, long-name entries included");
  for (auto [index, c] : subdirs) {
    std::string sub = placed_[index].path;  // a copy: place() grows placed_
    place(*c, index, sub);
  }
}

// The 32-byte entries directory `dir` needs: "." and ".." (not in the
// root), and each child's short entry and long-name entries.
uint32_t FatLayout::entry_count(uint32_t dir) const {
  uint32_t n = dir == 0 ? 0 : 2;
  for (uint32_t c : children_[dir]) n += 1 + (long_names_[c].empty() ? 0 : uint32_t((long_names_[c].size() + 12) / 13));
  return n;
}

// Chooses the FAT type, the cluster size and the number of clusters: the
// contents, and free space of a quarter of them but at least
// min_free_bytes, as Microsoft's table sizes clusters for such a disk.
void FatLayout::plan(const FatOptions& options) {
  auto entries_of = [&](uint32_t dir) { return entry_count(dir); };
  auto needed_clusters = [&](uint32_t cluster_bytes, bool fat32) {
    uint64_t n = 0;
    for (uint32_t i = 0; i < placed_.size(); ++i) {
      const FatPlaced& p = placed_[i];
      if (p.directory && (i != 0 || fat32))
        n += std::max<uint32_t>(1, div_up(uint64_t{entries_of(i)} * 32, cluster_bytes));
      else if (!p.directory)
        n += div_up(p.size, cluster_bytes);
    }
    return n;
  };
  // FAT16 has too few clusters for very many small files, whatever their size.
  bool fits16 = entries_of(0) <= kFat16RootEntries && needed_clusters(32768, false) * 5 / 4 <= kFat16MaxClusters;
  uint64_t estimate = needed_clusters(512, true) * 512;
  uint64_t want = estimate + std::max(estimate / 4, options.min_free_bytes);
  FatType type = options.type.value_or(want <= 512 * kMiB && fits16 ? FatType::Fat16 : FatType::Fat32);
  if (type == FatType::Fat16 && entries_of(0) > kFat16RootEntries)
    throw DiskError("the folder's top level has too many names for FAT16's root directory (" +
                    std::to_string(kFat16RootEntries) + " entries)");
  uint32_t spc;
  if (options.type)  // asked for: the smallest clusters that give a valid count
    spc = type == FatType::Fat32 ? 1 : 4;
  else if (type == FatType::Fat16)
    spc = want <= 128 * kMiB ? 4 : want <= 256 * kMiB ? 8 : 16;
  else
    spc = want <= 8192 * kMiB ? 8 : want <= 16384 * kMiB ? 16 : want <= 32768 * kMiB ? 32 : 64;
  bool fat32 = type == FatType::Fat32;
  for (;; spc *= 2) {
    uint64_t used = needed_clusters(spc * 512, fat32);
    uint64_t clusters = used + std::max(used / 4, options.min_free_bytes / (spc * 512));
    clusters = std::max<uint64_t>(clusters, fat32 ? kFat32MinClusters : kFat16MinClusters);
    uint64_t max = fat32 ? kFat32MaxClusters : kFat16MaxClusters;
    if (clusters > max && spc < 64) continue;
    if (used > max)
      throw DiskError("the folder's contents (" + std::to_string(used * spc / 2048) + " MiB) do not fit " +
                      (fat32 ? "FAT32" : "FAT16 (2 GiB at most; give FAT32)"));
    clusters = std::min(clusters, max);  // near the type's limit, less free space
    geometry_.type = type;
    geometry_.sectors_per_cluster = spc;
    geometry_.clusters = uint32_t(clusters);
    used_clusters_ = uint32_t(used);
    break;
  }
  FatGeometry& g = geometry_;
  g.reserved_sectors = fat32 ? 32 : 1;
  g.root_entries = fat32 ? 0 : kFat16RootEntries;
  for (;;) {
    g.fat_sectors = div_up(uint64_t{g.clusters + 2} * (fat32 ? 4 : 2), 512);
    uint64_t part = uint64_t{g.first_data_sector()} + uint64_t{g.clusters} * spc;
    uint64_t disk = (FatGeometry::kPartitionStart + part + 1007) / 1008 * 1008;  // whole cylinders
    if (disk <= kMaxDiskSectors) {
      g.partition_sectors = uint32_t(part);
      g.disk_sectors = disk;
      return;
    }
    // Past what an MBR partition addresses: less free space, down to none.
    uint32_t less = div_up(disk - kMaxDiskSectors / 1008 * 1008, spc);
    if (g.clusters < used_clusters_ + less)
      throw DiskError("the folder's contents (" + std::to_string(uint64_t{used_clusters_} * spc / 2048) +
                      " MiB) do not fit a disk of 2 TiB, the most an MBR partition holds");
    g.clusters -= less;
  }
}

// Gives every directory and file its run of clusters: FAT32's root first,
// then KERNEL.SYS (so the boot sector finds it in one piece), the other
// directories, and the files.
void FatLayout::allocate() {
  const uint32_t cb = geometry_.cluster_bytes();
  const bool fat32 = geometry_.type == FatType::Fat32;
  uint32_t next = 2;
  auto give = [&](uint32_t i, uint32_t count) {
    if (count == 0) return;
    placed_[i].first_cluster = next;
    placed_[i].clusters = count;
    extents_.push_back({next, count, i});
    next += count;
  };
  auto dir_clusters = [&](uint32_t i) { return std::max<uint32_t>(1, div_up(uint64_t{entry_count(i)} * 32, cb)); };
  if (fat32) give(0, dir_clusters(0));
  geometry_.root_cluster = fat32 ? placed_[0].first_cluster : 0;
  for (uint32_t c : children_[0]) {
    const FatPlaced& p = placed_[c];
    if (!p.directory && short_name_text(p.short_name) == "KERNEL.SYS" && p.size > 0 && p.size <= kKernelMaxBytes) {
      give(c, div_up(p.size, cb));
      kernel_lba_ = geometry_.cluster_lba(p.first_cluster);
      kernel_sectors_ = div_up(p.size, 512);
    }
  }
  for (uint32_t i = 1; i < placed_.size(); ++i)
    if (placed_[i].directory) give(i, dir_clusters(i));
  for (uint32_t i = 1; i < placed_.size(); ++i)
    if (!placed_[i].directory && placed_[i].first_cluster == 0) give(i, div_up(placed_[i].size, cb));
  first_free_ = next;
}

void FatLayout::make_directories() {
  dir_bytes_.resize(placed_.size());
  for (uint32_t i = 0; i < placed_.size(); ++i)
    if (placed_[i].directory) dir_bytes_[i] = directory_bytes(i);
}

// The entries of directory `dir`: "." and ".." (not in the root), then each
// child's long-name entries and short entry.
std::vector<uint8_t> FatLayout::directory_bytes(uint32_t dir) const {
  std::vector<uint8_t> out;
  auto entry = [&](const ShortName& name, uint8_t attr, uint32_t cluster, uint32_t size, int64_t mtime) {
    size_t at = out.size();
    out.resize(at + 32);
    std::span<uint8_t> e(out.data() + at, 32);
    std::memcpy(e.data(), name.data(), 11);
    e[11] = attr;
    auto [date, time] = dos_date_time(mtime);
    put16(e, 14, time);
    put16(e, 16, date);
    put16(e, 18, date);
    put16(e, 20, cluster >> 16);
    put16(e, 22, time);
    put16(e, 24, date);
    put16(e, 26, cluster & 0xFFFF);
    put32(e, 28, size);
  };
  const FatPlaced& self = placed_[dir];
  if (dir != 0) {
    ShortName dot, dotdot;
    dot.fill(' ');
    dotdot.fill(' ');
    dot[0] = dotdot[0] = dotdot[1] = '.';
    entry(dot, 0x10, self.first_cluster, 0, self.mtime);
    entry(dotdot, 0x10, self.parent == 0 ? 0 : placed_[self.parent].first_cluster, 0, placed_[self.parent].mtime);
  }
  for (uint32_t c : children_[dir]) {
    const FatPlaced& p = placed_[c];
    if (!long_names_[c].empty())
      for (const auto& lfn : lfn_entries(long_names_[c], lfn_checksum(p.short_name)))
        out.insert(out.end(), lfn.begin(), lfn.end());
    entry(p.short_name, p.directory ? 0x10 : 0x20, p.first_cluster, uint32_t(p.size), p.mtime);
  }
  return out;
}

void FatLayout::mbr(std::span<uint8_t> out) const {
  std::memcpy(out.data(), kMbrCode, 512);
  const uint64_t start = FatGeometry::kPartitionStart, end = start + geometry_.partition_sectors - 1;
  const bool chs = end < 1024 * 16 * 63;
  out[0x1BE] = 0x80;  // active
  put_chs(out, 0x1BF, start);
  out[0x1C2] = geometry_.type == FatType::Fat32 ? (chs ? 0x0B : 0x0C) : (chs ? 0x06 : 0x0E);
  put_chs(out, 0x1C3, end);
  put32(out, 0x1C6, uint32_t(start));
  put32(out, 0x1CA, geometry_.partition_sectors);
}

void FatLayout::boot_sector(std::span<uint8_t> out) const {
  const FatGeometry& g = geometry_;
  const bool fat32 = g.type == FatType::Fat32;
  std::memcpy(out.data(), kBootCode, 512);
  std::memcpy(out.data() + 3, "PXOS    ", 8);
  put16(out, 0x0B, 512);
  out[0x0D] = uint8_t(g.sectors_per_cluster);
  put16(out, 0x0E, g.reserved_sectors);
  out[0x10] = 2;
  put16(out, 0x11, g.root_entries);
  put16(out, 0x13, !fat32 && g.partition_sectors < 0x10000 ? g.partition_sectors : 0);
  out[0x15] = 0xF8;
  put16(out, 0x16, fat32 ? 0 : g.fat_sectors);
  put16(out, 0x18, 63);
  put16(out, 0x1A, 16);
  put32(out, 0x1C, FatGeometry::kPartitionStart);
  put32(out, 0x20, !fat32 && g.partition_sectors < 0x10000 ? 0 : g.partition_sectors);
  size_t ext = 0x24;
  if (fat32) {
    put32(out, 0x24, g.fat_sectors);
    put32(out, 0x2C, g.root_cluster);
    put16(out, 0x30, 1);  // FSInfo
    put16(out, 0x32, 6);  // backup boot sector
    ext = 0x40;
  }
  out[ext] = 0x80;
  out[ext + 2] = 0x29;
  put32(out, ext + 3, 0x50784F53);                       // the serial number
  std::memcpy(out.data() + ext + 7, "NO NAME    ", 11);  // no volume label
  std::memcpy(out.data() + ext + 18, fat32 ? "FAT32   " : "FAT16   ", 8);
  put32(out, 0x1F8, uint32_t(kernel_lba_));
  put16(out, 0x1FC, kernel_sectors_);
}

void FatLayout::fsinfo(std::span<uint8_t> out) const {
  put32(out, 0, 0x41615252);
  put32(out, 484, 0x61417272);
  put32(out, 488, geometry_.clusters - used_clusters_);
  put32(out, 492, first_free_);  // where DOS looks for free clusters first (else it scans all used ones)
  put32(out, 508, 0xAA550000);
}

const FatLayout::Extent* FatLayout::extent_of(uint32_t cluster) const {
  auto it = std::upper_bound(extents_.begin(), extents_.end(), cluster,
                             [](uint32_t c, const Extent& e) { return c < e.first; });
  if (it == extents_.begin()) return nullptr;
  --it;
  return cluster < it->first + it->count ? &*it : nullptr;
}

// FAT sector `index`: each run of clusters chains to its next cluster and
// ends its file; all else is free.
void FatLayout::fat_sector(uint32_t index, std::span<uint8_t> out) const {
  const bool fat32 = geometry_.type == FatType::Fat32;
  const uint32_t per = fat32 ? 128 : 256, eoc = fat32 ? 0x0FFFFFFF : 0xFFFF;
  for (uint32_t k = 0; k < per; ++k) {
    uint32_t c = index * per + k, v = 0;
    if (c == 0)
      v = fat32 ? 0x0FFFFFF8 : 0xFFF8;
    else if (c == 1)
      v = eoc;
    else if (c < geometry_.clusters + 2)
      if (const Extent* e = extent_of(c)) v = c + 1 < e->first + e->count ? c + 1 : eoc;
    if (fat32)
      put32(out, k * 4, v);
    else
      put16(out, k * 2, v);
  }
}

bool FatLayout::read_sector(uint64_t lba, std::span<uint8_t> out, const FileReader& read_file) const {
  const FatGeometry& g = geometry_;
  std::fill(out.begin(), out.begin() + 512, 0);
  if (lba == 0) return mbr(out), true;
  if (lba < FatGeometry::kPartitionStart || lba >= FatGeometry::kPartitionStart + g.partition_sectors) return true;
  const uint32_t rel = uint32_t(lba - FatGeometry::kPartitionStart);
  const bool fat32 = g.type == FatType::Fat32;
  if (rel < g.reserved_sectors) {
    if (rel == 0 || (fat32 && rel == 6)) boot_sector(out);
    if (fat32 && (rel == 1 || rel == 7)) fsinfo(out);
    return true;
  }
  if (rel < g.reserved_sectors + 2 * g.fat_sectors) {
    fat_sector((rel - g.reserved_sectors) % g.fat_sectors, out);
    return true;
  }
  auto copy_dir = [&](uint32_t dir, uint64_t offset) {
    const std::vector<uint8_t>& b = dir_bytes_[dir];
    if (offset < b.size()) std::memcpy(out.data(), b.data() + offset, std::min<uint64_t>(512, b.size() - offset));
  };
  if (rel < g.first_data_sector()) {
    copy_dir(0, uint64_t{rel - g.reserved_sectors - 2 * g.fat_sectors} * 512);
    return true;
  }
  uint32_t data = rel - g.first_data_sector();
  uint32_t cluster = 2 + data / g.sectors_per_cluster;
  const Extent* e = extent_of(cluster);
  if (!e) return true;
  uint64_t offset = (uint64_t{cluster - e->first} * g.sectors_per_cluster + data % g.sectors_per_cluster) * 512;
  const FatPlaced& p = placed_[e->placed];
  if (p.directory) return copy_dir(e->placed, offset), true;
  if (offset >= p.size) return true;
  return read_file(p.file_id, offset, out.first(size_t(std::min<uint64_t>(512, p.size - offset))));
}

}  // namespace pxos
