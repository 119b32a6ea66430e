// `pxos pxi render` and the bench plots.
#include "pxi/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pxi/canvas.h"
#include "pxi/executor.h"
#include "pxi/uart.h"

namespace pxos::pxi {
namespace {

constexpr Rgb kBg{250, 250, 250}, kInk{20, 20, 20}, kGrid{215, 215, 215};
constexpr Rgb kNop{70, 70, 70}, kSetLine{240, 150, 0}, kInvalid{220, 20, 20}, kChange{255, 230, 0},
    kHeader{120, 60, 160};

Rgb write_colour(uint8_t data) {
  // Blue, brighter for larger bytes: text reads as a band of similar shades.
  return Rgb{uint8_t(20 + data / 8), uint8_t(70 + data / 2), 230};
}

std::string si(double v) {
  char b[32];
  const char* suffix[] = {"", "K", "M", "G", "T"};
  int k = 0;
  while (std::abs(v) >= 1000 && k < 4) {
    v /= 1000;
    ++k;
  }
  if (std::abs(v) < 1 && v != 0)
    std::snprintf(b, sizeof b, "%.2g", v);
  else
    std::snprintf(b, sizeof b, "%g%s", std::round(v * 10) / 10, suffix[k]);
  return b;
}

}  // namespace

std::vector<uint8_t> render_png(const Program& p, int scale) {
  const uint32_t w = p.header.width;
  // At most kRenderMaxOps ops and 8192 rows: the picture stays under about 140 M pixels.
  const uint64_t shown = std::min<uint64_t>({p.ops.size(), kRenderMaxOps, uint64_t(w) * 8192});
  const uint32_t rows = uint32_t((shown + w - 1) / w);
  if (scale <= 0) scale = std::clamp(int(1024 / w), 1, 16);
  if (uint64_t(rows) * scale > 8192) scale = std::max<int>(1, int(8192 / std::max<uint32_t>(rows, 1)));
  const int m = 10, legend_h = 120;
  const int grid_w = int(w) * scale, grid_h = int(rows + 1) * scale;  // + the header row
  const int img_w = std::max(grid_w + 2 * m, 560), img_h = grid_h + 2 * m + legend_h;
  Canvas c(uint32_t(img_w), uint32_t(img_h), kBg);

  // Header row: the 8 header pixels, then the rest of row 0.
  c.fill(m, m, int(w) * scale, scale, kGrid);
  c.fill(m, m, int(kHeaderPixels) * scale, scale, kHeader);

  Stats s;
  s.ops = p.ops.size();
  uint32_t cur = 0xFFFFFFFF;
  uint64_t changes = 0;
  for (uint64_t i = 0; i < p.ops.size(); ++i) {
    const Pixel px = p.ops[i];
    const uint32_t err = uart::op_error(px);
    count_op_type(s, px);
    bool change = false;
    if (err) {
      ++s.invalid;
      if (s.first_error_op == kNoOp) {
        s.first_error_op = i;
        s.first_error_code = err;
      }
    } else if (uart::is_line_op(px) && uart::line_of(px) != cur) {
      cur = uart::line_of(px);
      change = true;
      ++changes;
    }
    if (i >= shown) continue;
    const int x = m + int(i % w) * scale, y = m + int(1 + i / w) * scale;
    Rgb col = kNop;
    if (err)
      col = kInvalid;
    else if (uart::is_write(px))
      col = write_colour(px_r(px));
    else if (uart::op_type(px) == uart::kOpSetLine)
      col = kSetLine;
    c.fill(x, y, scale, scale, col);
    if (err && scale >= 4) {
      c.line(x, y, x + scale - 1, y + scale - 1, Rgb{255, 255, 255});
      c.line(x + scale - 1, y, x, y + scale - 1, Rgb{255, 255, 255});
    }
    if (change && scale >= 3) c.fill(x, y, scale, std::max(1, scale / 4), kChange);
  }
  if (scale >= 6) {  // faint grid lines between cells
    for (uint32_t i = 0; i <= w; ++i) c.fill(m + int(i) * scale, m, 1, grid_h, kBg);
    for (uint32_t j = 0; j <= rows + 1; ++j) c.fill(m, m + int(j) * scale, grid_w, 1, kBg);
  }

  // Legend.
  int y = grid_h + 2 * m;
  auto swatch = [&](int x, Rgb col, const std::string& label) {
    c.fill(x, y, 10, 10, col);
    c.frame(x, y, 10, 10, kInk);
    return c.text(x + 14, y + 2, label, kInk) + 14;
  };
  int x = m;
  x = swatch(x, kHeader, "HEADER");
  x = swatch(x, kNop, "NOP " + std::to_string(s.nops));
  x = swatch(x, write_colour(128), "WRITE " + std::to_string(s.writes));
  x = swatch(x, kSetLine, "SET-LINE " + std::to_string(s.set_lines));
  y += 16;
  x = m;
  x = swatch(x, kInvalid, "INVALID " + std::to_string(s.invalid));
  x = swatch(x, kChange, "LINE CHANGE (TOP BAR) " + std::to_string(changes));
  y += 18;
  char b[200];
  std::snprintf(b, sizeof b, "PXI V%u CLASS %u  %u OPS  WIDTH %u  CRC %08X", p.header.version, p.header.device_class,
                p.header.op_count, p.header.width, p.header.ops_crc32);
  c.text(m, y, b, kInk);
  y += 12;
  if (s.first_error_op != kNoOp) {
    const OpError e = describe_op_error(p, s.first_error_op);
    std::snprintf(b, sizeof b, "FIRST ERROR: OP %llu AT (%u, %u): %s", static_cast<unsigned long long>(e.op_index), e.x,
                  e.y, errc_name(e.code));
    c.text(m, y, b, kInvalid);
  } else {
    c.text(m, y, "ALL OPS VALID", Rgb{0, 130, 0});
  }
  y += 12;
  if (shown < p.ops.size()) {
    c.text(m, y, "SHOWING THE FIRST " + std::to_string(shown) + " OPS", kInk);
    y += 12;
  }
  std::snprintf(b, sizeof b, "SCALE %d PX PER OP", scale);
  c.text(m, y, b, kInk);
  return c.png();
}

std::vector<uint8_t> plot_png(const std::string& title, const std::string& x_label, const std::string& y_label,
                              const std::vector<Series>& series) {
  static constexpr Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  const int W = 900, H = 600, left = 80, right = 20, top = 40, bottom = 60;
  Canvas c(W, H, Rgb{255, 255, 255});
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& s : series)
    for (auto [x, y] : s.points) {
      if (x <= 0 || y <= 0 || !std::isfinite(x) || !std::isfinite(y)) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  if (x0 > x1) x0 = 1, x1 = 10, y0 = 1, y1 = 10;
  const double lx0 = std::floor(std::log10(x0)), lx1 = std::max(lx0 + 1, std::ceil(std::log10(x1)));
  const double ly0 = std::floor(std::log10(y0)), ly1 = std::max(ly0 + 1, std::ceil(std::log10(y1)));
  const int pw = W - left - right, ph = H - top - bottom;
  auto X = [&](double x) { return left + (std::log10(x) - lx0) / (lx1 - lx0) * pw; };
  auto Y = [&](double y) { return top + ph - (std::log10(y) - ly0) / (ly1 - ly0) * ph; };
  for (double d = lx0; d <= lx1; d += 1) {
    const int x = int(X(std::pow(10, d)));
    c.fill(x, top, 1, ph, kGrid);
    const std::string l = si(std::pow(10, d));
    c.text(x - Canvas::text_width(l) / 2, top + ph + 6, l, kInk);
  }
  for (double d = ly0; d <= ly1; d += 1) {
    const int y = int(Y(std::pow(10, d)));
    c.fill(left, y, pw, 1, kGrid);
    const std::string l = si(std::pow(10, d));
    c.text(left - 6 - Canvas::text_width(l), y - 3, l, kInk);
  }
  c.frame(left, top, pw, ph, kInk);
  c.text((W - Canvas::text_width(title, 2)) / 2, 10, title, kInk, 2);
  c.text(left + (pw - Canvas::text_width(x_label)) / 2, H - 22, x_label, kInk);
  c.text(8, top - 14, y_label, kInk);
  int ly = top + 8;
  for (size_t i = 0; i < series.size(); ++i) {
    const Rgb col = kPalette[i % std::size(kPalette)];
    const auto& pts = series[i].points;
    for (size_t k = 0; k < pts.size(); ++k) {
      if (pts[k].first <= 0 || pts[k].second <= 0) continue;
      const double px = X(pts[k].first), py = Y(pts[k].second);
      c.fill(int(px) - 2, int(py) - 2, 5, 5, col);
      if (k + 1 < pts.size() && pts[k + 1].first > 0 && pts[k + 1].second > 0)
        c.line(px, py, X(pts[k + 1].first), Y(pts[k + 1].second), col, 2);
    }
    c.fill(left + 10, ly, 16, 3, col);
    c.text(left + 32, ly - 2, series[i].name, kInk);
    ly += 12;
  }
  return c.png();
}

}  // namespace pxos::pxi
