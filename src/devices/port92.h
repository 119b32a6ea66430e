// Port 92h, "system control port A" (fast A20 and fast reset).
// Bit 1 gates A20 (on_a20 is called on every change); writing bit 0 = 1
// resets the CPU (on_reset, on every such write: the machine is expected to
// reset this device too). Other bits (3: CMOS lock, 6-7: disk activity LED)
// are stored. Reads return what was written.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>

#include "vm/bus.h"

namespace pxos {

class Port92 {
 public:
  static constexpr uint16_t kPort = 0x92;
  static constexpr uint8_t kFastReset = 0x01, kA20 = 0x02;

  struct Stats {
    uint64_t a20_changes = 0;
    uint64_t resets = 0;
  };

  Port92() = default;
  void attach(PortBus& ports);

  std::function<void(bool)> on_a20;
  std::function<void()> on_reset;

  uint8_t read() const { return value_; }
  void write(uint8_t value);
  void reset() { value_ = 0; }  // machine reset: A20 off (no callback)

  bool a20() const { return value_ & kA20; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  uint8_t value_ = 0;
  Stats stats_;
};

}  // namespace pxos
