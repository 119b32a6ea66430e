// PXI v1 format: layout, round trips and every validation error.
#include "pxi/format.h"

#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <cstring>
#include <random>

#include "pxi/corpus.h"
#include "pxi/executor.h"
#include "pxi/png_io.h"
#include "pxi/uart.h"

namespace pxos {
namespace {

using pxi::Errc;
using pxi::make_pixel;
using pxi::Pixel;

std::vector<Pixel> hello() {
  const std::string s = "Hello, pixels!\n";
  return pxi::ops_from_bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

template <class F>
Errc error_of(F f) {
  try {
    f();
  } catch (const pxi::Error& e) {
    return e.code();
  }
  return Errc::kOk;
}

void fix_header_crc(uint8_t* h) {
  const uint32_t c = uint32_t(crc32(crc32(0, nullptr, 0), h, 20));
  for (int i = 0; i < 4; ++i) h[20 + i] = uint8_t(c >> (8 * i));
}

TEST(PxiFormat, HeaderFieldsAreLittleEndianAtFixedOffsets) {
  pxi::Header h;
  h.width = 0x0123;
  h.op_count = 0x01020304;
  h.ops_crc32 = 0xA1B2C3D4;
  const auto b = pxi::encode_header(h);
  ASSERT_EQ(b.size(), 24u);
  EXPECT_EQ(0, std::memcmp(b.data(), "PXI\x1a", 4));
  EXPECT_EQ(b[4], 1);
  EXPECT_EQ(b[5], 1);
  EXPECT_EQ(b[6], 0x23);
  EXPECT_EQ(b[7], 0x01);
  EXPECT_EQ(b[8], 0x04);
  EXPECT_EQ(b[11], 0x01);
  EXPECT_EQ(b[12], 0xD4);
  EXPECT_EQ(b[15], 0xA1);
  const pxi::Header d = pxi::decode_header(b);
  EXPECT_EQ(d.width, h.width);
  EXPECT_EQ(d.op_count, h.op_count);
  EXPECT_EQ(d.ops_crc32, h.ops_crc32);
}

TEST(PxiFormat, RawLayoutIsSectorFriendly) {
  const auto p = pxi::make_program(hello(), 8);
  const auto raw = pxi::to_raw(p);
  EXPECT_EQ(raw.size(), 1024u);  // header sector + one sector of ops
  EXPECT_EQ(raw[512 + 0], 'H');  // R
  EXPECT_EQ(raw[512 + 1], 1);    // G divisor
  EXPECT_EQ(raw[512 + 2], 3);    // B lcr
  EXPECT_EQ(raw[512 + 3], 1);    // A WRITE
  for (size_t i = 24; i < 512; ++i) ASSERT_EQ(raw[i], 0) << i;
  for (size_t i = 512 + 4 * p.ops.size(); i < raw.size(); ++i) ASSERT_EQ(raw[i], 0) << i;
  const auto q = pxi::from_raw(raw);
  EXPECT_EQ(q.ops, p.ops);
  EXPECT_EQ(q.form, pxi::Form::kRaw);
  EXPECT_EQ(pxi::to_raw(pxi::make_program({}, 8)).size(), 512u);
}

TEST(PxiFormat, PngRoundTripsAtManyWidths) {
  for (uint32_t w : {8u, 9u, 64u, 256u, 4096u}) {
    for (size_t n : {size_t(0), size_t(1), size_t(8), size_t(1000)}) {
      const auto p = pxi::make_program(pxi::random_valid_ops(w * 31 + n, n), w);
      const auto png = pxi::to_png(p);
      const auto q = pxi::from_png(png);
      EXPECT_EQ(q.ops, p.ops) << w << " " << n;
      EXPECT_EQ(q.header.width, w);
      const auto r = pxi::parse(pxi::to_raw(q));
      EXPECT_EQ(r.ops, p.ops);
    }
  }
}

TEST(PxiFormat, PngHeaderRowIsOpaque) {
  const auto p = pxi::make_program(hello(), 16);
  const auto img = pxi::read_png_rgba8(pxi::to_png(p), 1 << 20, 1 << 14);
  ASSERT_EQ(img.width, 16u);
  ASSERT_EQ(img.height, 2u);
  for (uint32_t x = 0; x < 16; ++x) EXPECT_EQ(img.rgba[4 * x + 3], 0xFF) << x;
  EXPECT_EQ(img.rgba[0], 'P');
  EXPECT_EQ(img.rgba[1], 'X');
  EXPECT_EQ(img.rgba[2], 'I');
  EXPECT_EQ(img.rgba[4], 0x1A);
}

TEST(PxiFormat, HeaderErrors) {
  const auto good = pxi::to_raw(pxi::make_program(hello(), 8));
  auto bad = good;
  bad[0] = 'Q';
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadMagic);
  EXPECT_EQ(error_of([&] { pxi::parse(bad); }), Errc::kBadMagic);
  bad = good;
  bad[4] = 2;
  fix_header_crc(bad.data());
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadVersion);
  bad = good;
  bad[5] = 7;
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadHeaderCrc);
  fix_header_crc(bad.data());
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadClass);
  try {
    pxi::from_raw(bad);
  } catch (const pxi::Error& e) {
    EXPECT_EQ(e.x(), 1u);  // byte 5 lives in header pixel 1
    EXPECT_EQ(e.y(), 0u);
    EXPECT_NE(std::string(e.what()).find("(1, 0)"), std::string::npos) << e.what();
  }
  bad = good;
  bad[16] = 1;
  fix_header_crc(bad.data());
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadReserved);
  bad = good;
  bad[6] = 4;
  fix_header_crc(bad.data());
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kBadWidth);
  bad = good;
  bad[11] = 0x40;  // 1 Gi ops
  fix_header_crc(bad.data());
  EXPECT_EQ(error_of([&] { pxi::from_raw(bad); }), Errc::kTooLarge);
}

