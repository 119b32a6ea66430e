// The cpu backends: the sequential reference and a tiled multi-threaded path
// (reduce, scan, emit: the same three passes the GPU kernels run).
#include <algorithm>
#include <thread>

#include "pxi/executor.h"
#include "pxi/uart.h"

namespace pxos::pxi {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

void note_error(Stats& s, uint64_t i, uint32_t err) {
  if (!err) return;
  ++s.invalid;
  if (s.first_error_op == kNoOp) {
    s.first_error_op = i;
    s.first_error_code = err;
  }
}

LineChange change_at(uint64_t byte_offset, Pixel p) { return LineChange{uint32_t(byte_offset), px_g(p), px_b(p), 0}; }

// Pass 1 of the tiled path: what one tile contributes.
struct TileSum {
  Stats s;
  uint64_t writes = 0;
  uint32_t first_line = kNone, last_line = kNone;
  uint64_t internal_changes = 0;  // line changes after the tile's first line op
};

TileSum reduce_tile(const Pixel* ops, uint32_t begin, uint32_t end) {
  TileSum t;
  uint32_t cur = kNone;
  for (uint32_t i = begin; i < end; ++i) {
    const Pixel p = ops[i];
    count_op_type(t.s, p);
    note_error(t.s, i, uart::op_error(p));
    if (uart::is_line_op(p)) {
      const uint32_t l = uart::line_of(p);
      if (t.first_line == kNone)
        t.first_line = i;
      else if (l != cur)
        ++t.internal_changes;
      cur = l;
      t.last_line = i;
    }
  }
  t.writes = t.s.writes;
  return t;
}

void emit_tile(const Pixel* ops, uint32_t begin, uint32_t end, uint32_t cur, uint64_t b, uint64_t c, uint8_t* bytes,
               LineChange* changes) {
  for (uint32_t i = begin; i < end; ++i) {
    const Pixel p = ops[i];
    if (!uart::is_line_op(p)) continue;
    const uint32_t l = uart::line_of(p);
    if (l != cur) {
      changes[c++] = change_at(b, p);
      cur = l;
    }
    if (uart::is_write(p)) bytes[b++] = px_r(p);
  }
}

template <class F>
void parallel_for(size_t n, unsigned threads, F f) {
  std::vector<std::thread> pool;
  const unsigned k = unsigned(std::min<size_t>(threads, n));
  for (unsigned w = 1; w < k; ++w)
    pool.emplace_back([&, w] {
      for (size_t i = w; i < n; i += k) f(i);
    });
  for (size_t i = 0; i < n; i += k ? k : 1) f(i);
  for (auto& t : pool) t.join();
}

class CpuExecutor final : public Executor {
 public:
  explicit CpuExecutor(bool mt) : mt_(mt) { threads_ = std::max(1u, std::thread::hardware_concurrency()); }
  std::string name() const override { return mt_ ? "cpu-mt" : "cpu"; }
  std::string device() const override {
    return mt_ ? "host CPU, " + std::to_string(threads_) + " threads from 128 Ki ops" : "host CPU, one thread";
  }
  std::span<Pixel> input(size_t n) override {
    if (in_.size() < n) in_.resize(n);
    return {in_.data(), n};
  }
  ExecResult run(std::span<const Pixel> ops) override {
    if (ops.size() > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
    ExecResult r;
    if (!mt_ || ops.size() < kTile * 2 || threads_ < 2) {
      bytes_.clear();
      changes_.clear();
      r.stats = run_reference(ops, &bytes_, &changes_);
    } else {
      r.stats = run_tiled(ops);
    }
    r.bytes = {bytes_.data(), size_t(r.stats.bytes_out)};
    r.changes = {changes_.data(), size_t(r.stats.line_changes)};
    return r;
  }

 private:
  static constexpr uint32_t kTile = 1u << 16;

  Stats run_tiled(std::span<const Pixel> ops) {
    const uint32_t n = uint32_t(ops.size());
    const size_t tiles = (n + kTile - 1) / kTile;
    std::vector<TileSum> sums(tiles);
    parallel_for(tiles, threads_, [&](size_t t) {
      sums[t] = reduce_tile(ops.data(), uint32_t(t * kTile), std::min<uint32_t>(n, (t + 1) * kTile));
    });
    // Scan over the tiles.
    Stats s;
    s.ops = n;
    std::vector<uint64_t> byte_base(tiles), change_base(tiles);
    std::vector<uint32_t> line_before(tiles);
    uint64_t b = 0, c = 0;
    uint32_t prev = kNone;
    for (size_t t = 0; t < tiles; ++t) {
      const TileSum& ts = sums[t];
      s.nops += ts.s.nops;
      s.writes += ts.s.writes;
      s.set_lines += ts.s.set_lines;
      s.unknown += ts.s.unknown;
      s.invalid += ts.s.invalid;
      if (s.first_error_op == kNoOp && ts.s.first_error_op != kNoOp) {
        s.first_error_op = ts.s.first_error_op;
        s.first_error_code = ts.s.first_error_code;
      }
      byte_base[t] = b;
      change_base[t] = c;
      line_before[t] = prev == kNone ? kNone : uart::line_of(ops[prev]);
      if (ts.first_line != kNone) {
        const bool first_changes = prev == kNone || uart::line_of(ops[prev]) != uart::line_of(ops[ts.first_line]);
        c += ts.internal_changes + (first_changes ? 1 : 0);
        prev = ts.last_line;
      }
      b += ts.writes;
    }
    if (s.first_error_op != kNoOp) return s;  // rejected: no output
    s.bytes_out = b;
    s.line_changes = c;
    if (bytes_.size() < b) bytes_.resize(b);
    if (changes_.size() < c) changes_.resize(c);
    parallel_for(tiles, threads_, [&](size_t t) {
      emit_tile(ops.data(), uint32_t(t * kTile), std::min<uint32_t>(n, (t + 1) * kTile), line_before[t], byte_base[t],
                change_base[t], bytes_.data(), changes_.data());
    });
    return s;
  }

  bool mt_;
  unsigned threads_;
  std::vector<Pixel> in_;
  std::vector<uint8_t> bytes_;
  std::vector<LineChange> changes_;
};

}  // namespace

void count_op_type(Stats& s, Pixel p) {
  switch (uart::op_type(p)) {
    case uart::kOpNop:
      ++s.nops;
      break;
    case uart::kOpWrite:
      ++s.writes;
      break;
    case uart::kOpSetLine:
      ++s.set_lines;
      break;
    default:
      ++s.unknown;
      break;
  }
}

Stats run_reference(std::span<const Pixel> ops, std::vector<uint8_t>* bytes, std::vector<LineChange>* changes) {
  Stats s;
  s.ops = ops.size();
  for (size_t i = 0; i < ops.size(); ++i) {
    count_op_type(s, ops[i]);
    note_error(s, i, uart::op_error(ops[i]));
  }
  if (s.first_error_op != kNoOp) return s;
  uint32_t cur = kNone;
  bytes->reserve(s.writes);
  for (const Pixel p : ops) {
    if (!uart::is_line_op(p)) continue;
    const uint32_t l = uart::line_of(p);
    if (l != cur) {
      changes->push_back(change_at(bytes->size(), p));
      cur = l;
    }
    if (uart::is_write(p)) bytes->push_back(px_r(p));
  }
  s.bytes_out = bytes->size();
  s.line_changes = changes->size();
  return s;
}

std::unique_ptr<Executor> make_cpu_executor(bool multi_threaded) {
  return std::make_unique<CpuExecutor>(multi_threaded);
}

}  // namespace pxos::pxi
