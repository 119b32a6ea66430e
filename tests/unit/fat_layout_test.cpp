#include "block/fat_layout.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "block/disk_image.h"
#include "block/fat_folder.h"
#include "block/fat_names.h"
#include "block/fat_reader.h"

namespace pxos {
namespace {

std::string short_text(const std::string& long_name, ShortNameSet& taken) {
  auto ln = fat_long_name(long_name);
  if (!ln) return "<invalid>";
  auto c = make_short_name(*ln, taken);
  return c ? short_name_text(c->name) : "<none>";
}

TEST(FatNames, ShortNamesFollowTheBasisAndNumericTailRules) {
  ShortNameSet taken;
  EXPECT_EQ(short_text("README.TXT", taken), "README.TXT");
  EXPECT_EQ(short_text("Long File Name.txt", taken), "LONGFI~1.TXT");
  EXPECT_EQ(short_text("a.b.c", taken), "AB~1.C");
  EXPECT_EQ(short_text(".bashrc", taken), "BASHRC~1");
  EXPECT_EQ(short_text("file+1.txt", taken), "FILE_1~1.TXT");
  EXPECT_EQ(short_text("report.html", taken), "REPORT~1.HTM");
  EXPECT_EQ(short_text("\xc3\xbcnicode.txt", taken), "_NICOD~1.TXT");  // "ünicode.txt": ü is not OEM; 6 basis chars
}

TEST(FatNames, LowerCaseNamesThatFitKeepTheirShortNameAndGetALongName) {
  ShortNameSet taken;
  auto c = make_short_name(*fat_long_name("readme.txt"), taken);
  ASSERT_TRUE(c);
  EXPECT_EQ(short_name_text(c->name), "README.TXT");
  EXPECT_TRUE(c->needs_long_name);
  auto exact = make_short_name(*fat_long_name("AUTOEXEC.BAT"), taken);
  EXPECT_FALSE(exact->needs_long_name);
  // The same name in another case collides: a numeric tail.
  EXPECT_EQ(short_text("README.TXT", taken), "README~1.TXT");
}

TEST(FatNames, CollisionsCountPastNineWithAShorterBasis) {
  ShortNameSet taken;
  for (int i = 1; i <= 9; ++i)
    EXPECT_EQ(short_text("longfilename" + std::to_string(i) + ".txt", taken), "LONGFI~" + std::to_string(i) + ".TXT");
  EXPECT_EQ(short_text("longfilename10.txt", taken), "LONGF~10.TXT");
  for (int i = 11; i <= 100; ++i) short_text("longfilename" + std::to_string(i) + ".txt", taken);
  EXPECT_EQ(short_text("longfilename101.txt", taken), "LONG~101.TXT");
}

TEST(FatNames, InvalidLongNamesAreRefused) {
  for (const char* bad : {"", ".", "..", "a/b", "a:b", "a*b", "a?b", "a\"b", "a<b", "a|b", "a\\b", "\x01x", "\xff"})
    EXPECT_FALSE(fat_long_name(bad)) << bad;
  EXPECT_FALSE(fat_long_name(std::string(256, 'a')));
  EXPECT_TRUE(fat_long_name(std::string(255, 'a')));
}

TEST(FatNames, LongNameEntriesCarryTheChecksumAndTheNameInParts) {
  ShortName n;
  std::memcpy(n.data(), "README  TXT", 11);
  // The checksum of the specification: rotate right, add the next byte.
  uint8_t sum = 0;
  for (char c : n) sum = uint8_t((sum >> 1 | sum << 7) + uint8_t(c));
  EXPECT_EQ(lfn_checksum(n), sum);
  std::u16string name = u"A name of twenty-six chars";  // exactly 2 parts, no terminator
  ASSERT_EQ(name.size(), 26u);
  auto parts = lfn_entries(name, 0x73);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0][0], 0x42);  // the last part, first on disk
  EXPECT_EQ(parts[1][0], 0x01);
  EXPECT_EQ(parts[1][11], 0x0F);
  EXPECT_EQ(parts[1][13], 0x73);
  EXPECT_EQ(parts[1][1], 'A');
  auto three = lfn_entries(u"abc", 1);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0][7], 0);     // the terminator after "abc"
  EXPECT_EQ(three[0][9], 0xFF);  // then FFFFh padding
}

FatNode file(const std::string& name, uint64_t size, uint32_t id) {
  FatNode n;
  n.name = name;
  n.size = size;
  n.file_id = id;
  return n;
}

