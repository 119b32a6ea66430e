#include "pxi/corpus.h"

#include "pxi/uart.h"

namespace pxos::pxi {
namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

}  // namespace

std::vector<Pixel> random_valid_ops(uint64_t seed, size_t n, size_t change_every) {
  Rng r{seed};
  std::vector<Pixel> ops(n);
  uint8_t div = 1, lcr = 0x03;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = r.next();
    if (change_every && v % change_every == 0) {
      div = uint8_t(1 + (v >> 8) % 12);
      lcr = uint8_t((v >> 16) & 0x3F);
      ops[i] = (v >> 24) & 1 ? make_pixel(0, div, lcr, uart::kOpSetLine)
                             : make_pixel(uint8_t(v >> 32), div, lcr, uart::kOpWrite);
    } else if ((v >> 40) % 64 == 0) {
      ops[i] = 0;  // NOP
    } else if ((v >> 40) % 64 == 1) {
      ops[i] = make_pixel(0, div, lcr, uart::kOpSetLine);  // same settings: no change
    } else {
      ops[i] = make_pixel(uint8_t(32 + (v >> 48) % 95), div, lcr, uart::kOpWrite);
    }
  }
  return ops;
}

Pixel invalid_op(uint64_t k) {
  switch (k % 5) {
    case 0:
      return make_pixel(0x41, 1, 3, 0x07);  // unknown op type
    case 1:
      return make_pixel(0x41, 0, 3, uart::kOpWrite);  // divisor 0
    case 2:
      return make_pixel(0x41, 1, 0x83, uart::kOpWrite);  // DLAB set
    case 3:
      return make_pixel(0x41, 1, 3, uart::kOpSetLine);  // SET-LINE with R != 0
    default:
      return make_pixel(0, 0, 1, uart::kOpNop);  // NOP with a non-zero field
  }
}

std::vector<CorpusCase> make_corpus(uint64_t seed, bool huge) {
  std::vector<CorpusCase> c;
  c.push_back({"empty", {}});
  c.push_back({"one-write", {make_pixel('A', 1, 3, uart::kOpWrite)}});
  c.push_back({"one-nop", {0}});
  c.push_back({"one-invalid", {invalid_op(0)}});
  c.push_back({"all-nop", std::vector<Pixel>(100000, 0)});
  c.push_back({"all-same-setline", std::vector<Pixel>(70000, make_pixel(0, 12, 0x1B, uart::kOpSetLine))});
  const size_t sizes[] = {2, 7, 255, 256, 257, 4095, 4096, 4097, 65535, 65536, 65537, 131072 + 5, 1000003};
  for (size_t k = 0; k < std::size(sizes); ++k) {
    const size_t n = sizes[k];
    c.push_back({"random-" + std::to_string(n), random_valid_ops(seed + k, n)});
    c.push_back({"random-dense-changes-" + std::to_string(n), random_valid_ops(seed + 100 + k, n, 3)});
  }
  for (size_t n : {size_t(1000), size_t(300001)}) {
    for (int where = 0; where < 3; ++where) {
      auto ops = random_valid_ops(seed + 7 * n + where, n);
      const size_t at = where == 0 ? 0 : where == 1 ? n / 2 : n - 1;
      ops[at] = invalid_op(at + where);
      static const char* names[] = {"first", "middle", "last"};
      c.push_back({"error-" + std::string(names[where]) + "-" + std::to_string(n), std::move(ops)});
    }
  }
  {
    auto ops = random_valid_ops(seed + 99, 200000);
    for (size_t k = 0; k < 50; ++k) ops[(k * 7919 + 1234) % ops.size()] = invalid_op(k);
    c.push_back({"errors-many-200000", std::move(ops)});
  }
  if (huge) {
    const size_t n = 16u << 20;
    c.push_back({"random-16Mi", random_valid_ops(seed + 1000, n)});
    auto ops = random_valid_ops(seed + 1001, n);
    ops[n - 3] = invalid_op(2);
    c.push_back({"error-near-end-16Mi", std::move(ops)});
  }
  return c;
}

}  // namespace pxos::pxi
