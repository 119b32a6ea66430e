// Executing PXI programs: one interface, several backends (cpu, cpu-mt, vulkan,
// cuda-copy, cuda-zerocopy, cuda-persistent) that give bit-identical output and
// statistics on every program.
//
// Semantics (UART class, docs/PXI.md): ops run in order; the line starts
// unprogrammed; a WRITE or SET-LINE whose (divisor, lcr) differ from the current
// line settings (or that is the first line op) emits a line change first; a WRITE
// then emits its byte. A program with any invalid op is rejected as a whole: no
// bytes and no line changes, the statistics still count every op and name the
// first invalid one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pxi/format.h"

namespace pxos::pxi {

// "Before byte number byte_offset of the output, program the line to (divisor, lcr)."
struct LineChange {
  uint32_t byte_offset;
  uint8_t divisor;
  uint8_t lcr;
  uint16_t reserved;  // 0
  bool operator==(const LineChange&) const = default;
};
static_assert(sizeof(LineChange) == 8);

struct Stats {
  uint64_t ops = 0, nops = 0, writes = 0, set_lines = 0, unknown = 0;
  uint64_t invalid = 0;       // ops with any error
  uint64_t line_changes = 0;  // emitted (0 when rejected)
  uint64_t bytes_out = 0;     // emitted (0 when rejected)
  uint64_t first_error_op = kNoOp;
  uint32_t first_error_code = 0;  // pxi::Errc value
  bool operator==(const Stats&) const = default;
};

struct OpError {
  Errc code;
  uint64_t op_index;
  uint32_t x, y;   // the pixel in the PNG form
  uint32_t pixel;  // its RGBA value
  std::string message() const;
};

// One execution's result. The spans point into memory owned by the executor and
// stay valid until its next run() or its destruction; copy them to keep them.
struct ExecResult {
  Stats stats;
  std::span<const uint8_t> bytes;
  std::span<const LineChange> changes;
  bool ok() const { return stats.first_error_op == kNoOp; }
};

// The ordered event stream (what a device model consumes).
struct Event {
  enum Kind : uint8_t { kLine, kByte } kind;
  uint8_t a, b;  // kLine: divisor, lcr; kByte: data, 0
};
std::vector<Event> events(const ExecResult& r);

class Executor {
 public:
  virtual ~Executor() = default;
  virtual std::string name() const = 0;
  // Where it runs, for people: "host CPU, 2 threads", "NVIDIA H100 80GB HBM3",
  // "llvmpipe (LLVM 15.0.6, 256 bits): Mesa's lavapipe, a CPU implementation of Vulkan".
  virtual std::string device() const { return "host CPU"; }
  // Whether the work runs on the host's CPU (true for vulkan on lavapipe too).
  virtual bool on_cpu() const { return true; }
  // A host buffer of n op slots owned by the executor (pinned or device-mapped
  // where the backend has such memory). Filling it and passing it to run() avoids
  // a staging copy. Valid until the next input()/run() with a larger n.
  virtual std::span<Pixel> input(size_t n) = 0;
  // Runs ops (any memory, or a span of input()). Throws pxi::Error(kUsage) on a
  // backend failure and when ops.size() > kMaxOps.
  virtual ExecResult run(std::span<const Pixel> ops) = 0;
};

// "cpu" (reference, sequential), "cpu-mt" (tiled, multi-threaded), "vulkan",
// "cuda" (= cuda-copy), "cuda-copy", "cuda-zerocopy", "cuda-persistent",
// "auto" (per batch size, the backend with the lowest measured latency among
// those that work here: auto_executor.h). Throws pxi::Error(kUsage) naming why a
// backend is not available.
std::unique_ptr<Executor> make_executor(const std::string& backend);
std::vector<std::string> backend_names();        // those compiled in
std::vector<std::string> known_backend_names();  // all of them, compiled in or not (not "cuda", "auto")
bool vulkan_compiled();
bool cuda_compiled();

// The reference semantics, sequential (the "cpu" backend's core).
// Counts one op in Stats' per-type counters (nops, writes, set_lines, unknown).
void count_op_type(Stats& s, Pixel p);

Stats run_reference(std::span<const Pixel> ops, std::vector<uint8_t>* bytes, std::vector<LineChange>* changes);

// The first invalid op of a program (with coordinates), if any; counts in stats.
std::optional<OpError> first_op_error(const Program& p, const Stats& s);
OpError describe_op_error(const Program& p, uint64_t index);

// Backend factories (each file defines its own; absent backends return nullptr
// and set *why).
std::unique_ptr<Executor> make_cpu_executor(bool multi_threaded);
std::unique_ptr<Executor> make_vulkan_executor(std::string* why);
enum class CudaMode { kCopy, kZeroCopy, kPersistent };
std::unique_ptr<Executor> make_cuda_executor(CudaMode mode, std::string* why);

}  // namespace pxos::pxi
