// The ACPI tables (bios/acpi_tables.h): each written in place into the area,
// its checksum last.
#include "bios/acpi_tables.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace pxos::acpi {

namespace {

constexpr uint8_t kDsdtAml[] = {
#include "bios/dsdt.inc"
};

constexpr std::string_view kOemId = "PXOS  ";         // 6 bytes
constexpr std::string_view kOemTableId = "PXOSPC  ";  // 8 bytes
constexpr std::string_view kCreatorId = "PXOS";       // 4 bytes
constexpr uint8_t kSpaceIo = 1;                       // generic address space: system I/O
constexpr uint8_t kAccessByte = 1, kAccessWord = 2, kAccessDword = 3;

void put8(std::span<uint8_t> t, uint32_t at, uint8_t v) { t[at] = v; }
void put16(std::span<uint8_t> t, uint32_t at, uint16_t v) {
  for (int i = 0; i < 2; ++i) t[at + i] = uint8_t(v >> 8 * i);
}
void put32(std::span<uint8_t> t, uint32_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) t[at + i] = uint8_t(v >> 8 * i);
}
void put64(std::span<uint8_t> t, uint32_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) t[at + i] = uint8_t(v >> 8 * i);
}
void put_text(std::span<uint8_t> t, uint32_t at, std::string_view s) { std::memcpy(t.data() + at, s.data(), s.size()); }

// A generic address structure: an I/O port block of `bytes` bytes.
void put_gas(std::span<uint8_t> t, uint32_t at, uint16_t port, uint8_t bytes, uint8_t access) {
  put8(t, at, kSpaceIo);
  put8(t, at + 1, uint8_t(bytes * 8));
  put8(t, at + 2, 0);
  put8(t, at + 3, access);
  put64(t, at + 4, port);
}

// The header every table but the RSDP and FACS starts with; the checksum
// (byte 9) is set by finish().
void put_header(std::span<uint8_t> t, std::string_view signature, uint8_t revision) {
  put_text(t, 0, signature);
  put32(t, 4, uint32_t(t.size()));
  put8(t, 8, revision);
  put_text(t, 10, kOemId);
  put_text(t, 16, kOemTableId);
  put32(t, 24, 1);  // OEM revision
  put_text(t, 28, kCreatorId);
  put32(t, 32, 1);  // creator revision
}
void finish(std::span<uint8_t> t, uint32_t checksum_at) { t[checksum_at] = uint8_t(-byte_sum(t)); }

void put_rsdp(std::span<uint8_t> t, const Layout& l) {
  put_text(t, 0, "RSD PTR ");
  put_text(t, 9, kOemId);
  put8(t, 15, 2);  // ACPI 2.0 and later: the XSDT and the extended checksum
  put32(t, 16, l.rsdt);
  put32(t, 20, kRsdpSize);
  put64(t, 24, l.xsdt);
  finish(t.first(20), 8);
  finish(t, 32);
}

void put_facs(std::span<uint8_t> t) {
  put_text(t, 0, "FACS");
  put32(t, 4, kFacsSize);
  put8(t, 32, 1);  // version (ACPI 2.0)
}

