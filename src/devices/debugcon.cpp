#include "devices/debugcon.h"

namespace pxos {

namespace {
constexpr size_t kCaptureLimit = 64 * 1024;  // keep the tail only: a guest may flood the port
}

void DebugConsole::attach(PortBus& ports) {
  ports.add("debugcon", kPort, 1, [this](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (!is_write) {
      data[0] = kPort;
      return;
    }
    char ch = char(data[0]);
    ++bytes;
    if (out) {
      std::fputc(ch, out);
      if (ch == '\n') std::fflush(out);
    }
    captured.push_back(ch);
    if (captured.size() > 2 * kCaptureLimit) captured.erase(0, captured.size() - kCaptureLimit);
  });
}

}  // namespace pxos
