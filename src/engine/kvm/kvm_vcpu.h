// The KVM engine: hardware virtualization through /dev/kvm.
#pragma once

#include <memory>

#include "engine/engine.h"
#include "vm/memory.h"

namespace pxos {

// Creates a VM with `mem` mapped (RAM, the ROM at 0xF0000 and at
// 0xFFFF0000) and one vCPU in the RESET state. Throws std::runtime_error
// with a one-line explanation when /dev/kvm is missing or unusable.
// `assist`, when given, is a vCPU on the same memory that stops after every
// instruction (the software engine in deterministic mode with a quantum of
// one): it executes any instruction the host's KVM fails to emulate (nested
// and software KVMs leave some out, e.g. IRET in protected mode).
std::unique_ptr<Vcpu> make_kvm_vcpu(GuestMemory& mem, std::unique_ptr<Vcpu> assist = nullptr);

// True when /dev/kvm can be opened for reading and writing.
bool kvm_available(std::string* why = nullptr);

}  // namespace pxos
