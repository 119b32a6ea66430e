// National Semiconductor 16550A UART (8 registers from a base port; COM1 is
// 3F8h/IRQ4, COM2 2F8h/IRQ3). Bytes written to THR go to a SerialBackend at
// once (no line timing: THR and the transmitter are always empty again by
// the next access); bytes from the host arrive through receive() or by
// polling the backend in update().
//
// Modelled: RBR/THR, IER, IIR/FCR with 16-byte receive FIFO and trigger
// levels 1/4/8/14, LCR with DLAB and the divisor latch, MCR (loop-back:
// THR -> RBR, MCR outputs -> MSR inputs; OUT2 gates the IRQ line as on a
// PC, and in loop-back the OUT2 pin is inactive so the line stays low),
// LSR (DR, OE, THRE, TEMT), MSR with delta bits, SCR. Interrupt priority
// per the datasheet: line status > received data (or character timeout) >
// THR empty > modem status. The THRE interrupt is cleared by reading IIR
// when IIR shows it, or by writing THR; it is raised again when THR
// empties and when IER's ETBEI goes from 0 to 1.
//
// Simplified: the character timeout (IIR 0Ch) is reported as soon as the
// FIFO holds data below the trigger level (no four-character wait); parity,
// framing and break are never produced; the word length is stored, not
// applied to the data. In loop-back the serial input is disconnected:
// receive() drops (and counts) host bytes and the backend is not polled.
//
// Not thread-safe: call receive() and update() from the monitor's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>

#include "vm/clock.h"
#include "vm/irq.h"
#include "devices/serial_backend.h"
#include "vm/bus.h"

namespace pxos {

class Uart {
 public:
  static constexpr uint16_t kCom1Base = 0x3F8, kCom2Base = 0x2F8;
  static constexpr int kCom1Irq = 4, kCom2Irq = 3;
  static constexpr size_t kFifoSize = 16;
  static constexpr uint32_t kBaseBaud = 115200;  // 1.8432 MHz / 16
  static constexpr uint64_t kPollIntervalNs = 1'000'000;
  // Register offsets (DLAB = LCR bit 7 selects DLL/DLM at 0/1).
  static constexpr uint16_t kRbr = 0, kThr = 0, kDll = 0, kIer = 1, kDlm = 1, kIir = 2, kFcr = 2;
  static constexpr uint16_t kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7;
  // IER.
  static constexpr uint8_t kIerRx = 0x01, kIerThre = 0x02, kIerLine = 0x04, kIerModem = 0x08;
  // IIR: bit 0 = 1 when nothing is pending; bits 7:6 = 11 with FIFOs on.
  static constexpr uint8_t kIirNone = 0x01, kIirLine = 0x06, kIirRx = 0x04, kIirTimeout = 0x0C;
  static constexpr uint8_t kIirThre = 0x02, kIirModem = 0x00, kIirFifo = 0xC0;
  // FCR.
  static constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02, kFcrClearTx = 0x04;
  // LCR.
  static constexpr uint8_t kLcrDlab = 0x80;
  // MCR.
  static constexpr uint8_t kMcrDtr = 0x01, kMcrRts = 0x02, kMcrOut1 = 0x04, kMcrOut2 = 0x08, kMcrLoop = 0x10;
  // LSR.
  static constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrPe = 0x04, kLsrFe = 0x08, kLsrBi = 0x10;
  static constexpr uint8_t kLsrThre = 0x20, kLsrTemt = 0x40, kLsrFifoError = 0x80;
  // MSR.
  static constexpr uint8_t kMsrDcts = 0x01, kMsrDdsr = 0x02, kMsrTeri = 0x04, kMsrDdcd = 0x08;
  static constexpr uint8_t kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;

  struct Stats {
    uint64_t bytes_out = 0;   // THR writes sent to the backend
    uint64_t bytes_in = 0;    // bytes that reached the receiver
    uint64_t loopback = 0;    // THR writes looped back
    uint64_t overruns = 0;    // bytes lost to a full receiver
    uint64_t dropped_in_loopback = 0;  // host bytes that arrived while in loop-back
    uint64_t irqs = 0;        // rising edges of the IRQ line
  };

  // `backend` may be null (output is dropped, no input).
  Uart(uint16_t base, IrqLine irq, std::shared_ptr<SerialBackend> backend = nullptr);
  void attach(PortBus& ports);

  // Host -> guest; bytes that do not fit are overruns.
  void receive(std::span<const uint8_t> bytes);
  // Polls the backend's input into the receiver (as much as fits) and
  // returns the next poll time: kNoEvent when the backend has no input, or
  // when it has a descriptor that the monitor waits on (input_fd()).
  uint64_t update(uint64_t now_ns);
  // The backend's descriptor while the receiver can take input, else -1: a
  // halted guest's monitor wakes when it becomes readable.
  int input_fd() const;
  TimerCallback timer();

  // The register interface (reg 0..7), used by the port callback.
  uint8_t read(uint16_t reg);
  void write(uint16_t reg, uint8_t value);

  // Line settings and state for the front end.
  uint16_t base() const { return base_; }
  uint16_t divisor() const { return uint16_t(dlm_ << 8 | dll_); }
  uint32_t baud() const { return divisor() ? kBaseBaud / divisor() : 0; }
  uint8_t lcr() const { return lcr_; }
  uint8_t mcr() const { return mcr_; }
  uint8_t ier() const { return ier_; }
  bool fifo_enabled() const { return fifo_enabled_; }
  size_t rx_count() const { return rx_.size(); }
  bool irq_level() const { return irq_level_; }
  std::string line_settings() const;  // e.g. "9600 8N1"
  // Modem inputs when not in loop-back (default CTS, DSR, DCD asserted).
  void set_modem_inputs(bool cts, bool dsr, bool dcd, bool ri);
  SerialBackend* backend() const { return backend_.get(); }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  void push_rx(uint8_t b);
  void pull_backend();
  uint8_t modem_lines() const;           // MSR bits 7:4 as seen now
  void modem_changed(uint8_t before);    // set delta bits
  uint8_t pending_id() const;            // IIR bits 3:0
  void update_irq();
  uint8_t trigger() const;

  uint16_t base_;
  IrqLine irq_;
  std::shared_ptr<SerialBackend> backend_;
  std::deque<uint8_t> rx_;
  uint8_t last_rbr_ = 0;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0;
  uint8_t dll_ = 0, dlm_ = 0;
  uint8_t lsr_errors_ = 0;   // OE/PE/FE/BI until LSR is read
  uint8_t msr_deltas_ = 0;   // MSR bits 3:0 until MSR is read
  uint8_t modem_inputs_ = kMsrCts | kMsrDsr | kMsrDcd;
  uint8_t trigger_bits_ = 0; // FCR bits 7:6
  bool fifo_enabled_ = false;
  bool thre_int_ = false;
  bool irq_level_ = false;
  Stats stats_;
};

}  // namespace pxos
