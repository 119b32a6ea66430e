#include "devices/pixel.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <stdexcept>

#include "devices/uart.h"
#include "pxi/auto_executor.h"
#include "pxi/executor.h"
#include "pxi/format.h"
#include "pxi/render.h"

namespace pxos {

// A batch handed to the worker: where the program lies in guest RAM.
struct PixelDevice::Job {
  const uint8_t* program;  // checked against guest memory by submit()
  uint64_t length;
  bool check_crc;
  uint64_t number;
};

// What the worker hands back.
struct PixelDevice::Result {
  uint8_t error = kErrNone;
  uint32_t error_op = 0xFFFFFFFF;
  uint64_t ops = 0;
  uint8_t backend_id = 0;  // the backend that ran it (0: none ran)
  std::vector<uint8_t> bytes;
  std::vector<pxi::LineChange> changes;
};

namespace {

uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint8_t backend_id_of(const std::string& name) {
  if (name.rfind("cuda", 0) == 0) return PixelDevice::kBackendCuda;
  if (name == "vulkan") return PixelDevice::kBackendVulkan;
  return PixelDevice::kBackendCpu;
}

}  // namespace

PixelDevice::PixelDevice(GuestMemory& mem, Uart& target, std::function<IrqLine(int)> irq_of, const std::string& backend,
                         GuestClock clock, std::string trace_dir, bool synchronous)
    : mem_(mem),
      uart_(target),
      irq_of_(std::move(irq_of)),
      clock_(std::move(clock)),
      trace_dir_(std::move(trace_dir)),
      synchronous_(synchronous) {
  try {
    // auto: per batch size, the backend with the lowest measured latency here
    // (probed and timed at the first batch of each size class, on the worker).
    executor_ = pxi::make_executor(backend);
    auto_ = dynamic_cast<const pxi::AutoExecutor*>(executor_.get());
  } catch (const pxi::Error& e) {
    throw std::runtime_error(std::string("--pixel-backend: ") + e.what());
  }
  if (!auto_) backend_id_ = backend_id_of(executor_->name());
  if (!trace_dir_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(trace_dir_, ec);
    if (ec) throw std::runtime_error("--pixel-trace: cannot create " + trace_dir_ + ": " + ec.message());
  }
}

PixelDevice::~PixelDevice() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::string PixelDevice::backend_name() const { return executor_->name(); }

void PixelDevice::attach(PortBus& ports) {
  ports.add("pixel", kBase, kPortCount, [this](uint64_t off, std::span<uint8_t> data, bool is_write) {
    for (size_t i = 0; i < data.size(); ++i) {
      uint16_t reg = uint16_t(off + i);
      if (is_write)
        write(reg, data[i]);
      else
        data[i] = read(reg);
    }
  });
}

uint8_t PixelDevice::read(uint16_t offset) {
  auto byte_of = [&](uint32_t v, uint16_t base) { return uint8_t(v >> (8 * (offset - base))); };
  switch (offset) {
    case kCommand:
      // A status poll also collects a finished batch (we are on the monitor's thread).
      if (status_ == kBusy) collect(clock_.now_ns(), true);
      return status_;
    case kControl: return control_;
    case kError: return error_;
    case kBackend: return backend_id_;
    default: break;
  }
  if (offset < kAddr + 4) return byte_of(addr_, kAddr);
  if (offset < kLength + 4) return byte_of(length_, kLength);
  if (offset >= kErrorOp && offset < kErrorOp + 4) return byte_of(error_op_, kErrorOp);
  if (offset >= kCompletions && offset < kCompletions + 4) return byte_of(completions_, kCompletions);
  if (offset >= kOps && offset < kOps + 4) return byte_of(ops_, kOps);
  if (offset >= kBytes && offset < kBytes + 4) return byte_of(bytes_, kBytes);
  if (offset >= kLineChanges && offset < kLineChanges + 4) return byte_of(line_changes_, kLineChanges);
  return 0xFF;
}

void PixelDevice::write(uint16_t offset, uint8_t value) {
  auto set_byte = [&](uint32_t& reg, uint16_t base) {
    const unsigned shift = 8 * (offset - base);
    reg = (reg & ~(0xFFu << shift)) | uint32_t(value) << shift;
  };
  if (offset < kAddr + 4) {
    set_byte(addr_, kAddr);
  } else if (offset < kLength + 4) {
    set_byte(length_, kLength);
  } else if (offset == kControl) {
    const bool was_enabled = control_ & kCtlIrqEnable;
    control_ = value;
    if (irq_raised_ >= 0 && (!(value & kCtlIrqEnable) || (value & kCtlIrqMask) != irq_raised_)) lower_irq();
    // Enabling with a finished batch pending raises the line (level).
    if (!was_enabled && (value & kCtlIrqEnable) && (status_ == kDone || status_ == kFailed)) raise_irq();
  } else if (offset == kCommand) {
    if (value == kCmdSubmit) {
      submit();
    } else if (value == kCmdAck) {
      if (status_ != kBusy) status_ = kIdle;
      lower_irq();
    } else if (status_ != kBusy) {
      fail(kErrBadCommand, 0xFFFFFFFF);
    }
  }
  // Other registers are read-only.
}

void PixelDevice::submit() {
  ++stats_.submits;
  if (status_ == kBusy) {
    ++stats_.rejected_descriptors;  // a doorbell while busy is ignored; the batch goes on
    return;
  }
  lower_irq();
  error_ = kErrNone;
  error_op_ = 0xFFFFFFFF;
  constexpr uint64_t kMaxLength = pxi::kRawHeaderBytes + 4ull * pxi::kMaxOps + pxi::kRawSector;
  // 64-bit arithmetic: an address near 4 GiB plus a length never wraps to a small address.
  const uint64_t addr = addr_, len = length_;
  if (len < pxi::kRawHeaderBytes || len > kMaxLength) {
    ++stats_.rejected_descriptors;
    fail(kErrBadLength, 0xFFFFFFFF);
    return;
  }
  const uint8_t* program = mem_.readable_span(addr, len);
  if (!program || addr + len > (1ull << 32)) {
    ++stats_.rejected_descriptors;
    fail(kErrBadAddress, 0xFFFFFFFF);
    return;
  }
  status_ = kBusy;
  submitted_ns_ = clock_.now_ns();
  auto job = std::make_unique<Job>(Job{program, len, !(control_ & kCtlSkipCrc), ++batch_no_});
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });  // started by the first batch
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
  }
  cv_.notify_all();
}

