#include "devices/post_code.h"

namespace pxos {

void PostCode::attach(PortBus& ports) {
  ports.add("post-code", kPort, 1, [this](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (is_write) last = data[0];
    else data[0] = last;
  });
}

}  // namespace pxos
