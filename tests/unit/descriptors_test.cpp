// engine/descriptors.h: the encodings against descriptors written out by hand
// (the SDM's layouts, as nasm guests and the BIOS's GDTs spell them).
#include "engine/descriptors.h"

#include <gtest/gtest.h>

namespace pxos::x86 {
namespace {

TEST(Descriptors, FlatSegments) {
  EXPECT_EQ(flat_descriptor(kCode0), 0x00CF9A000000FFFFull);
  EXPECT_EQ(flat_descriptor(kData0), 0x00CF92000000FFFFull);
  EXPECT_EQ(flat_descriptor(kCode3), 0x00CFFA000000FFFFull);
  EXPECT_EQ(flat_descriptor(kData3), 0x00CFF2000000FFFFull);
  EXPECT_EQ(kFlatGdt[0], 0u);
  EXPECT_EQ(kFlatGdt[4], 0x00CFF2000000FFFFull);
}

TEST(Descriptors, BaseAndLimitFields) {
  // Byte-granular 32-bit data at 20000h, limit FFFh.
  EXPECT_EQ(segment_descriptor(0x20000, 0xFFF, kData0, 0x4), 0x0040920200000FFFull);
  // Every base byte in its place: bits 16-39 and 56-63.
  EXPECT_EQ(segment_descriptor(0x12345678, 0xABCDE, 0x9A, 0xC), 0x12CA9A345678BCDEull);
  EXPECT_EQ(busy_tss_descriptor(0x4000), 0x00008B0040000067ull);
}

TEST(Descriptors, Gates) {
  EXPECT_EQ(gate_descriptor(0x08, 0x00123456, kIntGate), 0x00128E0000083456ull);
  EXPECT_EQ(gate_descriptor(0x08, 0x7E10, 0xEC, 2), 0x0000EC0200087E10ull);  // DPL-3 call gate, 2 dwords
}

TEST(Descriptors, SegmentCaches) {
  EXPECT_EQ(flat_code(0x08), (Segment{0x08, 0, 0xFFFFFFFF, 0xC09B}));
  EXPECT_EQ(flat_data(0x10), (Segment{0x10, 0, 0xFFFFFFFF, 0xC093}));
  EXPECT_EQ(flat_code(0x1B).attrib, 0xC0FB);
  EXPECT_EQ(flat_data(0x23).attrib, 0xC0F3);
  EXPECT_EQ(tss_segment(0x28, 0x6000), (Segment{0x28, 0x6000, 0x67, 0x008B}));
  CpuState s;
  load_flat_segments(s, 0x1B, 0x23);
  EXPECT_EQ(s.seg[CS], flat_code(0x1B));
  for (Sreg r : {ES, SS, DS, FS, GS}) EXPECT_EQ(s.seg[r], flat_data(0x23)) << r;
}

}  // namespace
}  // namespace pxos::x86
