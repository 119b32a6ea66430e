// pxos-difftest --measure: this host's KVM speed in the 32- and 64-bit modes.
#pragma once

#include <cstdint>

namespace pxos::difftest {

enum class ModeKind { Protected32, Paged32, Pae32, Compat32, Long64 };

// Prints, for each mode, the time per instruction of a DEC/JNZ loop of
// `iterations` at CPL 3 in a VM of its own (or why it cannot run).
void measure_kvm_modes(uint32_t iterations);

}  // namespace pxos::difftest
