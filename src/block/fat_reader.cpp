#include "block/fat_reader.h"

#include <algorithm>
#include <cstring>

namespace pxos {

namespace {
uint16_t get16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t get32(const uint8_t* p) { return uint32_t(get16(p)) | uint32_t(get16(p + 2)) << 16; }
}  // namespace

std::optional<uint32_t> FatReader::next(uint32_t cluster) {
  if (cluster < 2 || cluster >= g_.clusters + 2) return std::nullopt;
  const bool fat32 = g_.type == FatType::Fat32;
  uint64_t byte = uint64_t{cluster} * (fat32 ? 4 : 2);
  uint8_t sector[512];
  uint64_t lba = FatGeometry::kPartitionStart + g_.reserved_sectors + byte / 512;
  if (!read_(lba, sector)) return std::nullopt;
  const uint8_t* p = sector + byte % 512;
  return fat32 ? get32(p) & 0x0FFFFFFF : get16(p);
}

bool FatReader::is_end(uint32_t value) const {
  return g_.type == FatType::Fat32 ? value >= 0x0FFFFFF8 : value >= 0xFFF8;
}

std::optional<std::vector<uint32_t>> FatReader::chain(uint32_t first, uint32_t max) {
  std::vector<uint32_t> out;
  uint32_t c = first;
  for (;;) {
    if (out.size() >= max || c < 2 || c >= g_.clusters + 2) return std::nullopt;
    out.push_back(c);
    std::optional<uint32_t> v = next(c);
    if (!v) return std::nullopt;
    if (is_end(*v)) return out;
    c = *v;
  }
}

bool FatReader::read_cluster(uint32_t cluster, std::vector<uint8_t>& out) {
  out.resize(g_.cluster_bytes());
  uint64_t lba = g_.cluster_lba(cluster);
  for (uint32_t s = 0; s < g_.sectors_per_cluster; ++s)
    if (!read_(lba + s, std::span<uint8_t>(out.data() + s * 512, 512))) return false;
  return true;
}

std::optional<std::vector<FatEntry>> FatReader::list(uint32_t first_cluster) {
  std::vector<uint8_t> bytes, buf;
  if (first_cluster == 0 && g_.type == FatType::Fat16) {
    bytes.resize(g_.root_dir_sectors() * 512);
    uint64_t lba = FatGeometry::kPartitionStart + g_.reserved_sectors + 2 * g_.fat_sectors;
    for (uint32_t s = 0; s < g_.root_dir_sectors(); ++s)
      if (!read_(lba + s, std::span<uint8_t>(bytes.data() + s * 512, 512))) return std::nullopt;
  } else {
    uint32_t first = first_cluster == 0 ? g_.root_cluster : first_cluster;
    auto clusters = chain(first, std::max<uint32_t>(1, (2u << 20) / g_.cluster_bytes()));  // 2 MiB at most
    if (!clusters) return std::nullopt;
    for (uint32_t c : *clusters) {
      if (!read_cluster(c, buf)) return std::nullopt;
      bytes.insert(bytes.end(), buf.begin(), buf.end());
    }
  }
  std::vector<FatEntry> out;
  std::u16string lfn;  // the long name gathered so far
  int lfn_next = 0;    // the sequence number expected next (0: none)
  uint8_t lfn_sum = 0;
  for (size_t at = 0; at + 32 <= bytes.size(); at += 32) {
    const uint8_t* e = bytes.data() + at;
    if (e[0] == 0x00) break;
    if (e[0] == 0xE5) {
      lfn_next = 0;
      continue;
    }
    if ((e[11] & 0x3F) == 0x0F) {  // a long-name part
      int seq = e[0] & 0x1F;
      if (e[0] & 0x40) {
        lfn.assign(size_t(seq) * 13, 0);
        lfn_sum = e[13];
        lfn_next = seq;
      }
      if (seq == 0 || seq != lfn_next || e[13] != lfn_sum) {
        lfn_next = 0;
        continue;
      }
      static constexpr int kOffsets[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
      for (int k = 0; k < 13; ++k) lfn[size_t(seq - 1) * 13 + k] = char16_t(get16(e + kOffsets[k]));
      --lfn_next;
      if (lfn_next == 0) lfn_next = -1;  // complete: the short entry comes next
      continue;
    }
    bool have_lfn = lfn_next == -1;
    lfn_next = 0;
    if (e[11] & 0x08) continue;  // the volume label
    FatEntry fe;
    std::memcpy(fe.short_name.data(), e, 11);
    if (fe.short_name[0] == 0x05) fe.short_name[0] = char(0xE5);
    if (short_name_text(fe.short_name) == "." || short_name_text(fe.short_name) == "..") continue;
    fe.directory = e[11] & 0x10;
    fe.first_cluster = uint32_t(get16(e + 26)) | (g_.type == FatType::Fat32 ? uint32_t(get16(e + 20)) << 16 : 0);
    fe.size = get32(e + 28);
    if (have_lfn && lfn_checksum(fe.short_name) == lfn_sum) {
      std::u16string name = lfn.substr(0, lfn.find(char16_t(0)));
      fe.name = utf16_to_utf8(name);
      fe.has_long_name = true;
    } else {
      fe.name = short_name_text(fe.short_name);
    }
    out.push_back(std::move(fe));
  }
  return out;
}

bool FatReader::read_file(const FatEntry& e, const std::function<bool(std::span<const uint8_t>)>& sink) {
  if (e.size == 0) return true;
  uint32_t need = uint32_t((uint64_t{e.size} + g_.cluster_bytes() - 1) / g_.cluster_bytes());
  if (need > g_.clusters) return false;
  // The first `need` clusters of its chain (a longer chain is cut, as DOS reads it).
  std::vector<uint32_t> clusters;
  for (uint32_t c = e.first_cluster; clusters.size() < need;) {
    if (c < 2 || c >= g_.clusters + 2) return false;
    clusters.push_back(c);
    if (clusters.size() == need) break;
    std::optional<uint32_t> v = next(c);
    if (!v || is_end(*v)) return false;
    c = *v;
  }
  std::vector<uint8_t> buf;
  uint64_t left = e.size;
  for (uint32_t c : clusters) {
    if (!read_cluster(c, buf)) return false;
    size_t n = size_t(std::min<uint64_t>(left, buf.size()));
    if (!sink(std::span<const uint8_t>(buf.data(), n))) return false;
    left -= n;
  }
  return true;
}

}  // namespace pxos