void put_fadt(std::span<uint8_t> t, const Layout& l, const Platform& p) {
  put_header(t, "FACP", kFadtRevision);
  put32(t, kFadtFacs, l.facs);
  put32(t, kFadtDsdt, l.dsdt);
  put8(t, 45, 0);  // preferred PM profile: unspecified
  put16(t, kFadtSciInt, p.sci_irq);
  put32(t, kFadtSmiCmd, 0);  // no SMI command port: ACPI is always enabled
  put32(t, kFadtPm1aEvt, p.pm1a_evt);
  put32(t, kFadtPm1aCnt, p.pm1a_cnt);
  put32(t, kFadtPmTmr, p.pm_tmr);
  put8(t, kFadtPm1EvtLen, 4);
  put8(t, kFadtPm1CntLen, 2);
  put8(t, kFadtPmTmrLen, 4);
  put16(t, 96, 101);   // P_LVL2_LAT > 100: no C2
  put16(t, 98, 1001);  // P_LVL3_LAT > 1000: no C3
  put8(t, kFadtCentury, 0x32);
  put16(t, kFadtBootArch, kBootLegacyDevices | kBoot8042);
  put32(t, kFadtFlags, kFlagWbinvd | kFlagProcC1 | kFlagSlpButton | kFlagFixRtc | kFlagResetRegSup);
  put_gas(t, kFadtResetReg, p.reset_port, 1, kAccessByte);
  put8(t, kFadtResetValue, p.reset_value);
  put64(t, kFadtXFacs, l.facs);
  put64(t, kFadtXDsdt, l.dsdt);
  put_gas(t, kFadtXPm1aEvt, p.pm1a_evt, 4, kAccessWord);
  put_gas(t, kFadtXPm1aCnt, p.pm1a_cnt, 2, kAccessWord);
  put_gas(t, kFadtXPmTmr, p.pm_tmr, 4, kAccessDword);
  finish(t, 9);
}

// The RSDT (4-byte entries) or XSDT (8-byte): one entry, the FADT.
void put_sdt(std::span<uint8_t> t, std::string_view signature, uint32_t fadt, uint32_t entry_size) {
  put_header(t, signature, 1);
  if (entry_size == 4)
    put32(t, kHeaderSize, fadt);
  else
    put64(t, kHeaderSize, fadt);
  finish(t, 9);
}

uint32_t align(uint32_t v, uint32_t to) { return (v + to - 1) / to * to; }

bool is_dsdt(std::span<const uint8_t> aml) {
  if (aml.size() < kHeaderSize || std::memcmp(aml.data(), "DSDT", 4) != 0) return false;
  uint32_t length = aml[4] | aml[5] << 8 | aml[6] << 16 | uint32_t(aml[7]) << 24;
  return length == aml.size() && byte_sum(aml) == 0;
}

}  // namespace

uint8_t byte_sum(std::span<const uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = uint8_t(sum + b);
  return sum;
}

std::span<const uint8_t> compiled_dsdt() { return kDsdtAml; }

std::optional<Layout> build_tables(std::span<uint8_t> area, uint32_t base, const Platform& platform,
                                   std::span<const uint8_t> dsdt) {
  std::fill(area.begin(), area.end(), uint8_t{0});
  if (base % 16 || !is_dsdt(dsdt)) return std::nullopt;
  Layout l;
  l.rsdp = base;
  l.facs = align(l.rsdp + kRsdpSize, 64);
  l.rsdt = align(l.facs + kFacsSize, 16);
  l.xsdt = align(l.rsdt + kHeaderSize + 4, 16);
  l.fadt = align(l.xsdt + kHeaderSize + 8, 16);
  l.dsdt = align(l.fadt + kFadtSize, 16);
  l.end = l.dsdt + uint32_t(dsdt.size());
  if (l.end - base > area.size()) return std::nullopt;
  auto table = [&](uint32_t at, uint32_t size) { return area.subspan(at - base, size); };
  std::copy(dsdt.begin(), dsdt.end(), table(l.dsdt, uint32_t(dsdt.size())).begin());
  put_facs(table(l.facs, kFacsSize));
  put_fadt(table(l.fadt, kFadtSize), l, platform);
  put_sdt(table(l.rsdt, kHeaderSize + 4), "RSDT", l.fadt, 4);
  put_sdt(table(l.xsdt, kHeaderSize + 8), "XSDT", l.fadt, 8);
  put_rsdp(table(l.rsdp, kRsdpSize), l);
  return l;
}

bool install_tables(GuestMemory& mem, const Platform& platform) {
  uint8_t* area = mem.ram_span(kAreaBase, kAreaSize);
  return area && build_tables({area, kAreaSize}, kAreaBase, platform, compiled_dsdt());
}

}  // namespace pxos::acpi
