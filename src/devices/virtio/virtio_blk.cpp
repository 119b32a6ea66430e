#include "devices/virtio/virtio_blk.h"

#include <algorithm>
#include <array>
#include <ostream>
#include <vector>

#include "devices/virtio/virtio_regs.h"

namespace pxos {

namespace {

constexpr uint32_t kSector = DiskImage::kSectorSize;
constexpr uint64_t kChunkBytes = 64 * 1024;  // disk I/O in pieces of this size
constexpr uint32_t kDiscardUnmap = 1;        // a segment's flags: may unmap (write zeroes only)

uint64_t le(std::span<const uint8_t> d) {
  uint64_t v = 0;
  for (size_t i = 0; i < d.size() && i < 8; ++i) v |= uint64_t{d[i]} << (8 * i);
  return v;
}

template <size_t N>
void put(std::array<uint8_t, N>& a, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) a[at + i] = uint8_t(v >> (8 * i));
}

bool in_disk(uint64_t sector, uint64_t count, uint64_t capacity) {
  return count <= capacity && sector <= capacity - count;
}

}  // namespace

VirtioBlk::VirtioBlk(std::string name, DiskImage& disk, std::string id)
    : name_(std::move(name)), disk_(disk), id_(std::move(id)) {}

uint64_t VirtioBlk::device_features() const {
  using virtio::bit;
  return bit(kFeatureSegMax) | bit(kFeatureGeometry) | bit(kFeatureBlkSize) | bit(kFeatureFlush) |
         bit(kFeatureDiscard) | bit(kFeatureWriteZeroes);
}

void VirtioBlk::read_config(uint32_t offset, std::span<uint8_t> data) {
  std::array<uint8_t, kConfigSize> c{};
  const Geometry& g = disk_.geometry();
  put(c, 0x00, disk_.sector_count(), 8);
  put(c, 0x0C, kSegMax, 4);
  put(c, 0x10, std::min<uint32_t>(g.cylinders, 0xFFFF), 2);
  put(c, 0x12, g.heads, 1);
  put(c, 0x13, g.sectors, 1);
  put(c, 0x14, kSector, 4);
  put(c, 0x24, kMaxDiscardSectors, 4);
  put(c, 0x28, kMaxDiscardSegments, 4);
  put(c, 0x2C, 1, 4);
  put(c, 0x30, kMaxDiscardSectors, 4);
  put(c, 0x34, kMaxDiscardSegments, 4);
  put(c, 0x38, 1, 1);
  for (size_t i = 0; i < data.size(); ++i) data[i] = offset + i < c.size() ? c[offset + i] : 0;
}

void VirtioBlk::process(int, Virtqueue& q) {
  while (std::optional<DescriptorChain> chain = q.pop()) {
    uint32_t written = 0;
    handle(q.memory(), *chain, written);
    q.push(chain->head, written);
  }
}

// One request; `written` gets the bytes written into the chain, the status
// byte included. Returns the status.
uint8_t VirtioBlk::handle(GuestMemory& mem, const DescriptorChain& chain, uint32_t& written) {
  // The status byte is the last writable byte; the data writable before it.
  std::vector<GuestBuffer> data_out = chain.writable;
  while (!data_out.empty() && data_out.back().len == 0) data_out.pop_back();
  if (data_out.empty()) {
    ++stats_.bad_chains;
    return kStatusIoErr;
  }
  uint64_t status_addr = data_out.back().addr + data_out.back().len - 1;
  if (--data_out.back().len == 0) data_out.pop_back();

  ChainReader in(mem, chain.readable);
  ChainWriter out(mem, data_out);
  std::array<uint8_t, kHeaderBytes> header{};
  uint8_t status = kStatusIoErr;
  if (in.read(header) == kHeaderBytes) {
    uint32_t type = uint32_t(le({&header[0], 4}));
    uint64_t sector = le({&header[8], 8});
    switch (type) {
      case kTypeIn:
        ++stats_.reads;
        status = read_sectors(out, sector, out.remaining());
        break;
      case kTypeOut:
        ++stats_.writes;
        status = write_sectors(in, sector, in.remaining());
        break;
      case kTypeFlush:
        ++stats_.flushes;
        status = disk_.flush() ? kStatusOk : kStatusIoErr;
        break;
      case kTypeGetId: {
        ++stats_.get_ids;
        std::array<uint8_t, kIdBytes> id{};
        std::copy_n(id_.begin(), std::min<size_t>(id_.size(), kIdBytes), id.begin());
        out.write({id.data(), size_t(std::min<uint64_t>(out.remaining(), kIdBytes))});
        status = kStatusOk;
        break;
      }
      case kTypeDiscard:
        ++stats_.discards;
        status = zero_ranges(in, true);
        break;
      case kTypeWriteZeroes:
        ++stats_.write_zeroes;
        status = zero_ranges(in, false);
        break;
      default: status = kStatusUnsupported;
    }
  }
  if (status == kStatusIoErr) ++stats_.io_errors;
  if (status == kStatusUnsupported) ++stats_.unsupported;
  mem.write8(status_addr, status);
  written = uint32_t(std::min<uint64_t>(out.written() + 1, UINT32_MAX));
  return status;
}

