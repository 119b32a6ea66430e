// pxos fat-image: writes the disk that --hdd-dir makes of a folder to an
// image file, to check it with other tools (fsck.fat, mtools) or to keep it.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "block/disk_image.h"
#include "block/fat_folder.h"
#include "cli/commands.h"
#include "cli/options.h"

namespace pxos::cli {

namespace {

constexpr const char* kHelp = R"(usage: pxos fat-image DIR -o OUT [--fat16 | --fat32]

Writes the hard disk that `pxos run --hdd-dir DIR` shows the guest (an MBR,
one FAT partition, DIR's files and folders) to the image file OUT, sparse
where the disk is zeros. Names left out are listed on stderr.
  -o OUT           the image to write
  --fat16, --fat32 this FAT type, with the smallest clusters that allow it
                   (default: by size, FAT16 up to 512 MiB)
  --help, -h       this text
)";

}  // namespace

int cmd_fat_image(Args args) {
  if (help_asked(args, kHelp)) return 0;
  std::string dir, out;
  FatOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "-o")
      out = flag_value(args, i);
    else if (a == "--fat16")
      options.type = FatType::Fat16;
    else if (a == "--fat32")
      options.type = FatType::Fat32;
    else if (!a.empty() && a[0] != '-' && dir.empty())
      dir = a;
    else
      throw UsageError("unknown option '" + a + "' (see pxos fat-image --help)");
  }
  if (dir.empty() || out.empty()) throw UsageError("give DIR and -o OUT");
  std::unique_ptr<FolderDisk> disk;
  try {
    disk = FolderDisk::open(
        dir, false, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }, options);
  } catch (const DiskError& e) {
    std::fprintf(stderr, "pxos fat-image: %s\n", e.what());
    return kExitUsage;
  }
  int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "pxos fat-image: %s: %s\n", out.c_str(), std::strerror(errno));
    return kExitUsage;
  }
  std::vector<uint8_t> sector(512);
  bool ok = ::ftruncate(fd, off_t(disk->sector_count() * 512)) == 0;
  for (uint64_t lba = 0; ok && lba < disk->sector_count(); ++lba) {
    ok = disk->read(lba, sector);
    if (ok && std::any_of(sector.begin(), sector.end(), [](uint8_t b) { return b != 0; }))
      ok = ::pwrite(fd, sector.data(), 512, off_t(lba * 512)) == 512;
  }
  if (::close(fd) != 0) ok = false;
  if (!ok) {
    std::fprintf(stderr, "pxos fat-image: %s: cannot write the image (or read DIR): %s\n", out.c_str(),
                 std::strerror(errno));
    return kExitUsage;
  }
  return 0;
}

}  // namespace pxos::cli
