#include "devices/exit_port.h"

namespace pxos {

void add_exit_port(PortBus& ports, std::function<void(int status)> on_exit) {
  ports.add("exit", kExitPort, 1, [on_exit = std::move(on_exit)](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (is_write) on_exit(data[0]);
  });
}

}  // namespace pxos
