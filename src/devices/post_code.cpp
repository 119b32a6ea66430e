#include "devices/post_code.h"

#include <ostream>

namespace pxos {

void PostCode::attach(PortBus& ports) {
  ports.add("post-code", kPort, 1, [this](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (is_write) last = data[0];
    else data[0] = last;
  });
}

void PostCode::print_stats(std::ostream& os) const { os << "last POST code: " << int(last) << "\n"; }

}  // namespace pxos
