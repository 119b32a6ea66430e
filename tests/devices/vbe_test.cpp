// The VBE "DISPI" interface (devices/vbe.h), driven through its ports as a
// guest would: registers, refusals, the bank window, and the picture in each
// depth, pixel by pixel.
#include "devices/vbe.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {
namespace {

constexpr uint64_t kVram = 16u << 20;

struct VbeRig {
  GuestMemory mem{1 << 20, {.framebuffer_bytes = kVram}};
  PortBus ports;
  std::array<std::array<uint8_t, 3>, 256> dac{};
  Vbe vbe{mem, [this](uint8_t i) { return dac[i]; }};
  VbeRig() { vbe.attach(ports); }

  uint16_t get(uint16_t index) {
    ports.write(Vbe::kIndexPort, 2, index);
    return uint16_t(ports.read(Vbe::kDataPort, 2));
  }
  void set(uint16_t index, uint16_t value) {
    ports.write(Vbe::kIndexPort, 2, index);
    ports.write(Vbe::kDataPort, 2, value);
  }
  void mode(uint16_t x, uint16_t y, uint16_t bpp, uint16_t flags = Vbe::kLfbEnabled) {
    set(Vbe::kRegEnable, 0);
    set(Vbe::kRegXres, x);
    set(Vbe::kRegYres, y);
    set(Vbe::kRegBpp, bpp);
    set(Vbe::kRegEnable, Vbe::kEnabled | flags);
  }
  // As the guest writes through the LFB: the bytes, and the page recorded.
  void poke(uint32_t at, std::initializer_list<uint8_t> bytes) {
    std::copy(bytes.begin(), bytes.end(), mem.framebuffer().begin() + at);
    for (uint32_t a = at; a < at + bytes.size(); ++a) mem.mark_framebuffer_dirty(a / 4096);
  }
};

TEST(Vbe, IdentifiesItselfAndReportsItsLimits) {
  VbeRig r;
  EXPECT_EQ(r.get(Vbe::kRegId), Vbe::kId0);
  r.set(Vbe::kRegId, 0xB0C5);
  EXPECT_EQ(r.get(Vbe::kRegId), 0xB0C5);
  r.set(Vbe::kRegId, 0xB0C6);  // not an ID of this interface
  EXPECT_EQ(r.get(Vbe::kRegId), 0xB0C5);
  EXPECT_EQ(r.get(Vbe::kRegVideoMemory64K), kVram >> 16);
  r.set(Vbe::kRegEnable, Vbe::kGetCaps);
  EXPECT_EQ(r.get(Vbe::kRegXres), Vbe::kMaxXres);
  EXPECT_EQ(r.get(Vbe::kRegYres), Vbe::kMaxYres);
  EXPECT_EQ(r.get(Vbe::kRegBpp), 32);
  r.set(Vbe::kRegEnable, 0);
  EXPECT_EQ(r.get(Vbe::kRegXres), 640);
  EXPECT_EQ(r.get(0x55), 0);  // no such register
  EXPECT_EQ(r.ports.read(Vbe::kIndexPort, 2), 0x55u);
}

TEST(Vbe, RefusesAbsurdValues) {
  VbeRig r;
  for (uint16_t bad : {0, 4, 7, 12, 33, 0xFFFF}) {
    r.set(Vbe::kRegBpp, bad);
    EXPECT_EQ(r.get(Vbe::kRegBpp), 8) << bad;
  }
  r.set(Vbe::kRegXres, 0);
  r.set(Vbe::kRegXres, 2568);
  r.set(Vbe::kRegXres, 641);
  EXPECT_EQ(r.get(Vbe::kRegXres), 640);
  r.set(Vbe::kRegYres, 1601);
  EXPECT_EQ(r.get(Vbe::kRegYres), 480);
  uint64_t refused = r.vbe.stats().refused_writes;
  EXPECT_EQ(refused, 10u);
  // 2560x1600 at 32 bpp fits 16 MiB; geometry writes while enabled are refused.
  r.mode(2560, 1600, 32);
  ASSERT_TRUE(r.vbe.enabled());
  r.set(Vbe::kRegXres, 640);
  EXPECT_EQ(r.get(Vbe::kRegXres), 2560);
  // Read-only registers stay.
  r.set(Vbe::kRegVideoMemory64K, 1);
  EXPECT_EQ(r.get(Vbe::kRegVideoMemory64K), kVram >> 16);
}

TEST(Vbe, RefusesAModeLargerThanVideoMemory) {
  GuestMemory small(1 << 20, {.framebuffer_bytes = 1 << 20});
  PortBus ports;
  Vbe vbe(small, nullptr);
  vbe.attach(ports);
  auto set = [&](uint16_t i, uint16_t v) {
    ports.write(Vbe::kIndexPort, 2, i);
    ports.write(Vbe::kDataPort, 2, v);
  };
  set(Vbe::kRegXres, 1024);
  set(Vbe::kRegYres, 768);
  set(Vbe::kRegBpp, 32);
  set(Vbe::kRegEnable, Vbe::kEnabled);
  EXPECT_FALSE(vbe.enabled());
  set(Vbe::kRegBpp, 8);
  set(Vbe::kRegEnable, Vbe::kEnabled);
  EXPECT_TRUE(vbe.enabled());
}

TEST(Vbe, ModeSetClearsVideoMemoryUnlessAsked) {
  VbeRig r;
  r.mem.framebuffer()[100] = 7;
  r.mode(640, 480, 8, Vbe::kLfbEnabled | Vbe::kNoClearMem);
  EXPECT_EQ(r.mem.framebuffer()[100], 7);
  r.mode(640, 480, 8);
  EXPECT_EQ(r.mem.framebuffer()[100], 0);
  EXPECT_EQ(r.vbe.stats().mode_sets, 2u);
}

TEST(Vbe, VirtualWidthAndDisplayStartStayInsideVideoMemory) {
  VbeRig r;
  r.mode(1024, 768, 32);
  EXPECT_EQ(r.get(Vbe::kRegVirtWidth), 1024);
  EXPECT_EQ(r.get(Vbe::kRegVirtHeight), kVram / 4096);
  r.set(Vbe::kRegVirtWidth, 2048);
  EXPECT_EQ(r.get(Vbe::kRegVirtWidth), 2048);
  EXPECT_EQ(r.vbe.geometry().line_bytes, 8192u);
  r.set(Vbe::kRegVirtWidth, 512);  // narrower than the picture
  EXPECT_EQ(r.get(Vbe::kRegVirtWidth), 2048);
  r.set(Vbe::kRegYOffset, 100);
  EXPECT_EQ(r.vbe.geometry().start, 100u * 8192);
  r.set(Vbe::kRegYOffset, 2048 - 768 + 1);  // the last line would pass the end
  EXPECT_EQ(r.get(Vbe::kRegYOffset), 100);
  r.set(Vbe::kRegYOffset, 2048 - 768);
  EXPECT_EQ(r.get(Vbe::kRegYOffset), 2048 - 768);
  r.set(Vbe::kRegXOffset, 1025);
  EXPECT_EQ(r.get(Vbe::kRegXOffset), 0) << "the last line's end would pass the end of video memory";
  r.set(Vbe::kRegXOffset, 1024);  // ends exactly at the end
  EXPECT_EQ(r.get(Vbe::kRegXOffset), 1024);
  const Vbe::Geometry& g = r.vbe.geometry();
  EXPECT_LE(uint64_t{g.start} + uint64_t{g.height - 1} * g.line_bytes + g.width * 4, kVram);
}

TEST(Vbe, BankWindowShowsVideoMemoryInBanks) {
  VbeRig r;
  r.mode(1024, 768, 8, 0);
  r.vbe.bank_write(0x10, 0xAB);
  EXPECT_EQ(r.mem.framebuffer()[0x10], 0xAB);
  r.set(Vbe::kRegBank, 3);
  EXPECT_EQ(r.get(Vbe::kRegBank), 3);
  uint8_t w[2] = {0xCD, 0xEF};
  r.vbe.bank_access(0xFFFF, w, true);  // the second byte is past the window: dropped
  EXPECT_EQ(r.mem.framebuffer()[3 * 0x10000 + 0xFFFF], 0xCD);
  EXPECT_EQ(r.mem.framebuffer()[4 * 0x10000], 0);
  EXPECT_EQ(r.vbe.bank_read(0xFFFF), 0xCD);
  r.set(Vbe::kRegBank, kVram >> 16);  // past video memory: refused
  EXPECT_EQ(r.get(Vbe::kRegBank), 3);
  EXPECT_EQ(r.vbe.bank_read(0x10000), 0xFF);
  std::vector<uint64_t> d = r.mem.take_framebuffer_dirty();
  EXPECT_EQ(d[0], 1u | uint64_t{1} << 63);  // pages 0 and 63 (3 * 16 + 15)
}

// The picture, one test per depth: a known pixel at (x, y) and a neighbour.
Frame render_full(VbeRig& r) {
  Frame f;
  EXPECT_TRUE(r.vbe.render(f));
  return f;
}

TEST(Vbe, Renders8BppThroughTheDac) {
  VbeRig r;
  r.dac[5] = {63, 32, 0};
  r.mode(640, 480, 8);
  r.poke(640 * 2 + 3, {5});
  Frame f = render_full(r);
  EXPECT_EQ(f.width, 640);
  EXPECT_EQ(f.height, 480);
  EXPECT_EQ(f.at(3, 2), 0xFF8200u);
  EXPECT_EQ(f.at(4, 2), 0u);
  EXPECT_EQ(f.mode, "VBE 640x480, 8 bpp");
  // A palette change redraws everything; an unchanged screen draws nothing.
  EXPECT_FALSE(r.vbe.render(f));
  r.dac[5] = {0, 0, 63};
  EXPECT_TRUE(r.vbe.render(f));
  EXPECT_EQ(f.at(3, 2), 0x0000FFu);
  EXPECT_EQ(f.dirty, (Rect{0, 0, 640, 480}));
  // With 8BIT_DAC the entries are taken as they are.
  r.set(Vbe::kRegEnable, Vbe::kEnabled | Vbe::kDac8Bit | Vbe::kNoClearMem);
  r.dac[5] = {0x12, 0x34, 0x56};
  EXPECT_TRUE(r.vbe.render(f));
  EXPECT_EQ(f.at(3, 2), 0x123456u);
}

TEST(Vbe, Renders15And16Bpp) {
  VbeRig r;
  r.mode(800, 600, 15);
  r.poke(2 * (800 * 1 + 1), {0x1F, 0x7C});  // x555: red 31, green 0, blue 31
  Frame f = render_full(r);
  EXPECT_EQ(f.at(1, 1), 0xFF00FFu);
  r.mode(800, 600, 16);
  r.poke(2 * (800 * 1 + 1), {0xE0, 0x07});  // 565: green 63
  f = render_full(r);
  EXPECT_EQ(f.at(1, 1), 0x00FF00u);
  r.poke(2 * 7, {0x00, 0x80});  // red 16 of 31
  f = render_full(r);
  EXPECT_EQ(f.at(7, 0), 0x840000u);
}

TEST(Vbe, Renders24And32Bpp) {
  VbeRig r;
  r.mode(1024, 768, 24);
  r.poke(3 * (1024 * 10 + 20), {0x11, 0x22, 0x33});  // blue, green, red
  Frame f = render_full(r);
  EXPECT_EQ(f.at(20, 10), 0x332211u);
  EXPECT_EQ(f.at(21, 10), 0u);
  r.mode(1920, 1080, 32);
  r.poke(4 * (1920 * 1079 + 1919), {0x44, 0x55, 0x66, 0xFF});  // the last pixel; X ignored
  f = render_full(r);
  EXPECT_EQ(f.at(1919, 1079), 0x665544u);
}

TEST(Vbe, DrawsOnlyTheRowsOnWrittenPages) {
  VbeRig r;
  r.mode(1024, 768, 32);  // a row is one 4 KiB page
  Frame f = render_full(r);
  EXPECT_FALSE(r.vbe.render(f));
  uint64_t rows = r.vbe.stats().rows_drawn;
  r.poke(4096 * 100 + 8, {1, 2, 3});
  r.poke(4096 * 102, {4});
  EXPECT_TRUE(r.vbe.render(f));
  EXPECT_EQ(r.vbe.stats().rows_drawn - rows, 2u);
  EXPECT_EQ(f.dirty, (Rect{0, 100, 1024, 3}));
  EXPECT_EQ(f.at(2, 100), 0x030201u);
  EXPECT_EQ(f.at(0, 102), 4u);
  // A new display start redraws all rows.
  r.set(Vbe::kRegYOffset, 1);
  EXPECT_TRUE(r.vbe.render(f));
  EXPECT_EQ(f.at(2, 99), 0x030201u);
  EXPECT_EQ(f.dirty, (Rect{0, 0, 1024, 768}));
}

TEST(Vbe, SameModeSetAgainRedrawsTheClearedPicture) {
  VbeRig r;
  r.mode(640, 480, 32);
  r.poke(0, {0x10, 0x20, 0x30});
  Frame f = render_full(r);
  EXPECT_EQ(f.at(0, 0), 0x302010u);
  r.mode(640, 480, 32);  // clears video memory, not through the dirty record
  EXPECT_TRUE(r.vbe.render(f));
  EXPECT_EQ(f.at(0, 0), 0u);
}

TEST(Vbe, DisabledDrawsNothing) {
  VbeRig r;
  Frame f;
  EXPECT_FALSE(r.vbe.render(f));
  r.mode(640, 480, 8);
  r.set(Vbe::kRegEnable, 0);
  EXPECT_FALSE(r.vbe.render(f));
  EXPECT_FALSE(r.vbe.enabled());
}

}  // namespace
}  // namespace pxos