// The byte a test file `id` holds at `offset`.
uint8_t pattern(uint32_t id, uint64_t offset) { return uint8_t(id * 31 + offset * 7 + offset / 511); }

bool read_pattern(uint32_t id, uint64_t offset, std::span<uint8_t> out) {
  for (size_t i = 0; i < out.size(); ++i) out[i] = pattern(id, offset + i);
  return true;
}

FatReader reader_of(const FatLayout& l) {
  return FatReader(l.geometry(), [&l](uint64_t lba, std::span<uint8_t> out) {
    return lba < l.sector_count() && l.read_sector(lba, out, read_pattern);
  });
}

TEST(FatLayout, TheTypeFollowsTheSize) {
  FatNode small;
  small.directory = true;
  small.children.push_back(file("a.bin", 100ull << 20, 1));
  EXPECT_EQ(FatLayout::build(small).geometry().type, FatType::Fat16);
  FatNode big;
  big.directory = true;
  big.children.push_back(file("a.bin", 600ull << 20, 1));
  FatLayout l = FatLayout::build(big);
  EXPECT_EQ(l.geometry().type, FatType::Fat32);
  EXPECT_GE(l.geometry().clusters, 65525u);
  FatNode many;  // more names than FAT16's root directory holds
  many.directory = true;
  for (int i = 0; i < 600; ++i) many.children.push_back(file("F" + std::to_string(i), 10, uint32_t(i)));
  EXPECT_EQ(FatLayout::build(many).geometry().type, FatType::Fat32);
  EXPECT_THROW(FatLayout::build(many, FatOptions{FatType::Fat16}), DiskError);
}

TEST(FatLayout, ClusterCountsAreValidForTheType) {
  for (FatType t : {FatType::Fat16, FatType::Fat32}) {
    FatNode root;
    root.directory = true;
    root.children.push_back(file("x", 5000, 1));
    FatLayout l = FatLayout::build(root, FatOptions{t});
    const FatGeometry& g = l.geometry();
    if (t == FatType::Fat16) {
      EXPECT_GE(g.clusters, 4085u);
      EXPECT_LE(g.clusters, 65524u);
    } else {
      EXPECT_GE(g.clusters, 65525u);
    }
    EXPECT_EQ(uint64_t{g.first_data_sector()} + uint64_t{g.clusters} * g.sectors_per_cluster, g.partition_sectors);
    EXPECT_GE(g.fat_sectors * 512ull, (g.clusters + 2ull) * (t == FatType::Fat32 ? 4 : 2));
    EXPECT_LE(FatGeometry::kPartitionStart + g.partition_sectors, g.disk_sectors);
  }
}

// FSInfo's next-free hint is the first cluster past the files (DOS would
// otherwise scan every used cluster's FAT entry for free space).
TEST(FatLayout, Fat32FsInfoNamesTheFirstFreeCluster) {
  FatNode root;
  root.directory = true;
  root.children.push_back(file("a", 10000, 1));
  root.children.push_back(file("b", 3000, 2));
  FatLayout l = FatLayout::build(root, FatOptions{FatType::Fat32});
  uint32_t end = 0;
  for (const FatPlaced& p : l.placed()) end = std::max(end, p.first_cluster + p.clusters);
  std::vector<uint8_t> fsinfo(512);
  ASSERT_TRUE(l.read_sector(FatGeometry::kPartitionStart + 1, fsinfo,
                            [](uint32_t, uint64_t, std::span<uint8_t>) { return true; }));
  EXPECT_EQ(fsinfo[492] | fsinfo[493] << 8 | fsinfo[494] << 16 | uint32_t(fsinfo[495]) << 24, end);
  EXPECT_GT(end, 2u);
}

