// The pixel-driver device: a guest hands it a raw PXI program (docs/PXI.md,
// the `.pxr` form) in guest RAM, rings a doorbell, and the PXI runtime
// (src/pxi/executor.h: cpu, vulkan, cuda backends) executes it on a worker
// thread. The resulting ordered stream of line changes and bytes is applied
// to a 16550 UART through the UART's own register interface, on the
// monitor's thread, from the device's timer. docs/PIXEL_DEVICE.md has the
// register map.
//
// Guest memory is read like DMA: the descriptor (address, length) is checked
// against guest RAM (GuestMemory::readable_span) when the doorbell rings, and
// the worker reads the program from there; the guest must leave it alone
// until the batch is done (as with any DMA buffer). A bad descriptor sets the
// error status and touches nothing. A guest that polls STATUS before the
// worker has started the batch has it run on the monitor's thread instead
// (it waits anyway; this saves a thread hand-off on a busy host).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vm/clock.h"
#include "vm/irq.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {

namespace pxi {
class Executor;
class AutoExecutor;
}  // namespace pxi

class Uart;

class PixelDevice {
 public:
  static constexpr uint16_t kBase = 0x5A0;
  static constexpr uint32_t kPortCount = 0x20;  // 5A0h..5BFh
  // Register offsets from kBase (docs/PIXEL_DEVICE.md).
  static constexpr uint16_t kAddr = 0x00;      // dword RW: guest-physical address of the raw program
  static constexpr uint16_t kLength = 0x04;    // dword RW: its length in bytes
  static constexpr uint16_t kCommand = 0x08;   // byte W: command; R: status
  static constexpr uint16_t kControl = 0x09;   // byte RW: IRQ line, IRQ enable, skip CRC
  static constexpr uint16_t kError = 0x0A;     // byte R: first error code
  static constexpr uint16_t kBackend = 0x0B;   // byte R: backend id
  static constexpr uint16_t kErrorOp = 0x0C;   // dword R: first error's op index (FFFFFFFFh: none)
  static constexpr uint16_t kCompletions = 0x10;  // dword R: batches finished (done or error)
  static constexpr uint16_t kOps = 0x14;          // dword R: ops in the last batch
  static constexpr uint16_t kBytes = 0x18;        // dword R: bytes written to the UART by the last batch
  static constexpr uint16_t kLineChanges = 0x1C;  // dword R: line changes applied by the last batch
  // Commands.
  static constexpr uint8_t kCmdSubmit = 0x01;  // the doorbell
  static constexpr uint8_t kCmdAck = 0x02;     // done/error -> idle, lowers the IRQ
  // Status.
  static constexpr uint8_t kIdle = 0, kBusy = 1, kDone = 2, kFailed = 3;
  // Control.
  static constexpr uint8_t kCtlIrqMask = 0x0F;    // bits 0..3: IRQ line (0..15)
  static constexpr uint8_t kCtlSkipCrc = 0x40;    // do not check the two CRC-32 fields
  static constexpr uint8_t kCtlIrqEnable = 0x80;  // raise the IRQ line when a batch ends
  // Error codes: 1..4 op errors and 16..29 program errors are pxi::Errc
  // values; the device's own start at 0x40.
  static constexpr uint8_t kErrNone = 0;
  static constexpr uint8_t kErrBadAddress = 0x40;  // [addr, addr+len) not wholly in guest memory
  static constexpr uint8_t kErrBadLength = 0x41;   // shorter than the header sector, or over the PXI limit
  static constexpr uint8_t kErrBusy = 0x42;        // doorbell while a batch runs (the batch goes on)
  static constexpr uint8_t kErrBackend = 0x43;     // the backend failed
  static constexpr uint8_t kErrBadCommand = 0x44;  // unknown command
  // Backend ids (kBackend register).
  static constexpr uint8_t kBackendCpu = 1, kBackendVulkan = 2, kBackendCuda = 3;

  struct Stats {
    uint64_t submits = 0, completed = 0, failed = 0, rejected_descriptors = 0;
    uint64_t ops = 0, bytes = 0, line_changes = 0;  // totals
    uint64_t busy_ns = 0;                            // doorbell to done, summed
  };

  // `backend`: a pxi backend name (cpu, cpu-mt, vulkan, cuda, cuda-copy,
  // cuda-zerocopy, cuda-persistent) or "auto" (per batch size, the backend
  // with the lowest latency measured here: pxi/auto_executor.h; the BACKEND
  // register then names the one that ran the last batch, cpu before the
  // first). Throws std::runtime_error when it is not available.
  // `irq_of(n)` gives the interrupt line n; `target` is the UART that the
  // programs drive. `trace_dir`: when not empty, each batch is written there
  // as a PNG (the `pxos pxi render` picture) named with its status.
  // `synchronous`: the timer waits for a running batch (--deterministic).
  PixelDevice(GuestMemory& mem, Uart& target, std::function<IrqLine(int)> irq_of, const std::string& backend,
              GuestClock clock, std::string trace_dir = "", bool synchronous = false);
  ~PixelDevice();
  PixelDevice(const PixelDevice&) = delete;
  PixelDevice& operator=(const PixelDevice&) = delete;

  void attach(PortBus& ports);
  // The register interface (offset 0..1Fh, one byte at a time).
  uint8_t read(uint16_t offset);
  void write(uint16_t offset, uint8_t value);

  // Applies a finished batch to the UART (on the caller's thread, which must
  // be the monitor's) and returns the next time to look, or kNoEvent when idle.
  uint64_t update(uint64_t now_ns);
  TimerCallback timer();
  // Blocks until no batch is running, then applies it (tests, shutdown).
  void wait_idle();

  uint8_t status() const { return status_; }
  std::string backend_name() const;
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Job;
  struct Result;
  void submit();
  uint64_t collect(uint64_t now_ns, bool guest_waits);
  void fail(uint8_t code, uint32_t op);
  void finish(Result& r, uint64_t now_ns);
  void worker_loop();
  Result execute(const Job& job);
  void raise_irq();
  void lower_irq();

  GuestMemory& mem_;
  Uart& uart_;
  std::function<IrqLine(int)> irq_of_;
  GuestClock clock_;
  std::string trace_dir_;
  bool synchronous_;
  std::unique_ptr<pxi::Executor> executor_;
  const pxi::AutoExecutor* auto_ = nullptr;  // executor_, when it is "auto"
  uint8_t backend_id_ = kBackendCpu;

  // Registers.
  uint32_t addr_ = 0, length_ = 0;
  uint8_t control_ = 0, status_ = kIdle, error_ = kErrNone;
  uint32_t error_op_ = 0xFFFFFFFF, completions_ = 0, ops_ = 0, bytes_ = 0, line_changes_ = 0;
  int irq_raised_ = -1;  // the line held high, -1 none
  uint64_t submitted_ns_ = 0;
  uint64_t batch_no_ = 0;
  Stats stats_;

  // The worker.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unique_ptr<Job> job_;        // waiting for the worker
  std::unique_ptr<Result> result_;  // waiting for the monitor
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace pxos