void PixelDevice::fail(uint8_t code, uint32_t op) {
  status_ = kFailed;
  error_ = code;
  error_op_ = op;
  ops_ = bytes_ = line_changes_ = 0;
  ++completions_;
  ++stats_.failed;
  if (!trace_dir_.empty()) {
    if (std::FILE* f = std::fopen((trace_dir_ + "/batches.txt").c_str(), "a")) {
      std::fprintf(f, "batch %llu: error 0x%02x (descriptor address 0x%08x, length %u)\n",
                   static_cast<unsigned long long>(++batch_no_), code, addr_, length_);
      std::fclose(f);
    }
  }
  if (control_ & kCtlIrqEnable) raise_irq();
}

void PixelDevice::raise_irq() {
  if (irq_raised_ >= 0) lower_irq();  // a new edge for the 8259A
  irq_raised_ = control_ & kCtlIrqMask;
  irq_of_(irq_raised_).set(true);
}

void PixelDevice::lower_irq() {
  if (irq_raised_ < 0) return;
  irq_of_(irq_raised_).set(false);
  irq_raised_ = -1;
}

void PixelDevice::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || job_; });
    if (stop_) return;
    std::unique_ptr<Job> job = std::move(job_);
    lock.unlock();
    auto result = std::make_unique<Result>(execute(*job));
    lock.lock();
    result_ = std::move(result);
    cv_.notify_all();
  }
}

