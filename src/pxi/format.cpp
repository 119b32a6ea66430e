#include "pxi/format.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "host/host_file.h"
#include "pxi/png_io.h"

namespace pxos::pxi {
namespace {

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint32_t crc32_bytes(const uint8_t* p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const uInt chunk = n > (1u << 30) ? (1u << 30) : uInt(n);
    c = crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(c);
}

// The header field at byte offset `off` lives in header pixel off / 3 of row 0.
Error header_error(Errc c, const std::string& msg, size_t off) {
  return Error(c, msg + " (header pixel (" + std::to_string(off / 3) + ", 0))", kNoOp, uint32_t(off / 3), 0);
}

void check_width(uint32_t w) {
  if (w < kMinWidth || w > kMaxWidth)
    throw Error(Errc::kBadWidth, "row width " + std::to_string(w) + " is outside " + std::to_string(kMinWidth) + ".." +
                                     std::to_string(kMaxWidth));
}

void check_ops_crc(const Program& p) {
  const uint32_t c = crc32_ops(p.ops);
  if (c != p.header.ops_crc32)
    throw Error(Errc::kBadOpsCrc, "op pixels CRC-32 mismatch: header says " + hex32(p.header.ops_crc32) + ", the " +
                                      std::to_string(p.ops.size()) + " op pixels give " + hex32(c));
}

}  // namespace

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::kOk:
      return "ok";
    case Errc::kUnknownOp:
      return "unknown-op";
    case Errc::kDivisorZero:
      return "divisor-zero";
    case Errc::kLcrReserved:
      return "lcr-reserved-bits";
    case Errc::kReservedNonZero:
      return "reserved-field-nonzero";
    case Errc::kIo:
      return "io";
    case Errc::kTruncated:
      return "truncated";
    case Errc::kBadMagic:
      return "bad-magic";
    case Errc::kBadVersion:
      return "bad-version";
    case Errc::kBadClass:
      return "bad-device-class";
    case Errc::kBadHeaderCrc:
      return "bad-header-crc";
    case Errc::kBadReserved:
      return "bad-reserved";
    case Errc::kBadWidth:
      return "bad-width";
    case Errc::kOpCountTooLarge:
      return "op-count-too-large";
    case Errc::kBadOpsCrc:
      return "ops-crc-mismatch";
    case Errc::kNotRgba8:
      return "not-rgba8";
    case Errc::kTooLarge:
      return "too-large";
    case Errc::kBadPng:
      return "bad-png";
    case Errc::kSyntax:
      return "syntax";
    case Errc::kUsage:
      return "usage";
  }
  return "?";
}

uint32_t crc32_ops(std::span<const Pixel> ops) {
  static_assert(sizeof(Pixel) == 4);
  // Pixels are stored as R, G, B, A bytes: on a little-endian host the packed
  // words already are that byte sequence.
  if constexpr (std::endian::native == std::endian::little) {
    return crc32_bytes(reinterpret_cast<const uint8_t*>(ops.data()), ops.size() * 4);
  } else {
    uLong c = crc32(0L, Z_NULL, 0);
    for (Pixel p : ops) {
      uint8_t b[4];
      put32(b, p);
      c = crc32(c, b, 4);
    }
    return uint32_t(c);
  }
}

Program make_program(std::vector<Pixel> ops, uint32_t width, uint8_t device_class) {
  check_width(width);
  if (ops.size() > kMaxOps)
    throw Error(Errc::kTooLarge, std::to_string(ops.size()) + " ops exceed the limit of " + std::to_string(kMaxOps));
  Program p;
  p.header.device_class = device_class;
  p.header.width = uint16_t(width);
  p.header.op_count = uint32_t(ops.size());
  p.ops = std::move(ops);
  p.header.ops_crc32 = crc32_ops(p.ops);
  return p;
}

std::vector<uint8_t> encode_header(const Header& h) {
  std::vector<uint8_t> b(kHeaderBytes, 0);
  std::memcpy(b.data(), kMagic, 4);
  b[4] = h.version;
  b[5] = h.device_class;
  b[6] = uint8_t(h.width);
  b[7] = uint8_t(h.width >> 8);
  put32(&b[8], h.op_count);
  put32(&b[12], h.ops_crc32);
  put32(&b[16], 0);
  put32(&b[20], crc32_bytes(b.data(), 20));
  return b;
}