TEST(PxiFormat, OpsCrcMismatch) {
  auto raw = pxi::to_raw(pxi::make_program(hello(), 8));
  raw[512 + 4 * 3] ^= 0x20;
  EXPECT_EQ(error_of([&] { pxi::from_raw(raw); }), Errc::kBadOpsCrc);
}

TEST(PxiFormat, TruncatedFilesNameTheMissingOp) {
  const auto raw = pxi::to_raw(pxi::make_program(hello(), 8));
  for (size_t n : {size_t(0), size_t(3), size_t(23), size_t(100), size_t(511), size_t(512 + 4 * 5 + 2)}) {
    const std::vector<uint8_t> cut(raw.begin(), raw.begin() + n);
    EXPECT_EQ(error_of([&] { pxi::parse(cut); }), Errc::kTruncated) << n;
  }
  try {
    pxi::from_raw(std::vector<uint8_t>(raw.begin(), raw.begin() + 512 + 4 * 9));
    FAIL();
  } catch (const pxi::Error& e) {
    EXPECT_EQ(e.op_index(), 9u);
    EXPECT_EQ(e.x(), 1u);  // op 9 in rows of 8: (1, 2)
    EXPECT_EQ(e.y(), 2u);
  }
  const auto png = pxi::to_png(pxi::make_program(pxi::random_valid_ops(5, 5000), 64));
  for (size_t n : {size_t(5), size_t(40), png.size() / 2, png.size() - 13}) {
    const std::vector<uint8_t> cut(png.begin(), png.begin() + n);
    const Errc e = error_of([&] { pxi::parse(cut); });
    EXPECT_TRUE(e == Errc::kTruncated) << n << " " << pxi::errc_name(e);
  }
}