PixelDevice::Result PixelDevice::execute(const Job& job) {
  Result r;
  std::span<const uint8_t> raw(job.program, job.length);
  pxi::Program traced;  // only filled when tracing
  std::span<const pxi::Pixel> ops;
  std::vector<pxi::Pixel> copy;
  uint16_t width = pxi::kDefaultWidth;
  try {
    if (job.check_crc) {
      traced = pxi::from_raw(raw);  // every check of docs/PXI.md, CRCs included
      width = traced.header.width;
      ops = traced.ops;
    } else {
      // The same checks without the two CRC-32 fields.
      const uint8_t* h = job.program;
      if (std::memcmp(h, pxi::kMagic, 4) != 0) throw pxi::Error(pxi::Errc::kBadMagic, "bad magic");
      if (h[4] != pxi::kVersion) throw pxi::Error(pxi::Errc::kBadVersion, "bad version");
      if (h[5] != pxi::kClassUart16550) throw pxi::Error(pxi::Errc::kBadClass, "bad class");
      if (get32(h + 16) != 0) throw pxi::Error(pxi::Errc::kBadReserved, "reserved");
      width = uint16_t(h[6] | h[7] << 8);
      if (width < pxi::kMinWidth || width > pxi::kMaxWidth) throw pxi::Error(pxi::Errc::kBadWidth, "width");
      const uint32_t n = get32(h + 8);
      if (n > pxi::kMaxOps) throw pxi::Error(pxi::Errc::kTooLarge, "op count");
      if (job.length < pxi::kRawHeaderBytes + 4ull * n) throw pxi::Error(pxi::Errc::kTruncated, "truncated", n);
      std::span<pxi::Pixel> in = executor_->input(n);  // pinned or mapped where the backend has it
      if (n) std::memcpy(in.data(), h + pxi::kRawHeaderBytes, size_t(n) * 4);  // an empty span may have no data()
      ops = in.first(n);
    }
    const pxi::ExecResult e = executor_->run(ops);
    r.backend_id = backend_id_of(executor_->name());
    r.ops = e.stats.ops;
    if (!e.ok()) {
      r.error = uint8_t(e.stats.first_error_code);
      r.error_op = uint32_t(e.stats.first_error_op);
    } else {
      r.bytes.assign(e.bytes.begin(), e.bytes.end());
      r.changes.assign(e.changes.begin(), e.changes.end());
    }
  } catch (const pxi::Error& e) {
    r.error = e.code() == pxi::Errc::kUsage ? kErrBackend : uint8_t(e.code());
    r.error_op = e.op_index() == pxi::kNoOp ? 0xFFFFFFFF : uint32_t(e.op_index());
  } catch (const std::exception&) {
    r.error = kErrBackend;
  }
  if (!trace_dir_.empty()) {
    char name[64];
    std::snprintf(name, sizeof name, "batch-%06llu-%s.png", static_cast<unsigned long long>(job.number),
                  r.error ? "error" : "done");
    try {
      if (traced.ops.empty() && !ops.empty()) traced = pxi::make_program({ops.begin(), ops.end()}, width);
      if (!ops.empty() || r.error == kErrNone) pxi::write_file(trace_dir_ + "/" + name, pxi::render_png(traced));
    } catch (const std::exception&) {
    }
    if (std::FILE* f = std::fopen((trace_dir_ + "/batches.txt").c_str(), "a")) {
      if (r.error)
        std::fprintf(f, "batch %llu: error 0x%02x (%s) at op %d, %llu ops\n",
                     static_cast<unsigned long long>(job.number), r.error,
                     r.error < 0x40 ? pxi::errc_name(pxi::Errc(r.error)) : "backend", int(r.error_op),
                     static_cast<unsigned long long>(r.ops));
      else
        std::fprintf(f, "batch %llu: done, %llu ops, %zu bytes, %zu line changes (%s)\n",
                     static_cast<unsigned long long>(job.number), static_cast<unsigned long long>(r.ops),
                     r.bytes.size(), r.changes.size(), name);
      std::fclose(f);
    }
  }
  return r;
}