Header decode_header(std::span<const uint8_t> b) {
  if (b.size() < kHeaderBytes)
    throw Error(Errc::kTruncated, "truncated header: " + std::to_string(b.size()) + " of 24 bytes");
  if (std::memcmp(b.data(), kMagic, 4) != 0) throw header_error(Errc::kBadMagic, "bad magic: not a PXI program", 0);
  Header h;
  h.version = b[4];
  if (h.version != kVersion)
    throw header_error(Errc::kBadVersion, "unsupported PXI version " + std::to_string(h.version) + " (this is v1)", 4);
  const uint32_t want = get32(&b[20]), got = crc32_bytes(b.data(), 20);
  if (want != got)
    throw header_error(Errc::kBadHeaderCrc,
                       "header CRC-32 mismatch: stored " + hex32(want) + ", computed " + hex32(got), 20);
  h.device_class = b[5];
  if (h.device_class != kClassUart16550)
    throw header_error(Errc::kBadClass, "unknown device class " + std::to_string(h.device_class) + " (1 = UART 16550)",
                       5);
  if (get32(&b[16]) != 0) throw header_error(Errc::kBadReserved, "reserved header field is not zero", 16);
  h.width = uint16_t(b[6] | b[7] << 8);
  if (h.width < kMinWidth || h.width > kMaxWidth)
    throw header_error(Errc::kBadWidth, "row width " + std::to_string(h.width) + " is outside 8..16384", 6);
  h.op_count = get32(&b[8]);
  h.ops_crc32 = get32(&b[12]);
  if (h.op_count > kMaxOps)
    throw header_error(Errc::kTooLarge,
                       "op count " + std::to_string(h.op_count) + " exceeds the limit of " + std::to_string(kMaxOps),
                       8);
  return h;
}

std::vector<uint8_t> to_raw(const Program& p) {
  const size_t payload = p.ops.size() * 4;
  const size_t total = kRawHeaderBytes + (payload + kRawSector - 1) / kRawSector * kRawSector;
  std::vector<uint8_t> out(total, 0);
  const auto h = encode_header(p.header);
  std::memcpy(out.data(), h.data(), h.size());
  for (size_t i = 0; i < p.ops.size(); ++i) put32(&out[kRawHeaderBytes + 4 * i], p.ops[i]);
  return out;
}

Program from_raw(std::span<const uint8_t> b) {
  Program p;
  p.form = Form::kRaw;
  p.header = decode_header(b);
  if (b.size() < kRawHeaderBytes)
    throw Error(Errc::kTruncated,
                "truncated raw PXI: " + std::to_string(b.size()) + " bytes, the header sector is 512");
  const uint64_t need = kRawHeaderBytes + uint64_t(p.header.op_count) * 4;
  if (b.size() < need) {
    const uint64_t have_ops = (b.size() - kRawHeaderBytes) / 4;
    throw Error(Errc::kTruncated,
                "truncated raw PXI: " + std::to_string(b.size()) + " bytes, " + std::to_string(p.header.op_count) +
                    " ops need " + std::to_string(need) + "; op " + std::to_string(have_ops) + " at pixel (" +
                    std::to_string(have_ops % p.header.width) + ", " + std::to_string(1 + have_ops / p.header.width) +
                    ") is missing",
                have_ops, uint32_t(have_ops % p.header.width), uint32_t(1 + have_ops / p.header.width));
  }
  p.ops.resize(p.header.op_count);
  for (size_t i = 0; i < p.ops.size(); ++i) p.ops[i] = get32(&b[kRawHeaderBytes + 4 * i]);
  check_ops_crc(p);
  return p;
}

std::vector<uint8_t> to_png(const Program& p, int compression) {
  const uint32_t w = p.header.width;
  check_width(w);
  const uint64_t rows = (p.ops.size() + w - 1) / w;
  const uint32_t h = uint32_t(1 + rows);
  std::vector<uint8_t> px(size_t(w) * h * 4, 0);
  // Header row: opaque black, the first 8 pixels carry the header bytes in R, G, B.
  for (uint32_t x = 0; x < w; ++x) px[4 * x + 3] = 0xFF;
  const auto hb = encode_header(p.header);
  for (size_t i = 0; i < kHeaderBytes; ++i) px[4 * (i / 3) + i % 3] = hb[i];
  for (size_t i = 0; i < p.ops.size(); ++i) put32(&px[4 * (w + i)], p.ops[i]);
  return write_png_rgba8(px.data(), w, h, compression);
}