uint8_t VirtioBlk::read_sectors(ChainWriter& out, uint64_t sector, uint64_t bytes) {
  if (bytes % kSector || !in_disk(sector, bytes / kSector, disk_.sector_count())) return kStatusIoErr;
  std::vector<uint8_t> buf(size_t(std::min(bytes, kChunkBytes)));
  for (uint64_t done = 0; done < bytes;) {
    uint64_t n = std::min(bytes - done, kChunkBytes);
    if (!disk_.read(sector + done / kSector, uint32_t(n / kSector), buf)) return kStatusIoErr;
    out.write({buf.data(), size_t(n)});
    done += n;
  }
  stats_.bytes_read += bytes;
  return kStatusOk;
}

uint8_t VirtioBlk::write_sectors(ChainReader& in, uint64_t sector, uint64_t bytes) {
  if (bytes % kSector || !in_disk(sector, bytes / kSector, disk_.sector_count())) return kStatusIoErr;
  std::vector<uint8_t> buf(size_t(std::min(bytes, kChunkBytes)));
  for (uint64_t done = 0; done < bytes;) {
    uint64_t n = std::min(bytes - done, kChunkBytes);
    in.read({buf.data(), size_t(n)});
    if (!disk_.write(sector + done / kSector, uint32_t(n / kSector), {buf.data(), size_t(n)})) return kStatusIoErr;
    done += n;
  }
  stats_.bytes_written += bytes;
  return kStatusOk;
}

// DISCARD and WRITE_ZEROES: segments of sector u64, num_sectors u32, flags
// u32. Both make the ranges read as zeros.
uint8_t VirtioBlk::zero_ranges(ChainReader& in, bool discard) {
  uint64_t bytes = in.remaining();
  if (bytes == 0 || bytes % kSegmentBytes || bytes / kSegmentBytes > kMaxDiscardSegments) return kStatusIoErr;
  struct Segment {
    uint64_t sector;
    uint32_t count, flags;
  };
  std::vector<Segment> segments;
  for (uint64_t i = 0; i < bytes / kSegmentBytes; ++i) {
    std::array<uint8_t, kSegmentBytes> s{};
    in.read(s);
    Segment seg{le({&s[0], 8}), uint32_t(le({&s[8], 4})), uint32_t(le({&s[12], 4}))};
    if (seg.flags & ~(discard ? 0u : kDiscardUnmap)) return kStatusUnsupported;
    if (seg.count > kMaxDiscardSectors || !in_disk(seg.sector, seg.count, disk_.sector_count())) return kStatusIoErr;
    segments.push_back(seg);
  }
  for (const Segment& seg : segments)
    if (!disk_.write_zeroes(seg.sector, seg.count)) return kStatusIoErr;
  return kStatusOk;
}

void VirtioBlk::print_stats(std::ostream& os) const {
  const Stats& s = stats_;
  os << "  " << name_ << ": " << s.reads << " reads (" << s.bytes_read << " bytes), " << s.writes << " writes ("
     << s.bytes_written << " bytes), " << s.flushes << " flushes, " << s.discards << " discards, " << s.write_zeroes
     << " write-zeroes, " << s.get_ids << " GET_IDs, " << s.io_errors << " I/O errors, " << s.unsupported
     << " unsupported, " << s.bad_chains << " chains without a status byte\n";
}

}  // namespace pxos
