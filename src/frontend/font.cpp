#include "frontend/font.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "frontend/cp437.h"

namespace pxos {

namespace {

constexpr size_t kMaxFontFile = 4 << 20;

std::vector<uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw FontError(path + ": cannot open font");
  std::vector<uint8_t> data;
  uint8_t buf[16384];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    data.insert(data.end(), buf, buf + n);
    if (data.size() > kMaxFontFile) break;
  }
  gzclose(f);
  if (n < 0 || data.size() > kMaxFontFile) throw FontError(path + ": unreadable or too large font");
  return data;
}

uint32_t le32(const std::vector<uint8_t>& d, size_t at) {
  return d[at] | d[at + 1] << 8 | d[at + 2] << 16 | uint32_t(d[at + 3]) << 24;
}

// Decodes one UTF-8 sequence at d[i]; returns the code point, advances i.
char32_t next_utf8(const std::vector<uint8_t>& d, size_t& i, size_t end) {
  uint8_t b = d[i++];
  int more = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  char32_t c = more == 3 ? b & 7 : more == 2 ? b & 15 : more == 1 ? b & 31 : b;
  while (more-- > 0 && i < end) c = c << 6 | (d[i++] & 0x3F);
  return c;
}

// Block elements some VGA fonts lack, drawn here (`height` rows at g):
// upper/lower/left/right half, and the shades.
bool synthesize(char32_t c, uint8_t* g, int height) {
  for (int y = 0; y < height; ++y) {
    switch (c) {
      case 0x2580: g[y] = y < height / 2 ? 0xFF : 0; break;
      case 0x2584: g[y] = y >= height / 2 ? 0xFF : 0; break;
      case 0x258C: g[y] = 0xF0; break;
      case 0x2590: g[y] = 0x0F; break;
      case 0x2591: g[y] = y % 2 ? 0x22 : 0x88; break;
      case 0x2592: g[y] = y % 2 ? 0x55 : 0xAA; break;
      case 0x2593: g[y] = y % 2 ? 0xDD : 0x77; break;
      case 0x2588: g[y] = 0xFF; break;
      default: return false;
    }
  }
  return true;
}

// The font at $`env` when set, else Debian's Uni2-VGA<height>
// (console-setup-linux).
std::string font_path(const char* env, int height) {
  const char* e = std::getenv(env);
  if (e && *e) return e;
  switch (height) {
    case 8: return "/usr/share/consolefonts/Uni2-VGA8.psf.gz";
    case 14: return "/usr/share/consolefonts/Uni2-VGA14.psf.gz";
    default: return "/usr/share/consolefonts/Uni2-VGA16.psf.gz";
  }
}

}  // namespace

std::vector<uint8_t> load_glyphs(const std::string& path, int height) {
  std::vector<uint8_t> d = read_gz(path);
  const size_t want = size_t(height);
  size_t count, glyph_height, offset, stride;
  bool unicode;
  bool psf2 = d.size() >= 32 && le32(d, 0) == 0x864AB572;
  const std::string wrong = path + ": not an 8x" + std::to_string(height) + " font";
  if (d.size() >= 4 && d[0] == 0x36 && d[1] == 0x04) {
    count = d[2] & 1 ? 512 : 256;
    unicode = d[2] & 2;
    glyph_height = d[3];
    offset = 4;
    stride = glyph_height;
    if (glyph_height != want) throw FontError(wrong);
  } else if (psf2) {
    offset = le32(d, 8);
    count = le32(d, 16);
    stride = le32(d, 20);
    glyph_height = le32(d, 24);
    unicode = le32(d, 12) & 1;
    if (glyph_height != want || le32(d, 28) != 8 || stride != want || count > 65536) throw FontError(wrong);
  } else {
    throw FontError(path + ": not a PSF font");
  }
  size_t glyph_end = offset + count * stride;
  if (offset > d.size() || glyph_end > d.size()) throw FontError(path + ": truncated font");

  // Unicode code point -> glyph index, from the font's table.
  std::map<char32_t, size_t> index;
  if (unicode) {
    size_t i = glyph_end, g = 0;
    while (g < count && i < d.size()) {
      if (psf2) {
        if (d[i] == 0xFF) {
          ++i;
          ++g;
        } else if (d[i] == 0xFE) {
          ++i;  // a sequence follows: skip to the next glyph's entries
          while (i < d.size() && d[i] != 0xFF) ++i;
        } else {
          index.emplace(next_utf8(d, i, d.size()), g);
        }
      } else {
        if (i + 1 >= d.size()) break;
        uint16_t u = uint16_t(d[i] | d[i + 1] << 8);
        i += 2;
        if (u == 0xFFFF)
          ++g;
        else if (u != 0xFFFE)
          index.emplace(u, g);
      }
    }
  }
  std::vector<uint8_t> out(256 * want);
  auto copy_glyph = [&](size_t g, int ch) {
    std::copy_n(d.begin() + long(offset + g * stride), want, out.begin() + long(size_t(ch) * want));
  };
  for (int ch = 0; ch < 256; ++ch) {
    char32_t u = kCp437[ch];
    auto it = index.find(u);
    size_t g = unicode ? (it != index.end() ? it->second : count) : size_t(ch);
    if (g < count) {
      copy_glyph(g, ch);
    } else if (!synthesize(u, out.data() + size_t(ch) * want, height) && ch != 0 && ch != ' ') {
      auto q = index.find(U'?');
      if (q != index.end()) copy_glyph(q->second, ch);
    }
  }
  return out;
}

std::vector<uint8_t> load_default_glyphs(int height) {
  return load_glyphs(font_path(height == 8    ? "PXOS_FONT8"
                               : height == 14 ? "PXOS_FONT14"
                                              : "PXOS_FONT",
                               height),
                     height);
}

Font Font::load_default() { return load(font_path("PXOS_FONT", kHeight)); }

Font Font::load(const std::string& path) {
  const std::vector<uint8_t> bytes = load_glyphs(path, kHeight);
  Font f;
  for (size_t ch = 0; ch < 256; ++ch) std::copy_n(bytes.begin() + long(ch * kHeight), kHeight, f.glyphs_[ch].begin());
  return f;
}

std::vector<uint8_t> Font::bitmap() const {
  std::vector<uint8_t> bytes;
  bytes.reserve(256 * kHeight);
  for (const auto& g : glyphs_) bytes.insert(bytes.end(), g.begin(), g.end());
  return bytes;
}

}  // namespace pxos
