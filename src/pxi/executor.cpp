#include "pxi/executor.h"

#include <cstdio>

#include "pxi/auto_executor.h"
#include "pxi/uart.h"

namespace pxos::pxi {

std::string OpError::message() const {
  char b[200];
  std::snprintf(b, sizeof b, "op %llu at pixel (%u, %u) = R%02x G%02x B%02x A%02x: %s",
                static_cast<unsigned long long>(op_index), x, y, px_r(pixel), px_g(pixel), px_b(pixel), px_a(pixel),
                errc_name(code));
  std::string m = b;
  switch (code) {
    case Errc::kUnknownOp:
      m += " (A must be 0x00 NOP, 0x01 WRITE or 0x02 SET-LINE)";
      break;
    case Errc::kDivisorZero:
      m += " (G, the baud divisor, must be 1..255)";
      break;
    case Errc::kLcrReserved:
      m += " (B, the line control, must not set bit 6 break or bit 7 DLAB)";
      break;
    case Errc::kReservedNonZero:
      m += " (fields the op does not use must be 0)";
      break;
    default:
      break;
  }
  return m;
}

OpError describe_op_error(const Program& p, uint64_t i) {
  OpError e{};
  e.op_index = i;
  e.x = p.op_x(i);
  e.y = p.op_y(i);
  e.pixel = i < p.ops.size() ? p.ops[i] : 0;
  e.code = Errc(uart::op_error(e.pixel));
  return e;
}

std::optional<OpError> first_op_error(const Program& p, const Stats& s) {
  if (s.first_error_op == kNoOp) return std::nullopt;
  OpError e = describe_op_error(p, s.first_error_op);
  e.code = Errc(s.first_error_code);
  return e;
}

std::vector<Event> events(const ExecResult& r) {
  std::vector<Event> ev;
  ev.reserve(r.bytes.size() + r.changes.size());
  size_t c = 0;
  for (size_t b = 0; b <= r.bytes.size(); ++b) {
    while (c < r.changes.size() && r.changes[c].byte_offset == b) {
      ev.push_back({Event::kLine, r.changes[c].divisor, r.changes[c].lcr});
      ++c;
    }
    if (b < r.bytes.size()) ev.push_back({Event::kByte, r.bytes[b], 0});
  }
  return ev;
}

bool vulkan_compiled() {
#ifdef PXOS_HAVE_VULKAN
  return true;
#else
  return false;
#endif
}
bool cuda_compiled() {
#ifdef PXOS_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

#ifndef PXOS_HAVE_VULKAN
std::unique_ptr<Executor> make_vulkan_executor(std::string* why) {
  *why = "the vulkan backend is not built (no Vulkan loader or glslangValidator found when pxOS was configured)";
  return nullptr;
}
#endif
#ifndef PXOS_HAVE_CUDA
std::unique_ptr<Executor> make_cuda_executor(CudaMode, std::string* why) {
  *why = "the cuda backend is not built (no nvcc found when pxOS was configured)";
  return nullptr;
}
#endif

std::vector<std::string> backend_names() {
  std::vector<std::string> v = {"cpu", "cpu-mt"};
  if (vulkan_compiled()) v.push_back("vulkan");
  if (cuda_compiled()) {
    v.push_back("cuda-copy");
    v.push_back("cuda-zerocopy");
    v.push_back("cuda-persistent");
  }
  return v;
}

std::vector<std::string> known_backend_names() {
  return {"cpu", "cpu-mt", "vulkan", "cuda-copy", "cuda-zerocopy", "cuda-persistent"};
}

std::unique_ptr<Executor> make_executor(const std::string& backend) {
  std::string why;
  std::unique_ptr<Executor> e;
  if (backend == "cpu") return make_cpu_executor(false);
  if (backend == "cpu-mt") return make_cpu_executor(true);
  if (backend == "vulkan") {
    e = make_vulkan_executor(&why);
  } else if (backend == "cuda" || backend == "cuda-copy") {
    e = make_cuda_executor(CudaMode::kCopy, &why);
  } else if (backend == "cuda-zerocopy") {
    e = make_cuda_executor(CudaMode::kZeroCopy, &why);
  } else if (backend == "cuda-persistent") {
    e = make_cuda_executor(CudaMode::kPersistent, &why);
  } else if (backend == "auto") {
    return std::make_unique<AutoExecutor>();  // probes and measures at its first batch
  } else {
    throw Error(Errc::kUsage, "unknown backend '" + backend +
                                  "' (cpu, cpu-mt, vulkan, cuda, cuda-copy, cuda-zerocopy, cuda-persistent, auto)");
  }
  if (!e) throw Error(Errc::kUsage, "backend " + backend + " is unavailable: " + why);
  return e;
}

}  // namespace pxos::pxi