TEST(FatLayout, ChainsAndContentsReadBack) {
  for (FatType t : {FatType::Fat16, FatType::Fat32}) {
    FatNode root;
    root.directory = true;
    root.children.push_back(file("KERNEL.SYS", 45000, 1));
    root.children.push_back(file("empty", 0, 2));
    FatNode sub;
    sub.name = "A Folder";
    sub.directory = true;
    sub.children.push_back(file("inner data.bin", 70000, 3));
    root.children.push_back(sub);
    FatLayout l = FatLayout::build(root, FatOptions{t});
    FatReader r = reader_of(l);
    auto top = r.list(0);
    ASSERT_TRUE(top);
    std::map<std::string, FatEntry> by_name;
    for (const FatEntry& e : *top) by_name[e.name] = e;
    ASSERT_EQ(by_name.size(), 3u);
    ASSERT_TRUE(by_name.count("A Folder"));
    EXPECT_EQ(short_name_text(by_name["A Folder"].short_name), "AFOLDE~1");
    EXPECT_EQ(by_name["empty"].first_cluster, 0u);
    const FatEntry& k = by_name["KERNEL.SYS"];
    auto chain = r.chain(k.first_cluster, 1000);
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->size(), (45000 + l.geometry().cluster_bytes() - 1) / l.geometry().cluster_bytes());
    for (size_t i = 1; i < chain->size(); ++i) EXPECT_EQ((*chain)[i], (*chain)[i - 1] + 1);
    EXPECT_EQ(l.kernel_lba(), l.geometry().cluster_lba(k.first_cluster));
    EXPECT_EQ(l.kernel_sectors(), (45000u + 511) / 512);
    auto inner = r.list(by_name["A Folder"].first_cluster);
    ASSERT_TRUE(inner);
    ASSERT_EQ(inner->size(), 1u);
    EXPECT_EQ((*inner)[0].name, "inner data.bin");
    uint64_t at = 0;
    bool same = true;
    EXPECT_TRUE(r.read_file((*inner)[0], [&](std::span<const uint8_t> b) {
      for (uint8_t v : b) same = same && v == pattern(3, at++);
      return true;
    }));
    EXPECT_EQ(at, 70000u);
    EXPECT_TRUE(same);
  }
}

TEST(FatLayout, TheMbrAndBootSectorDescribeThePartition) {
  FatNode root;
  root.directory = true;
  FatLayout l = FatLayout::build(root);
  uint8_t mbr[512], boot[512];
  ASSERT_TRUE(l.read_sector(0, mbr, read_pattern));
  ASSERT_TRUE(l.read_sector(FatGeometry::kPartitionStart, boot, read_pattern));
  EXPECT_EQ(mbr[510], 0x55);
  EXPECT_EQ(mbr[511], 0xAA);
  EXPECT_EQ(mbr[0x1BE], 0x80);
  EXPECT_EQ(mbr[0x1C6], FatGeometry::kPartitionStart);
  EXPECT_EQ(boot[510], 0x55);
  EXPECT_EQ(boot[0x1C], FatGeometry::kPartitionStart);  // hidden sectors
  EXPECT_EQ(boot[0x1FC] | boot[0x1FD] << 8, 0);         // no KERNEL.SYS to load
  EXPECT_EQ(std::string(reinterpret_cast<char*>(boot + 0x36), 8), "FAT16   ");
}

// A folder on the host, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pxos-fat-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(path / rel) << text; }
  std::string read(const std::string& rel) const {
    std::ifstream in(path / rel);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

// Overwrites sector `at` of `name`'s data, as a guest would (the file's
// clusters follow each other on a fresh disk).
void guest_overwrite(DiskImage& disk, const FolderDisk& folder, const std::string& name, const std::string& text,
                     uint32_t at = 0) {
  for (const FatPlaced& p : folder.layout().placed())
    if (p.path == name) {
      std::vector<uint8_t> sector(512, 0);
      std::memcpy(sector.data(), text.data(), text.size());
      ASSERT_TRUE(disk.write(folder.layout().geometry().cluster_lba(p.first_cluster) + at, 1, sector));
      return;
    }
  FAIL() << name << " is not on the disk";
}

TEST(FolderDisk, ReadsTheFolderLazilyAndWritesChangesBackOnlyWhenWritable) {
  for (bool writable : {false, true}) {
    TempDir dir;
    dir.write("a.txt", "AAAA");
    std::vector<std::string> reports;
    auto folder = FolderDisk::open(dir.path.string(), writable, [&](const std::string& s) { reports.push_back(s); });
    FolderDisk* f = folder.get();
    DiskImage disk = DiskImage::from_source(std::move(folder), writable);
    guest_overwrite(disk, *f, "a.txt", "BBBB");
    EXPECT_TRUE(disk.flush());
    EXPECT_EQ(dir.read("a.txt"), writable ? "BBBB" : "AAAA");
    EXPECT_TRUE(reports.empty());
  }
}

TEST(FolderDisk, AChangeInALaterClusterIsWrittenBack) {
  TempDir dir;
  dir.write("big.txt", std::string(20000, 'a'));
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), true, [&](const std::string& s) { reports.push_back(s); });
  FolderDisk* f = folder.get();
  ASSERT_LT(f->layout().geometry().cluster_bytes(), 16384u);
  DiskImage disk = DiskImage::from_source(std::move(folder), true);
  guest_overwrite(disk, *f, "big.txt", std::string(512, 'b'), 32);  // bytes 16384..16895
  EXPECT_TRUE(disk.flush());
  std::string now = dir.read("big.txt");
  ASSERT_EQ(now.size(), 20000u);
  EXPECT_EQ(now.substr(16384, 512), std::string(512, 'b'));
  EXPECT_EQ(now.substr(0, 16384), std::string(16384, 'a'));
  EXPECT_TRUE(reports.empty());
}

