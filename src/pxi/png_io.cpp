#include "pxi/png_io.h"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include "pxi/format.h"

// libpng reports errors by longjmp. Every function below that calls into libpng
// after setjmp keeps only trivially destructible locals, so the jump skips no
// destructor; C++ objects (vectors, exceptions) live in the callers.

namespace pxos::pxi {
namespace {

struct ReadState {
  const uint8_t* data;
  size_t size;
  size_t pos;
  bool truncated;
  bool too_large;  // libpng warned that a dimension exceeds its limits
  char message[160];
};

void on_error(png_structp png, png_const_charp msg) {
  auto* st = static_cast<ReadState*>(png_get_error_ptr(png));
  if (st) std::snprintf(st->message, sizeof st->message, "%s", msg);
  png_longjmp(png, 1);
}
void on_warning(png_structp png, png_const_charp msg) {
  auto* st = static_cast<ReadState*>(png_get_error_ptr(png));
  if (st && std::strstr(msg, "exceeds")) st->too_large = true;
}
void on_write_warning(png_structp, png_const_charp) {}

void read_fn(png_structp png, png_bytep out, png_size_t n) {
  auto* st = static_cast<ReadState*>(png_get_io_ptr(png));
  if (n > st->size - st->pos) {
    st->truncated = true;
    png_error(png, "unexpected end of file");
  }
  std::memcpy(out, st->data + st->pos, n);
  st->pos += n;
}

struct Ihdr {
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  int passes;
};

// Phase 1: signature and IHDR. Returns false on a libpng error.
bool read_info(png_structp png, png_infop info, Ihdr* h, uint32_t max_width) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_user_limits(png, std::max<uint32_t>(max_width, 1u << 24), 0x7fffffff);
  png_set_chunk_malloc_max(png, 8u << 20);
  png_read_info(png, info);
  png_get_IHDR(png, info, &h->width, &h->height, &h->bit_depth, &h->color_type, &h->interlace, nullptr, nullptr);
  h->passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return true;
}

// Phase 2: the pixels into rows (all passes).
bool read_rows(png_structp png, png_infop info, uint8_t* pixels, const Ihdr* h) {
  if (setjmp(png_jmpbuf(png))) return false;
  const size_t stride = size_t(h->width) * 4;
  for (int pass = 0; pass < h->passes; ++pass)
    for (png_uint_32 y = 0; y < h->height; ++y) png_read_row(png, pixels + stride * y, nullptr);
  png_read_end(png, nullptr);
  (void)info;
  return true;
}

struct WriteState {
  std::vector<uint8_t>* out;
  char message[160];
};
void write_fn(png_structp png, png_bytep data, png_size_t n) {
  auto* st = static_cast<WriteState*>(png_get_io_ptr(png));
  bool failed = false;
  try {
    st->out->insert(st->out->end(), data, data + n);
  } catch (...) {
    failed = true;  // no exception may cross libpng's C frames
  }
  if (failed) png_error(png, "out of memory");
}
void flush_fn(png_structp) {}
void on_write_error(png_structp png, png_const_charp msg) {
  auto* st = static_cast<WriteState*>(png_get_error_ptr(png));
  if (st) std::snprintf(st->message, sizeof st->message, "%s", msg);
  png_longjmp(png, 1);
}

bool write_all(png_structp png, png_infop info, const uint8_t* rgba, uint32_t w, uint32_t h, int compression) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, compression);
  if (compression <= 1) png_set_filter(png, 0, PNG_FILTER_NONE);
  png_write_info(png, info);
  const size_t stride = size_t(w) * 4;
  for (uint32_t y = 0; y < h; ++y) png_write_row(png, rgba + stride * y);
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

Image read_png_rgba8(std::span<const uint8_t> file, uint64_t max_pixels, uint32_t max_width) {
  if (file.size() < 8 || png_sig_cmp(file.data(), 0, 8) != 0) {
    if (file.size() < 8 && file.size() > 0 && png_sig_cmp(file.data(), 0, file.size()) == 0)
      throw Error(Errc::kTruncated, "truncated PNG: " + std::to_string(file.size()) + " bytes");
    throw Error(Errc::kBadPng, "not a PNG file");
  }
  ReadState st{file.data(), file.size(), 0, false, false, {}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st, on_error, on_warning);
  if (!png) throw Error(Errc::kBadPng, "libpng: out of memory");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    throw Error(Errc::kBadPng, "libpng: out of memory");
  }
  png_set_read_fn(png, &st, read_fn);
  Ihdr h{};
  Image img;
  bool ok = read_info(png, info, &h, max_width);
  std::string err;
  Errc code = Errc::kBadPng;
  if (!ok) {
    if (st.truncated)
      code = Errc::kTruncated;
    else if (st.too_large)
      code = Errc::kTooLarge;
    err = std::string("PNG header: ") + st.message;
  } else if (h.bit_depth != 8 || h.color_type != PNG_COLOR_TYPE_RGBA) {
    code = Errc::kNotRgba8;
    err = "PNG is not 8-bit RGBA (bit depth " + std::to_string(h.bit_depth) + ", colour type " +
          std::to_string(h.color_type) + "); PXI needs colour type 6, depth 8";
    ok = false;
  } else if (h.width > max_width || uint64_t(h.width) * h.height > max_pixels) {
    code = Errc::kTooLarge;
    err = "PNG of " + std::to_string(h.width) + "x" + std::to_string(h.height) + " pixels exceeds the limit (" +
          std::to_string(max_width) + " wide, " + std::to_string(max_pixels) + " pixels)";
    ok = false;
  }
  if (ok) {
    try {
      img.width = h.width;
      img.height = h.height;
      img.rgba.resize(size_t(h.width) * h.height * 4);
    } catch (...) {
      png_destroy_read_struct(&png, &info, nullptr);
      throw;
    }
    if (!read_rows(png, info, img.rgba.data(), &h)) {
      ok = false;
      code = st.truncated ? Errc::kTruncated : Errc::kBadPng;
      err = std::string(st.truncated ? "truncated PNG: " : "corrupt PNG: ") + st.message;
    }
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok) throw Error(code, err);
  return img;
}

std::vector<uint8_t> write_png_rgba8(const uint8_t* rgba, uint32_t width, uint32_t height, int compression) {
  std::vector<uint8_t> out;
  WriteState st{&out, {}};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st, on_write_error, on_write_warning);
  if (!png) throw Error(Errc::kBadPng, "libpng: out of memory");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    throw Error(Errc::kBadPng, "libpng: out of memory");
  }
  png_set_write_fn(png, &st, write_fn, flush_fn);
  const bool ok = write_all(png, info, rgba, width, height, compression);
  png_destroy_write_struct(&png, &info);
  if (!ok) throw Error(Errc::kBadPng, std::string("PNG encoding failed: ") + st.message);
  return out;
}

}  // namespace pxos::pxi
