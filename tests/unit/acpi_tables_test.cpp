// The ACPI tables the BIOS builds (bios/acpi_tables.h): signatures, lengths,
// checksums, the pointers between them, the FADT's fields, and that the
// DSDT's sleep types are the PM device's (devices/acpi_pm.h).
#include "bios/acpi_tables.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "bios/bios.h"
#include "devices/acpi_pm.h"
#include "vm/memory.h"

namespace pxos::acpi {
namespace {

constexpr uint32_t kBase = 0xE0000;
const Platform kPlatform{0x600, 0x604, 0x608, 9, 0x64, 0xFE};

uint32_t le32(const std::vector<uint8_t>& a, uint32_t at) {
  return a[at] | a[at + 1] << 8 | a[at + 2] << 16 | uint32_t(a[at + 3]) << 24;
}
uint64_t le64(const std::vector<uint8_t>& a, uint32_t at) { return le32(a, at) | uint64_t(le32(a, at + 4)) << 32; }
std::string text(const std::vector<uint8_t>& a, uint32_t at, size_t n) {
  return std::string(reinterpret_cast<const char*>(a.data() + at), n);
}

struct Tables : ::testing::Test {
  std::vector<uint8_t> area = std::vector<uint8_t>(kAreaSize, 0xAA);
  Layout l;
  void SetUp() override {
    std::optional<Layout> built = build_tables(area, kBase, kPlatform, compiled_dsdt());
    ASSERT_TRUE(built);
    l = *built;
  }
  uint32_t at(uint32_t address) const { return address - kBase; }
  // A table with a header: its signature, its length, and a zero sum.
  void expect_table(uint32_t address, const char* signature, uint32_t length) {
    SCOPED_TRACE(signature);
    ASSERT_GE(address, kBase);
    ASSERT_LE(at(address) + length, area.size());
    EXPECT_EQ(text(area, at(address), 4), signature);
    EXPECT_EQ(le32(area, at(address) + 4), length);
    EXPECT_EQ(byte_sum(std::span(area).subspan(at(address), length)), 0);
  }
};

TEST_F(Tables, RsdpIsFirstWithBothChecksums) {
  EXPECT_EQ(l.rsdp, kBase);
  EXPECT_EQ(text(area, 0, 8), "RSD PTR ");
  EXPECT_EQ(area[15], 2) << "ACPI 2.0: an XSDT";
  EXPECT_EQ(le32(area, 16), l.rsdt);
  EXPECT_EQ(le32(area, 20), kRsdpSize);
  EXPECT_EQ(le64(area, 24), l.xsdt);
  EXPECT_EQ(byte_sum(std::span(area).first(20)), 0);
  EXPECT_EQ(byte_sum(std::span(area).first(kRsdpSize)), 0);
}

TEST_F(Tables, RsdtAndXsdtListTheFadt) {
  expect_table(l.rsdt, "RSDT", kHeaderSize + 4);
  expect_table(l.xsdt, "XSDT", kHeaderSize + 8);
  EXPECT_EQ(le32(area, at(l.rsdt) + kHeaderSize), l.fadt);
  EXPECT_EQ(le64(area, at(l.xsdt) + kHeaderSize), l.fadt);
}

TEST_F(Tables, FadtPointsAtTheFacsDsdtAndPmBlocks) {
  expect_table(l.fadt, "FACP", kFadtSize);
  const uint32_t f = at(l.fadt);
  EXPECT_EQ(area[f + 8], kFadtRevision);
  EXPECT_EQ(le32(area, f + kFadtFacs), l.facs);
  EXPECT_EQ(le32(area, f + kFadtDsdt), l.dsdt);
  EXPECT_EQ(le64(area, f + kFadtXFacs), l.facs);
  EXPECT_EQ(le64(area, f + kFadtXDsdt), l.dsdt);
  EXPECT_EQ(area[f + kFadtSciInt], 9);
  EXPECT_EQ(le32(area, f + kFadtSmiCmd), 0u) << "ACPI always on";
  EXPECT_EQ(le32(area, f + kFadtPm1aEvt), 0x600u);
  EXPECT_EQ(le32(area, f + kFadtPm1aCnt), 0x604u);
  EXPECT_EQ(le32(area, f + kFadtPmTmr), 0x608u);
  EXPECT_EQ(area[f + kFadtPm1EvtLen], 4);
  EXPECT_EQ(area[f + kFadtPm1CntLen], 2);
  EXPECT_EQ(area[f + kFadtPmTmrLen], 4);
  // The X_ blocks: system I/O, the same ports, as many bits as the lengths.
  for (auto [x, port, bits] :
       {std::tuple{kFadtXPm1aEvt, 0x600u, 32}, {kFadtXPm1aCnt, 0x604u, 16}, {kFadtXPmTmr, 0x608u, 32}}) {
    EXPECT_EQ(area[f + x], 1);
    EXPECT_EQ(area[f + x + 1], bits);
    EXPECT_EQ(le64(area, f + x + 4), port);
  }
  uint32_t flags = le32(area, f + kFadtFlags);
  EXPECT_TRUE(flags & kFlagResetRegSup);
  EXPECT_FALSE(flags & (1u << 8)) << "TMR_VAL_EXT: the timer has 24 bits";
  EXPECT_FALSE(flags & (1u << 20)) << "not hardware-reduced";
  EXPECT_EQ(area[f + kFadtResetReg], 1) << "the reset register in I/O space";
  EXPECT_EQ(le64(area, f + kFadtResetReg + 4), 0x64u);
  EXPECT_EQ(area[f + kFadtResetValue], 0xFE);
  EXPECT_EQ(area[f + kFadtBootArch], kBootLegacyDevices | kBoot8042);
}

TEST_F(Tables, FacsIsAlignedAndDsdtCopied) {
  EXPECT_EQ(l.facs % 64, 0u);
  EXPECT_EQ(text(area, at(l.facs), 4), "FACS");
  EXPECT_EQ(le32(area, at(l.facs) + 4), kFacsSize);
  std::span<const uint8_t> dsdt = compiled_dsdt();
  expect_table(l.dsdt, "DSDT", uint32_t(dsdt.size()));
  EXPECT_EQ(std::memcmp(area.data() + at(l.dsdt), dsdt.data(), dsdt.size()), 0);
  EXPECT_EQ(l.end, l.dsdt + dsdt.size());
  EXPECT_TRUE(std::all_of(area.begin() + at(l.end), area.end(), [](uint8_t b) { return b == 0; }))
      << "the rest of the area is zeroed";
}

TEST(AcpiTables, RefusesWhatDoesNotFitOrIsNoDsdt) {
  std::vector<uint8_t> small(512, 0xAA);
  EXPECT_FALSE(build_tables(small, kBase, kPlatform, compiled_dsdt())) << "the DSDT alone is over 512 bytes";
  EXPECT_TRUE(std::all_of(small.begin(), small.end(), [](uint8_t b) { return b == 0; }));
  std::vector<uint8_t> area(kAreaSize);
  std::vector<uint8_t> bad(compiled_dsdt().begin(), compiled_dsdt().end());
  bad[40] ^= 1;
  EXPECT_FALSE(build_tables(area, kBase, kPlatform, bad)) << "a bad checksum";
  bad[40] ^= 1;
  bad.push_back(0);
  EXPECT_FALSE(build_tables(area, kBase, kPlatform, bad)) << "a length that is not the DSDT's";
  EXPECT_FALSE(build_tables(area, kBase, kPlatform, std::span(bad).first(10))) << "too short for a header";
  EXPECT_FALSE(build_tables(area, kBase + 8, kPlatform, compiled_dsdt())) << "the RSDP off a 16-byte boundary";
}

// The first element of the package named `name` (ZeroOp, OneOp or a
// BytePrefix byte), as an OS reads \_S5.
int sleep_type(std::span<const uint8_t> aml, const char* name) {
  for (size_t i = 0; i + 9 < aml.size(); ++i) {
    if (std::memcmp(aml.data() + i, name, 4) != 0 || aml[i + 4] != 0x12) continue;
    uint8_t element = aml[i + 7];
    if (element <= 1) return element;
    if (element == 0x0A) return aml[i + 8];
  }
  return -1;
}

TEST(AcpiTables, DsdtSleepTypesAreThePmDevices) {
  EXPECT_EQ(sleep_type(compiled_dsdt(), "_S5_"), AcpiPm::kSlpTypSoftOff);
  EXPECT_EQ(sleep_type(compiled_dsdt(), "_S0_"), AcpiPm::kSlpTypWorking);
}

TEST(AcpiTables, PostInstallsThemAtE0000AndTheMapReservesThem) {
  GuestMemory mem(4u << 20);
  ASSERT_TRUE(install_tables(mem, kPlatform));
  EXPECT_EQ(mem.read32(0xE0000), 0x20445352u) << "'RSD '";
  bool reserved = false;
  for (const MemoryRange& r : memory_map(mem))
    if (r.base <= kAreaBase && r.base + r.size >= kAreaBase + kAreaSize) reserved = r.type == 2;
  EXPECT_TRUE(reserved);
}

}  // namespace
}  // namespace pxos::acpi