std::vector<uint8_t> png_of(uint32_t w, uint32_t h, int color_type, int depth) {
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep d, png_size_t n) {
        auto* v = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(p));
        v->insert(v->end(), d, d + n);
      },
      nullptr);
  png_set_IHDR(png, info, w, h, depth, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    png_color pal[2] = {{0, 0, 0}, {255, 255, 255}};
    png_set_PLTE(png, info, pal, 2);
  }
  png_write_info(png, info);
  std::vector<uint8_t> row(size_t(w) * 8, 0);
  for (uint32_t y = 0; y < h; ++y) png_write_row(png, row.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

TEST(PxiFormat, InterlacedPngIsRead) {
  const auto p = pxi::make_program(pxi::random_valid_ops(11, 777), 40);
  const auto img = pxi::read_png_rgba8(pxi::to_png(p), 1 << 20, 1 << 14);
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(
      png, &out,
      [](png_structp pp, png_bytep d, png_size_t n) {
        auto* v = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(pp));
        v->insert(v->end(), d, d + n);
      },
      nullptr);
  png_set_IHDR(png, info, img.width, img.height, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_ADAM7,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<png_bytep> rows(img.height);
  for (uint32_t y = 0; y < img.height; ++y) rows[y] = const_cast<png_bytep>(&img.rgba[size_t(y) * img.width * 4]);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  EXPECT_EQ(pxi::from_png(out).ops, p.ops);
}

TEST(PxiFormat, NonRgba8PngIsRejected) {
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(16, 4, PNG_COLOR_TYPE_RGB, 8)); }), Errc::kNotRgba8);
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(16, 4, PNG_COLOR_TYPE_RGBA, 16)); }), Errc::kNotRgba8);
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(16, 4, PNG_COLOR_TYPE_GRAY, 8)); }), Errc::kNotRgba8);
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(16, 4, PNG_COLOR_TYPE_PALETTE, 8)); }), Errc::kNotRgba8);
  // An RGBA8 PNG that is not PXI: bad magic in the header row.
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(16, 4, PNG_COLOR_TYPE_RGBA, 8)); }), Errc::kBadMagic);
  EXPECT_EQ(error_of([&] { pxi::from_png(png_of(4, 4, PNG_COLOR_TYPE_RGBA, 8)); }), Errc::kBadWidth);
}

// Rewrites the IHDR's width and height (and its CRC): a tiny file claiming a huge image.
std::vector<uint8_t> with_ihdr_size(std::vector<uint8_t> png, uint32_t w, uint32_t h) {
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = uint8_t(w >> (24 - 8 * i));
    png[20 + i] = uint8_t(h >> (24 - 8 * i));
  }
  const uint32_t c = uint32_t(crc32(crc32(0, nullptr, 0), &png[12], 17));
  for (int i = 0; i < 4; ++i) png[29 + i] = uint8_t(c >> (24 - 8 * i));
  return png;
}

TEST(PxiFormat, OversizedPngIsRejectedBeforeAllocating) {
  const auto png = pxi::to_png(pxi::make_program(hello(), 8));
  EXPECT_EQ(error_of([&] { pxi::from_png(with_ihdr_size(png, 16384, 1u << 30)); }), Errc::kTooLarge);
  EXPECT_EQ(error_of([&] { pxi::from_png(with_ihdr_size(png, 1u << 20, 2)); }), Errc::kTooLarge);
  EXPECT_EQ(error_of([&] { pxi::from_png(with_ihdr_size(png, 1u << 28, 2)); }), Errc::kTooLarge);
  EXPECT_EQ(error_of([&] { pxi::from_png(with_ihdr_size(png, 16384, 4096)); }), Errc::kTooLarge);  // 64 Mi px
}

TEST(PxiFormat, OpCountLargerThanImage) {
  // A header claiming 100 ops in an image holding 2 rows of 8.
  auto p = pxi::make_program(hello(), 8);
  p.header.op_count = 100;
  auto img = pxi::read_png_rgba8(pxi::to_png(pxi::make_program(hello(), 8)), 1 << 20, 1 << 14);
  const auto hb = pxi::encode_header(p.header);
  for (size_t i = 0; i < 24; ++i) img.rgba[4 * (i / 3) + i % 3] = hb[i];
  const auto png = pxi::write_png_rgba8(img.rgba.data(), img.width, img.height);
  try {
    pxi::from_png(png);
    FAIL();
  } catch (const pxi::Error& e) {
    EXPECT_EQ(e.code(), Errc::kOpCountTooLarge);
    EXPECT_EQ(e.op_index(), 16u);  // the first op that does not fit
    EXPECT_EQ(e.x(), 0u);
    EXPECT_EQ(e.y(), 3u);
  }
}

