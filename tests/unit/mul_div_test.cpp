// mul_div / mul_div_ceil (vm/clock.h), which the clocks use to turn time into
// ticks and back: the 64-bit shortcut gives what 128-bit arithmetic gives,
// at the edges where a * b stops fitting and for random operands.
#include <gtest/gtest.h>

#include <random>

#include "engine/instruction_clock.h"
#include "vm/clock.h"

namespace pxos {
namespace {

uint64_t wide(uint64_t a, uint64_t b, uint64_t c, bool ceil) {
  unsigned __int128 p = (unsigned __int128)a * b;
  return uint64_t(ceil ? (p + c - 1) / c : p / c);
}

TEST(MulDiv, AgreesWith128BitArithmetic) {
  std::mt19937_64 rng(11);
  const uint64_t edges[] = {
      0,         1,    999, 1000, 1193182, 1'000'000'000, (1ull << 32) - 1, 1ull << 32, ~0ull / 1000, ~0ull / 1000 + 1,
      ~0ull / 2, ~0ull};
  auto check = [](uint64_t a, uint64_t b, uint64_t c) {
    ASSERT_EQ(mul_div(a, b, c), wide(a, b, c, false)) << a << " * " << b << " / " << c;
    if ((unsigned __int128)a * b + c - 1 >= (unsigned __int128)a * b) {  // no 128-bit wrap
      ASSERT_EQ(mul_div_ceil(a, b, c), wide(a, b, c, true)) << a << " * " << b << " / " << c;
    }
  };
  for (uint64_t a : edges)
    for (uint64_t b : {uint64_t{1000}, uint64_t{1193182}, uint64_t{1'000'000'000}, uint64_t{~0ull}})
      for (uint64_t c : {uint64_t{1}, uint64_t{1000}, uint64_t{32768}, uint64_t{1'000'000'000}}) check(a, b, c);
  for (int i = 0; i < 100000; ++i) {
    const int bits = int(rng() % 64);
    check(rng() >> bits, rng() >> (63 - bits), (rng() >> (rng() % 64)) | 1);
  }
}

TEST(InstructionClock, IcountAtInvertsNsAtOnBothPaths) {
  InstructionClock c;
  c.set_rate(0, 3'333);
  for (uint64_t ns :
       {uint64_t{1}, uint64_t{10'000}, uint64_t{1} << 40, uint64_t{~0ull / 1000 + 5}, uint64_t{~0ull - 1}}) {
    const uint64_t n = c.icount_at(ns);
    EXPECT_GE(c.ns_at(n), ns) << ns;  // the first count at which the time has come
    if (n > 0 && n != ~0ull) {
      EXPECT_LT(c.ns_at(n - 1), ns) << ns;
    }
  }
}

}  // namespace
}  // namespace pxos
