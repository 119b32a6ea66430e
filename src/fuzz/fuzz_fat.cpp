// libFuzzer target: what a guest writes to a disk made from a host folder
// (--hdd-dir), read back by the write-back's parser. The input is
//   [flags] [files] then `files` size bytes, then sector writes of
//   [u16 sector within the partition] [512 bytes]
// flags bit 0: FAT32 (else FAT16); bit 1: also run the write-back into a
// scratch folder. The tree is a root with `files` files (size byte * 700
// bytes; odd sizes in a subfolder). The writes go to the DiskImage's overlay;
// then FatReader walks every directory and reads every file, and with bit 1
// FolderWriteBack writes the result to the scratch folder, which must be the
// only thing that changes.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unordered_set>

#include "block/disk_image.h"
#include "block/fat_folder.h"
#include "block/fat_layout.h"
#include "block/fat_reader.h"
#include "fuzz/fuzz_common.h"

using namespace pxos;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Every directory and file below `cluster`, at most `depth` levels down.
void walk(FatReader& r, uint32_t cluster, int depth, size_t& budget) {
  auto entries = r.list(cluster);
  if (!entries) return;
  for (const FatEntry& e : *entries) {
    if (budget == 0) return;
    --budget;
    if (e.directory) {
      if (depth < 4 && e.first_cluster != 0) walk(r, e.first_cluster, depth + 1, budget);
    } else if (e.size <= (1u << 20)) {
      uint64_t got = 0;
      bool ok = r.read_file(e, [&](std::span<const uint8_t> b) {
        got += b.size();
        return true;
      });
      check(!ok || got == e.size);
    }
  }
}

// The scratch folder's parent, made once and removed at exit (kept in a
// buffer that outlives the exit handlers' order).
char g_base[4096];

std::filesystem::path scratch_base() {
  if (!g_base[0]) {
    std::string t = (std::filesystem::temp_directory_path() / "pxos-fuzz-fat-XXXXXX").string();
    check(t.size() < sizeof g_base && mkdtemp(t.data()) != nullptr);
    std::memcpy(g_base, t.c_str(), t.size() + 1);
    std::atexit([] { std::filesystem::remove_all(g_base); });
  }
  return g_base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t flags = in.u8();
  const unsigned files = in.u8() % 8;
  const bool write_back = flags & 2;
  std::filesystem::path base = scratch_base(), dir = base / "folder";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  for (unsigned i = 0; i < files; ++i) {
    unsigned n = in.u8();
    std::ofstream((i & 1 ? dir / "sub" : dir) / ("file number " + std::to_string(i)))
        << std::string(n * 700, char('a' + i));
  }
  FatOptions options;
  options.type = flags & 1 ? FatType::Fat32 : FatType::Fat16;
  options.min_free_bytes = 0;
  auto folder = FolderDisk::open(
      dir.string(), write_back, [](const std::string&) {}, options);
  const FatGeometry g = folder->layout().geometry();
  DiskImage disk = DiskImage::from_source(std::move(folder), write_back);
  while (in.left() >= 2) {
    uint64_t lba = FatGeometry::kPartitionStart + in.u16() % g.partition_sectors;
    std::vector<uint8_t> sector(512, 0);
    std::span<const uint8_t> b = in.bytes(512);
    std::copy(b.begin(), b.end(), sector.begin());
    check(disk.write(lba, 1, sector));
  }
  FatReader reader(g, [&](uint64_t lba, std::span<uint8_t> out) { return disk.read(lba, 1, out); });
  size_t budget = 4096;
  walk(reader, 0, 0, budget);
  if (write_back) {
    (void)disk.flush();
    // Nothing appeared beside the folder.
    for (const auto& e : std::filesystem::directory_iterator(base)) check(e.path() == dir);
  }
  return 0;
}
