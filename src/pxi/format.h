// PXI v1: a batch of device operations stored as an RGBA image, one pixel per
// operation. docs/PXI.md is the specification; this header is its C++ face.
//
// Error model (the library boundary): loading, parsing and writing throw
// pxi::Error. Checking the operations themselves is data, not an exception:
// validate_ops() and every Executor report the first invalid op in their
// result, because GPU backends compute it alongside the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pxos::pxi {

inline constexpr uint8_t kMagic[4] = {'P', 'X', 'I', 0x1A};
inline constexpr uint8_t kVersion = 1;
inline constexpr uint8_t kClassUart16550 = 0x01;
inline constexpr size_t kHeaderBytes = 24;      // the fields, in both forms
inline constexpr size_t kHeaderPixels = 8;      // 24 bytes, 3 per pixel (R, G, B; A = 255)
inline constexpr size_t kRawHeaderBytes = 512;  // raw form: the header sector
inline constexpr size_t kRawSector = 512;
inline constexpr uint32_t kMinWidth = 8;
inline constexpr uint32_t kMaxWidth = 16384;
inline constexpr uint32_t kDefaultWidth = 256;
inline constexpr uint32_t kMaxOps = 1u << 25;            // 32 Mi ops = 128 MiB of pixels: the memory bound
inline constexpr uint64_t kMaxFileBytes = 160ull << 20;  // a PXI file of kMaxOps ops is under 129 MiB

// One op pixel packed little-endian: R in bits 0..7, G 8..15, B 16..23, A 24..31.
// This equals the four bytes R, G, B, A in memory order on a little-endian host.
using Pixel = uint32_t;
constexpr Pixel make_pixel(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  return Pixel(r) | Pixel(g) << 8 | Pixel(b) << 16 | Pixel(a) << 24;
}
constexpr uint8_t px_r(Pixel p) { return uint8_t(p); }
constexpr uint8_t px_g(Pixel p) { return uint8_t(p >> 8); }
constexpr uint8_t px_b(Pixel p) { return uint8_t(p >> 16); }
constexpr uint8_t px_a(Pixel p) { return uint8_t(p >> 24); }

enum class Errc : uint8_t {
  kOk = 0,
  // Op errors (numbering shared with the GLSL and CUDA kernels).
  kUnknownOp = 1,        // A is not a defined op type
  kDivisorZero = 2,      // WRITE/SET-LINE with G == 0
  kLcrReserved = 3,      // WRITE/SET-LINE with B bit 6 or 7 set
  kReservedNonZero = 4,  // a field the op does not use is not zero
  // File and header errors.
  kIo = 16,
  kTruncated,
  kBadMagic,
  kBadVersion,
  kBadClass,
  kBadHeaderCrc,
  kBadReserved,
  kBadWidth,
  kOpCountTooLarge,
  kBadOpsCrc,
  kNotRgba8,
  kTooLarge,
  kBadPng,
  kSyntax,  // the text op listing
  kUsage,
};
const char* errc_name(Errc c);

inline constexpr uint64_t kNoOp = ~uint64_t{0};

class Error : public std::runtime_error {
 public:
  Error(Errc code, std::string msg, uint64_t op = kNoOp, uint32_t x = 0, uint32_t y = 0)
      : std::runtime_error(std::move(msg)), code_(code), op_(op), x_(x), y_(y) {}
  Errc code() const { return code_; }
  uint64_t op_index() const { return op_; }  // kNoOp when the error is not about one op
  uint32_t x() const { return x_; }
  uint32_t y() const { return y_; }

 private:
  Errc code_;
  uint64_t op_;
  uint32_t x_, y_;
};

struct Header {
  uint8_t version = kVersion;
  uint8_t device_class = kClassUart16550;
  uint16_t width = kDefaultWidth;  // op pixels per PNG row; kept in the raw form too
  uint32_t op_count = 0;
  uint32_t ops_crc32 = 0;
};

enum class Form { kPng, kRaw };

struct Program {
  Header header;
  std::vector<Pixel> ops;  // op_count pixels, raster order
  Form form = Form::kPng;  // where it was loaded from

  // Where op i lives in the PNG form (the header is row 0).
  uint32_t op_x(uint64_t i) const { return uint32_t(i % header.width); }
  uint32_t op_y(uint64_t i) const { return uint32_t(1 + i / header.width); }
};

uint32_t crc32_ops(std::span<const Pixel> ops);

// Builds a program (header filled in, CRC computed). Throws kBadWidth / kTooLarge.
Program make_program(std::vector<Pixel> ops, uint32_t width = kDefaultWidth, uint8_t device_class = kClassUart16550);

// The 24 header bytes (little-endian fields + header CRC) and their parser.
std::vector<uint8_t> encode_header(const Header& h);
Header decode_header(std::span<const uint8_t> bytes);  // throws; checks magic..header CRC

// Serialisation. All parsers check the whole program (header, sizes, ops CRC) but
// not the op semantics (see validate_ops).
std::vector<uint8_t> to_raw(const Program& p);
Program from_raw(std::span<const uint8_t> bytes);
std::vector<uint8_t> to_png(const Program& p, int compression = 6);
Program from_png(std::span<const uint8_t> bytes);
Program parse(std::span<const uint8_t> bytes);  // by content: PNG signature or PXI magic

std::vector<uint8_t> read_file(const std::string& path, uint64_t max_bytes = kMaxFileBytes);
void write_file(const std::string& path, std::span<const uint8_t> bytes);
Program load(const std::string& path);
void save(const Program& p, const std::string& path);  // .png -> PNG form, .pxr -> raw form, else kUsage

// Program builders for the CLI's `build`.
std::vector<Pixel> ops_from_bytes(std::span<const uint8_t> data, uint8_t divisor = 1, uint8_t lcr = 3);
std::vector<Pixel> ops_from_text(std::string_view listing);  // docs/PXI.md "Op listing"; throws kSyntax

}  // namespace pxos::pxi
