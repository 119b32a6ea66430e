// Where the guest programs built with pxos live: <dir of the pxos binary>/guests.
#pragma once

#include <string>

namespace pxos::cli {
std::string guest_binary(const std::string& name);  // e.g. "bench_exits" -> ".../guests/bench_exits.bin"
}