TEST(FolderDisk, AHostFileChangedMeanwhileIsAConflictAndKept) {
  TempDir dir;
  dir.write("a.txt", "AAAA");
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), true, [&](const std::string& s) { reports.push_back(s); });
  FolderDisk* f = folder.get();
  DiskImage disk = DiskImage::from_source(std::move(folder), true);
  dir.write("a.txt", "host changed it");
  guest_overwrite(disk, *f, "a.txt", "BBBB");
  EXPECT_FALSE(disk.flush());
  EXPECT_EQ(dir.read("a.txt"), "host changed it");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("a.txt: changed on the host"), std::string::npos) << reports[0];
}

TEST(FolderDisk, LinksOutsideAndSpecialFilesAreLeftOutWithANote) {
  TempDir dir, outside;
  outside.write("secret", "x");
  dir.write("in.txt", "in");
  std::filesystem::create_symlink(outside.path / "secret", dir.path / "out-link");
  std::filesystem::create_symlink(dir.path / "in.txt", dir.path / "in-link");
  ASSERT_EQ(mkfifo((dir.path / "fifo").c_str(), 0600), 0);
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), false, [&](const std::string& s) { reports.push_back(s); });
  std::set<std::string> paths;
  for (const FatPlaced& p : folder->layout().placed()) paths.insert(p.path);
  EXPECT_TRUE(paths.count("in.txt"));
  EXPECT_TRUE(paths.count("in-link"));
  EXPECT_FALSE(paths.count("out-link"));
  EXPECT_FALSE(paths.count("fifo"));
  EXPECT_EQ(reports.size(), 2u);
}

// Sector `at` of `name`'s data as the guest reads it.
std::string guest_read(DiskImage& disk, const FolderDisk& folder, const std::string& name, uint32_t at = 0) {
  for (const FatPlaced& p : folder.layout().placed())
    if (p.path == name) {
      std::vector<uint8_t> sector(512);
      if (!disk.read(folder.layout().geometry().cluster_lba(p.first_cluster) + at, 1, sector)) return "<error>";
      return std::string(sector.begin(), sector.end());
    }
  return "<missing>";
}

TEST(FolderDisk, AHostFileDeletedOrReplacedWhileTheGuestRunsReadsAsZerosSaidOnce) {
  TempDir dir;
  dir.write("a.txt", "AAAA");
  dir.write("b.txt", "BBBB");
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), false, [&](const std::string& s) { reports.push_back(s); });
  FolderDisk* f = folder.get();
  DiskImage disk = DiskImage::from_source(std::move(folder), false);
  const std::string zeros(512, '\0');
  EXPECT_EQ(guest_read(disk, *f, "a.txt").substr(0, 5), std::string("AAAA\0", 5));
  EXPECT_EQ(guest_read(disk, *f, "b.txt").substr(0, 5), std::string("BBBB\0", 5));
  std::filesystem::remove(dir.path / "a.txt");
  EXPECT_EQ(guest_read(disk, *f, "a.txt"), zeros);
  dir.write("b.new", "CCCC");
  std::filesystem::rename(dir.path / "b.new", dir.path / "b.txt");  // replaced, as an editor saves
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(guest_read(disk, *f, "b.txt"), zeros);
    EXPECT_EQ(guest_read(disk, *f, "a.txt"), zeros);
  }
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_NE(reports[0].find("a.txt: deleted on the host while the guest runs"), std::string::npos) << reports[0];
  EXPECT_NE(reports[1].find("b.txt: replaced or resized on the host"), std::string::npos) << reports[1];
}

TEST(FolderDisk, AFileTheWriteBackReplacedIsNotAVanishedFile) {
  TempDir dir;
  dir.write("big.txt", std::string(20000, 'a'));
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), true, [&](const std::string& s) { reports.push_back(s); });
  FolderDisk* f = folder.get();
  DiskImage disk = DiskImage::from_source(std::move(folder), true);
  guest_overwrite(disk, *f, "big.txt", "bbbb");
  EXPECT_TRUE(disk.flush());
  EXPECT_EQ(guest_read(disk, *f, "big.txt", 1), std::string(512, 'a'));
  EXPECT_TRUE(reports.empty()) << reports[0];
}