void PixelDevice::finish(Result& r, uint64_t now_ns) {
  // The ordered stream, through the UART's registers as a driver would write them.
  size_t c = 0;
  auto apply_changes_before = [&](size_t offset) {
    for (; c < r.changes.size() && r.changes[c].byte_offset == offset; ++c) {
      const uint8_t lcr = r.changes[c].lcr;
      uart_.write(Uart::kLcr, uint8_t(lcr | Uart::kLcrDlab));
      uart_.write(Uart::kDll, r.changes[c].divisor);
      uart_.write(Uart::kDlm, 0);
      uart_.write(Uart::kLcr, lcr);
    }
  };
  for (size_t b = 0; b < r.bytes.size(); ++b) {
    apply_changes_before(b);
    uart_.write(Uart::kThr, r.bytes[b]);
  }
  apply_changes_before(r.bytes.size());
  status_ = r.error ? kFailed : kDone;
  if (r.backend_id) backend_id_ = r.backend_id;
  error_ = r.error;
  error_op_ = r.error_op;
  ops_ = uint32_t(r.ops);
  bytes_ = uint32_t(r.bytes.size());
  line_changes_ = uint32_t(r.changes.size());
  ++completions_;
  stats_.ops += r.ops;
  stats_.bytes += r.bytes.size();
  stats_.line_changes += r.changes.size();
  const uint64_t end_ns = std::max(now_ns, clock_.now_ns());  // after the UART writes
  stats_.busy_ns += end_ns > submitted_ns_ ? end_ns - submitted_ns_ : 0;
  if (r.error)
    ++stats_.failed;
  else
    ++stats_.completed;
  if (control_ & kCtlIrqEnable) raise_irq();
}

uint64_t PixelDevice::update(uint64_t now_ns) { return collect(now_ns, false); }

uint64_t PixelDevice::collect(uint64_t now_ns, bool guest_waits) {
  if (status_ != kBusy) return kNoEvent;
  std::unique_ptr<Result> r;
  std::unique_ptr<Job> job;
  {
    std::unique_lock lock(mutex_);
    // A guest polling STATUS waits anyway: when the worker has not picked the
    // batch up yet (a busy host), the monitor's thread runs it itself.
    if (guest_waits && job_)
      job = std::move(job_);
    else if (synchronous_)
      cv_.wait(lock, [this] { return result_ != nullptr; });
    r = std::move(result_);
  }
  if (job) r = std::make_unique<Result>(execute(*job));
  if (!r) return now_ns + 20'000;  // look again soon
  finish(*r, now_ns);
  return kNoEvent;
}

TimerCallback PixelDevice::timer() {
  return [this](uint64_t now) { return update(now); };
}

void PixelDevice::wait_idle() {
  if (status_ != kBusy) return;
  std::unique_ptr<Result> r;
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return result_ != nullptr; });
    r = std::move(result_);
  }
  finish(*r, clock_.now_ns());
}

void PixelDevice::print_stats(std::ostream& os) const {
  os << "pixel: backend " << (auto_ ? "auto, last batch on " : "") << executor_->name() << ", " << stats_.submits
     << " doorbells, " << stats_.completed << " batches done, " << stats_.failed << " failed ("
     << stats_.rejected_descriptors << " bad descriptors or busy), " << stats_.ops << " ops, " << stats_.bytes
     << " bytes, " << stats_.line_changes << " line changes";
  if (stats_.completed) os << ", " << stats_.busy_ns / 1000 / stats_.completed << " us per batch";
  os << "\n";
  if (!auto_) return;
  for (const pxi::BackendProbe& b : auto_->probes())
    if (!b.works) os << "pixel: auto: " << b.name << " not available: " << b.note << "\n";
  for (const pxi::Decision& d : auto_->decisions()) os << "pixel: auto: " << d.describe() << "\n";
}

}  // namespace pxos