Program from_png(std::span<const uint8_t> b) {
  const Image img = read_png_rgba8(b, uint64_t(kMaxOps) + 2ull * kMaxWidth, kMaxWidth);
  if (img.width < kMinWidth)
    throw Error(Errc::kBadWidth, "PNG is " + std::to_string(img.width) + " pixels wide; PXI needs at least 8");
  uint8_t hb[kHeaderBytes];
  for (size_t i = 0; i < kHeaderBytes; ++i) hb[i] = img.rgba[4 * (i / 3) + i % 3];
  Program p;
  p.form = Form::kPng;
  p.header = decode_header(hb);
  if (p.header.width != img.width)
    throw header_error(Errc::kBadWidth,
                       "header says rows are " + std::to_string(p.header.width) + " pixels, the PNG is " +
                           std::to_string(img.width) + " wide",
                       6);
  const uint64_t capacity = uint64_t(img.width) * (img.height - 1);
  if (p.header.op_count > capacity)
    throw Error(Errc::kOpCountTooLarge,
                "op count " + std::to_string(p.header.op_count) + " is larger than the image holds (" +
                    std::to_string(capacity) + " op pixels in " + std::to_string(img.width) + "x" +
                    std::to_string(img.height) + "); op " + std::to_string(capacity) + " would be pixel (" +
                    std::to_string(capacity % img.width) + ", " + std::to_string(1 + capacity / img.width) + ")",
                capacity, uint32_t(capacity % img.width), uint32_t(1 + capacity / img.width));
  p.ops.resize(p.header.op_count);
  const uint8_t* src = img.rgba.data() + size_t(img.width) * 4;
  for (size_t i = 0; i < p.ops.size(); ++i) p.ops[i] = get32(src + 4 * i);
  check_ops_crc(p);
  return p;
}

Program parse(std::span<const uint8_t> b) {
  static constexpr uint8_t kPngSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 4 && std::memcmp(b.data(), kMagic, 4) == 0) return from_raw(b);
  if (b.size() >= 8 && std::memcmp(b.data(), kPngSig, 8) == 0) return from_png(b);
  if (b.empty()) throw Error(Errc::kTruncated, "empty file");
  if (b.size() < 8 && (std::memcmp(b.data(), kPngSig, b.size()) == 0 ||
                       std::memcmp(b.data(), kMagic, std::min<size_t>(4, b.size())) == 0))
    throw Error(Errc::kTruncated, "truncated file: " + std::to_string(b.size()) + " bytes");
  throw Error(Errc::kBadMagic, "bad magic: neither a PXI PNG nor a raw PXI program");
}

std::vector<uint8_t> read_file(const std::string& path, uint64_t max_bytes) {
  HostFile f = read_host_file(path, max_bytes);
  if (f.status == HostFile::Status::TooLarge) throw Error(Errc::kTooLarge, f.error);
  if (!f.ok()) throw Error(Errc::kIo, f.error);
  return std::move(f.bytes);
}

void write_file(const std::string& path, std::span<const uint8_t> bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!f) throw Error(Errc::kIo, path + ": " + std::strerror(errno));
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    throw Error(Errc::kIo, path + ": write error");
  if (std::fclose(f.release()) != 0) throw Error(Errc::kIo, path + ": write error");
}

Program load(const std::string& path) {
  const auto bytes = read_file(path);
  try {
    return parse(bytes);
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what(), e.op_index(), e.x(), e.y());
  }
}

void save(const Program& p, const std::string& path) {
  auto ends = [&](const char* s) {
    const size_t n = std::strlen(s);
    return path.size() >= n && path.compare(path.size() - n, n, s) == 0;
  };
  if (ends(".png")) return write_file(path, to_png(p, p.ops.size() > (1u << 20) ? 1 : 6));
  if (ends(".pxr")) return write_file(path, to_raw(p));
  throw Error(Errc::kUsage, path + ": output must end in .png (PNG form) or .pxr (raw form)");
}

std::vector<Pixel> ops_from_bytes(std::span<const uint8_t> data, uint8_t divisor, uint8_t lcr) {
  if (data.size() > kMaxOps)
    throw Error(Errc::kTooLarge, std::to_string(data.size()) + " bytes exceed the limit of " + std::to_string(kMaxOps));
  std::vector<Pixel> ops;
  ops.reserve(data.size());
  for (uint8_t c : data) ops.push_back(make_pixel(c, divisor, lcr, 0x01));
  return ops;
}

}  // namespace pxos::pxi
