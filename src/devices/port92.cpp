#include "devices/port92.h"

#include <ostream>

namespace pxos {

void Port92::attach(PortBus& ports) {
  ports.add("port92", kPort, 1, [this](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (is_write) {
      write(data[0]);
      return;
    }
    data[0] = read();
    for (size_t i = 1; i < data.size(); ++i) data[i] = 0xFF;
  });
}

void Port92::write(uint8_t value) {
  uint8_t old = value_;
  value_ = value;
  if ((old ^ value) & kA20) {
    ++stats_.a20_changes;
    if (on_a20) on_a20(a20());
  }
  if (value & kFastReset) {
    ++stats_.resets;
    if (on_reset) on_reset();
  }
}

void Port92::print_stats(std::ostream& os) const {
  os << "  port92: " << stats_.a20_changes << " A20 changes, " << stats_.resets << " fast resets; A20 "
     << (a20() ? "on" : "off") << "\n";
}

}  // namespace pxos