TEST(PxiFormat, GarbageNeverCrashes) {
  const auto png = pxi::to_png(pxi::make_program(pxi::random_valid_ops(9, 3000), 32));
  const auto raw = pxi::to_raw(pxi::make_program(pxi::random_valid_ops(9, 3000), 32));
  std::mt19937 rng(1234);
  int parsed = 0;
  for (int it = 0; it < 1500; ++it) {
    auto b = (it % 2) ? png : raw;
    const int flips = 1 + int(rng() % 8);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = uint8_t(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    try {
      pxi::parse(b);
      ++parsed;
    } catch (const pxi::Error&) {
    }
  }
  EXPECT_LT(parsed, 1500);
  EXPECT_EQ(error_of([] { pxi::parse(std::vector<uint8_t>{}); }), Errc::kTruncated);
  EXPECT_EQ(error_of([] { pxi::parse(std::vector<uint8_t>{'h', 'i'}); }), Errc::kBadMagic);
}

TEST(PxiOps, EachErrorKind) {
  using namespace pxi::uart;
  EXPECT_EQ(op_error(make_pixel(0, 0, 0, 0)), kErrNone);
  EXPECT_EQ(op_error(make_pixel('x', 1, 3, 1)), kErrNone);
  EXPECT_EQ(op_error(make_pixel(0, 96, 0x1B, 2)), kErrNone);
  EXPECT_EQ(op_error(make_pixel(0, 1, 3, 3)), kErrUnknownOp);
  EXPECT_EQ(op_error(make_pixel(0, 1, 3, 0xFF)), kErrUnknownOp);
  EXPECT_EQ(op_error(make_pixel('x', 0, 3, 1)), kErrDivisorZero);
  EXPECT_EQ(op_error(make_pixel(0, 0, 3, 2)), kErrDivisorZero);
  EXPECT_EQ(op_error(make_pixel('x', 1, 0x43, 1)), kErrLcrReserved);
  EXPECT_EQ(op_error(make_pixel('x', 1, 0x83, 1)), kErrLcrReserved);
  EXPECT_EQ(op_error(make_pixel(1, 1, 3, 2)), kErrReservedNonZero);
  EXPECT_EQ(op_error(make_pixel(0, 0, 1, 0)), kErrReservedNonZero);
}

TEST(PxiOps, ErrorsNamePixelAndIndex) {
  auto ops = hello();
  ops[11] = make_pixel('x', 0, 3, 1);
  const auto p = pxi::make_program(ops, 8);
  std::vector<uint8_t> b;
  std::vector<pxi::LineChange> c;
  const auto s = pxi::run_reference(p.ops, &b, &c);
  const auto e = pxi::first_op_error(p, s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->op_index, 11u);
  EXPECT_EQ(e->x, 3u);
  EXPECT_EQ(e->y, 2u);
  EXPECT_EQ(e->code, Errc::kDivisorZero);
  EXPECT_NE(e->message().find("op 11 at pixel (3, 2)"), std::string::npos) << e->message();
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(c.empty());
}

TEST(PxiText, Listing) {
  const auto ops = pxi::ops_from_text(
      "# a comment\n"
      "write \"Hi\\n\"   # three writes on 115200 8N1\n"
      "line 12 7E1\n"
      "write 0x41, 66\n"
      "nop 3\n"
      "nop\n"
      "pixel 1 2 3 4\n");
  ASSERT_EQ(ops.size(), 3u + 1 + 2 + 4 + 1);
  EXPECT_EQ(ops[0], make_pixel('H', 1, 3, 1));
  EXPECT_EQ(ops[2], make_pixel('\n', 1, 3, 1));
  EXPECT_EQ(ops[3], make_pixel(0, 12, 0x1A, 2));  // 7 bits (2), even parity (0x18)
  EXPECT_EQ(ops[4], make_pixel('A', 12, 0x1A, 1));
  EXPECT_EQ(ops[5], make_pixel('B', 12, 0x1A, 1));
  EXPECT_EQ(ops[6], 0u);
  EXPECT_EQ(ops[10], make_pixel(1, 2, 3, 4));
  for (const char* bad : {"write", "write \"abc", "line 0 3", "line 1 0x40", "frob", "nop 1 2", "write 256",
                          "line 1 9N1", "write \"\\q\""}) {
    EXPECT_EQ(error_of([&] { pxi::ops_from_text(bad); }), Errc::kSyntax) << bad;
  }
}

TEST(PxiFormat, FileSizeIsBoundedBeforeReading) {
  const std::string path = ::testing::TempDir() + "pxi_big.bin";
  pxi::write_file(path, std::vector<uint8_t>(4096, 7));
  EXPECT_EQ(error_of([&] { pxi::read_file(path, 1000); }), Errc::kTooLarge);
  EXPECT_EQ(pxi::read_file(path, 4096).size(), 4096u);
  EXPECT_EQ(error_of([&] { pxi::load(::testing::TempDir() + "pxi_no_such_file.png"); }), Errc::kIo);
}

}  // namespace
}  // namespace pxos