// A change that could not go back (here: the guest's FAT caught mid-update,
// its chain too short) is tried again at the next flush, though the guest
// wrote nothing of the file since; the failure is said once.
TEST(FolderDisk, AChangeThatCouldNotGoBackIsTriedAgainAtTheNextFlush) {
  TempDir dir;
  dir.write("big.txt", std::string(20000, 'a'));
  std::vector<std::string> reports;
  auto folder = FolderDisk::open(dir.path.string(), true, [&](const std::string& s) { reports.push_back(s); });
  FolderDisk* f = folder.get();
  const FatGeometry& g = f->layout().geometry();
  ASSERT_EQ(g.type, FatType::Fat16);
  ASSERT_LE(g.cluster_bytes(), 2048u);  // 20,000 bytes: ten clusters or more
  DiskImage disk = DiskImage::from_source(std::move(folder), true);
  uint32_t first = 0;
  for (const FatPlaced& p : f->layout().placed())
    if (p.path == "big.txt") first = p.first_cluster;
  guest_overwrite(disk, *f, "big.txt", std::string(512, 'b'), 0);
  // The chain ends at its second cluster: too short for 20,000 bytes.
  const uint64_t fat_lba = FatGeometry::kPartitionStart + g.reserved_sectors + (first + 1) * 2 / 512;
  std::vector<uint8_t> fat(512), broken;
  ASSERT_TRUE(disk.read(fat_lba, 1, fat));
  broken = fat;
  broken[(first + 1) * 2 % 512] = 0xFF;
  broken[(first + 1) * 2 % 512 + 1] = 0xFF;
  ASSERT_TRUE(disk.write(fat_lba, 1, broken));
  EXPECT_FALSE(disk.flush());
  EXPECT_EQ(dir.read("big.txt"), std::string(20000, 'a'));
  EXPECT_FALSE(disk.flush());  // the same failure, not said again
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("big.txt: could not be written back"), std::string::npos) << reports[0];
  ASSERT_TRUE(disk.write(fat_lba, 1, fat));  // the FAT is whole again
  EXPECT_TRUE(disk.flush());
  EXPECT_EQ(dir.read("big.txt").substr(0, 513), std::string(512, 'b') + "a");
}

TEST(FatLayout, ADirectoryOfMoreNamesThanFatHoldsKeepsWhatFitsWithOneNote) {
  FatNode root;
  root.directory = true;
  FatNode sub;
  sub.name = "many";
  sub.directory = true;
  for (int i = 0; i < 70000; ++i) sub.children.push_back(FatNode{"F" + std::to_string(100000 + i), false, 1, 0, 0, {}});
  root.children.push_back(sub);
  FatLayout l = FatLayout::build(root);
  ASSERT_EQ(l.notes().size(), 1u);
  EXPECT_NE(l.notes()[0].find("many: 4466 of its 70000 names left out"), std::string::npos) << l.notes()[0];
  EXPECT_EQ(l.placed().size(), 2u + 65534u);  // the root, "many", and 65,534 names besides "." and ".."
}

TEST(FatLayout, ContentsNearTwoTebibytesGetLessFreeSpaceAndMoreAreAnError) {
  for (int files : {500, 520}) {
    FatNode root;
    root.directory = true;
    for (int i = 0; i < files; ++i)
      root.children.push_back(FatNode{"F" + std::to_string(i), false, 0xFFFFFFFFull, 0, 0, {}});
    if (files == 520) {
      try {
        FatLayout::build(root);
        ADD_FAILURE() << "520 files of 4 GiB laid out";
      } catch (const DiskError& e) {
        EXPECT_NE(std::string(e.what()).find("do not fit a disk of 2 TiB"), std::string::npos) << e.what();
      }
      continue;
    }
    FatLayout l = FatLayout::build(root);
    EXPECT_LE(l.sector_count(), 0xFFFFFFFFull);
    EXPECT_EQ(l.geometry().type, FatType::Fat32);
    EXPECT_GE(uint64_t{l.geometry().clusters} * l.geometry().cluster_bytes(), 500 * 0xFFFFFFFFull);
  }
}

TEST(FolderDisk, NotAFolderIsAClearError) {
  EXPECT_THROW(FolderDisk::open("/nonexistent-pxos-folder", false, [](const std::string&) {}), DiskError);
}

}  // namespace
}  // namespace pxos
