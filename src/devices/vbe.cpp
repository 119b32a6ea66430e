#include "devices/vbe.h"

#include <algorithm>
#include <cstring>
#include <ostream>

namespace pxos {

namespace {
bool valid_bpp(uint16_t bpp) { return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32; }
uint32_t scale5(uint32_t v) { return (v << 3) | (v >> 2); }
uint32_t scale6(uint32_t v) { return (v << 2) | (v >> 4); }
}  // namespace

Vbe::Vbe(GuestMemory& mem, Palette palette) : mem_(mem), vram_(mem.framebuffer()), palette_(std::move(palette)) {}

void Vbe::attach(PortBus& ports) {
  ports.add("vbe", kIndexPort, 2, [this](uint64_t off, std::span<uint8_t> data, bool is_write) {
    if (off == 0) {  // the index port (a byte access sets the low byte)
      if (is_write)
        index_ = data.size() == 1 ? uint16_t((index_ & 0xFF00) | data[0]) : uint16_t(bytes_to_u32(data));
      else
        u32_to_bytes(index_, data);
      return;
    }
    if (is_write)
      write_register(index_, uint16_t(bytes_to_u32(data)));
    else
      u32_to_bytes(read_register(index_), data);
  });
}

uint16_t Vbe::read_register(uint16_t index) {
  ++stats_.register_reads;
  bool caps = enable_ & kGetCaps;
  switch (index) {
    case kRegId: return id_;
    case kRegXres: return caps ? kMaxXres : xres_;
    case kRegYres: return caps ? kMaxYres : yres_;
    case kRegBpp: return caps ? kMaxBpp : bpp_;
    case kRegEnable: return enable_;
    case kRegBank: return bank_;
    case kRegVirtWidth: return enabled() ? uint16_t(geo_.line_bytes / bytes_per_pixel(geo_.bpp)) : virt_width_;
    case kRegVirtHeight: return enabled() ? uint16_t(std::min<uint32_t>(video_memory() / geo_.line_bytes, 0xFFFF)) : 0;
    case kRegXOffset: return x_offset_;
    case kRegYOffset: return y_offset_;
    case kRegVideoMemory64K: return uint16_t(std::min<uint32_t>(video_memory() >> 16, 0xFFFF));
    default: return 0;
  }
}

void Vbe::write_register(uint16_t index, uint16_t value) {
  ++stats_.register_writes;
  bool ok = true;
  switch (index) {
    case kRegId:
      ok = value >= kId0 && value <= kId5;
      if (ok) id_ = value;
      break;
    case kRegXres:
      ok = !enabled() && value && value <= kMaxXres && value % 8 == 0;
      if (ok) xres_ = value;
      break;
    case kRegYres:
      ok = !enabled() && value && value <= kMaxYres;
      if (ok) yres_ = value;
      break;
    case kRegBpp:
      ok = !enabled() && valid_bpp(value);
      if (ok) bpp_ = value;
      break;
    case kRegEnable: set_enable(value); break;
    case kRegBank:
      ok = uint64_t{value} * kBankSize < video_memory();
      if (ok) bank_ = value;
      break;
    case kRegVirtWidth: ok = set_virt_width(value); break;
    case kRegXOffset: ok = set_offset(value, y_offset_); break;
    case kRegYOffset: ok = set_offset(x_offset_, value); break;
    default: ok = false; break;  // VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only
  }
  if (!ok) ++stats_.refused_writes;
}

// ENABLED with a mode that does not fit video memory is refused: the
// interface stays disabled.
void Vbe::reset() {
  set_enable(0);
  index_ = 0;
  id_ = kId0;
  xres_ = 640, yres_ = 480, bpp_ = 8;
}

void Vbe::set_enable(uint16_t value) {
  const bool was = enabled();
  apply_enable(value);
  if (enabled() != was && on_enable) on_enable(enabled());
}

void Vbe::apply_enable(uint16_t value) {
  value &= kEnabled | kGetCaps | kDac8Bit | kLfbEnabled | kNoClearMem;
  if (!(value & kEnabled)) {
    enable_ = value;
    geo_ = {};
    return;
  }
  Geometry g;
  g.width = xres_;
  g.height = yres_;
  g.bpp = bpp_;
  g.line_bytes = xres_ * bytes_per_pixel(bpp_);
  if (uint64_t{g.line_bytes} * g.height > video_memory()) {
    ++stats_.refused_writes;
    enable_ = value & ~kEnabled;
    geo_ = {};
    return;
  }
  ++stats_.mode_sets;
  redraw_all_ = true;
  enable_ = value;
  geo_ = g;
  bank_ = 0;
  virt_width_ = xres_;
  x_offset_ = y_offset_ = 0;
  if (!(value & kNoClearMem)) std::fill(vram_.begin(), vram_.end(), uint8_t{0});
}

bool Vbe::set_virt_width(uint16_t value) {
  if (!enabled() || value < geo_.width) return false;
  uint32_t line = value * bytes_per_pixel(geo_.bpp);
  if (uint64_t{line} * geo_.height > video_memory()) return false;
  geo_.line_bytes = line;
  virt_width_ = value;
  if (!set_offset(x_offset_, y_offset_)) set_offset(0, 0);  // the old start may not fit the new lines
  return true;
}

// The displayed picture must end inside video memory.
bool Vbe::set_offset(uint16_t x, uint16_t y) {
  if (!enabled()) return false;
  uint64_t start = uint64_t{y} * geo_.line_bytes + uint64_t{x} * bytes_per_pixel(geo_.bpp);
  uint64_t end = start + uint64_t{geo_.height - 1} * geo_.line_bytes + uint64_t{geo_.width} * bytes_per_pixel(geo_.bpp);
  if (end > video_memory()) return false;
  x_offset_ = x;
  y_offset_ = y;
  geo_.start = uint32_t(start);
  return true;
}

uint8_t Vbe::bank_read(uint32_t offset) {
  ++stats_.bank_reads;
  uint64_t a = uint64_t{bank_} * kBankSize + offset;
  if (offset >= kBankSize || a >= vram_.size()) {
    ++stats_.bank_outside;
    return 0xFF;
  }
  return vram_[a];
}

void Vbe::bank_write(uint32_t offset, uint8_t value) {
  ++stats_.bank_writes;
  uint64_t a = uint64_t{bank_} * kBankSize + offset;
  if (offset >= kBankSize || a >= vram_.size()) {
    ++stats_.bank_outside;
    return;
  }
  vram_[a] = value;
  mem_.mark_framebuffer_dirty(a / GuestMemory::kPageSize);
}

void Vbe::bank_access(uint64_t offset, std::span<uint8_t> data, bool is_write) {
  for (size_t i = 0; i < data.size(); ++i) {
    uint64_t o = offset + i;
    uint32_t in_window = o < kBankSize ? uint32_t(o) : uint32_t(kBankSize);  // past the window: outside
    if (is_write)
      bank_write(in_window, data[i]);
    else
      data[i] = bank_read(in_window);
  }
}

// ---- the picture ----------------------------------------------------------------

std::array<uint32_t, 256> Vbe::palette_rgb() const {
  std::array<uint32_t, 256> out{};
  if (!palette_) return out;
  for (unsigned i = 0; i < 256; ++i) {
    std::array<uint8_t, 3> c = palette_(uint8_t(i));
    uint32_t r = c[0], g = c[1], b = c[2];
    if (!dac_8bit()) r = scale6(r & 63), g = scale6(g & 63), b = scale6(b & 63);
    out[i] = r << 16 | g << 8 | b;
  }
  return out;
}

bool Vbe::row_dirty(uint32_t y, const std::vector<uint64_t>& pages) const {
  uint64_t first = geo_.start + uint64_t{y} * geo_.line_bytes;
  uint64_t last = first + uint64_t{geo_.width} * bytes_per_pixel(geo_.bpp) - 1;
  for (uint64_t p = first / GuestMemory::kPageSize; p <= last / GuestMemory::kPageSize; ++p)
    if (p / 64 < pages.size() && (pages[p / 64] >> (p % 64)) & 1) return true;
  return false;
}

void Vbe::draw_row(Frame& frame, uint32_t y, const std::array<uint32_t, 256>& pal) const {
  const uint8_t* src = vram_.data() + geo_.start + size_t(y) * geo_.line_bytes;
  uint32_t* dst = frame.pixels.data() + size_t(y) * geo_.width;
  const uint32_t w = geo_.width;
  switch (geo_.bpp) {
    case 8:
      for (uint32_t x = 0; x < w; ++x) dst[x] = pal[src[x]];
      break;
    case 15:
    case 16:
      for (uint32_t x = 0; x < w; ++x) {
        uint32_t p = src[2 * x] | uint32_t{src[2 * x + 1]} << 8;
        uint32_t r, g, b = scale5(p & 31);
        if (geo_.bpp == 15) {
          r = scale5((p >> 10) & 31);
          g = scale5((p >> 5) & 31);
        } else {
          r = scale5(p >> 11);
          g = scale6((p >> 5) & 63);
        }
        dst[x] = r << 16 | g << 8 | b;
      }
      break;
    case 24:
      for (uint32_t x = 0; x < w; ++x) dst[x] = src[3 * x] | src[3 * x + 1] << 8 | uint32_t{src[3 * x + 2]} << 16;
      break;
    default:  // 32
      for (uint32_t x = 0; x < w; ++x) dst[x] = src[4 * x] | src[4 * x + 1] << 8 | uint32_t{src[4 * x + 2]} << 16;
      break;
  }
}

bool Vbe::render(Frame& frame) {
  std::vector<uint64_t> pages = mem_.take_framebuffer_dirty();
  if (!enabled()) return false;
  std::array<uint32_t, 256> pal{};
  if (geo_.bpp == 8) pal = palette_rgb();
  const int w = int(geo_.width), h = int(geo_.height);
  bool full = redraw_all_ || !(geo_ == drawn_geo_) || frame.width != w || frame.height != h ||
              frame.pixels.size() != size_t(w) * size_t(h) || (geo_.bpp == 8 && pal != drawn_palette_);
  if (full) {
    frame.width = w;
    frame.height = h;
    frame.pixels.assign(size_t(w) * size_t(h), 0);
    frame.mode = "VBE " + std::to_string(w) + "x" + std::to_string(h) + ", " + std::to_string(geo_.bpp) + " bpp";
  }
  int first = -1, last = -1;
  for (int y = 0; y < h; ++y) {
    if (!full && !row_dirty(uint32_t(y), pages)) continue;
    draw_row(frame, uint32_t(y), pal);
    if (first < 0) first = y;
    last = y;
    ++stats_.rows_drawn;
  }
  drawn_geo_ = geo_;
  drawn_palette_ = pal;
  redraw_all_ = false;
  frame.dirty = first < 0 ? Rect{} : Rect{0, first, w, last - first + 1};
  if (first >= 0) ++stats_.renders;
  return first >= 0;
}

void Vbe::print_stats(std::ostream& os) const {
  os << "vbe: " << stats_.register_reads << " register reads, " << stats_.register_writes << " writes ("
     << stats_.refused_writes << " refused), " << stats_.mode_sets << " mode sets, " << stats_.bank_reads
     << " bank reads, " << stats_.bank_writes << " bank writes (" << stats_.bank_outside << " outside video memory), "
     << stats_.renders << " renders, " << stats_.rows_drawn << " rows drawn\n";
}

}  // namespace pxos
