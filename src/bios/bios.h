// The high-level BIOS, as the machine sees it: the guest's interrupt vectors
// point at ROM stubs (bios/rom.h) that trap to the monitor with a port
// write; the dispatcher (bios.cpp) reads the caller's registers into a
// BiosCall (bios/call.h), runs the service and returns to the caller.
//
// Each service is a header and a file of its own, with one function per
// subfunction named for its number (handle_1302 is INT 13h AH=02h) and a
// switch on AH that only dispatches: video.h (INT 10h), equipment.h (INT
// 11h/12h), disk.h (INT 13h), serial.h (INT 14h), system.h (INT 15h; its
// AH=C2h, the PS/2 pointing device, is mouse.h),
// keyboard.h (INT 16h, INT 09h's work, INT 28h), printer.h (INT 17h), boot.h
// (INT 18h/19h), timer.h (INT 1Ah); post.h is POST. They share a BiosContext
// (bios/context.h: memory, ports, configuration, the unimplemented log); what
// a service keeps beyond the BDA lives in its own state (KeyboardState,
// SystemState), which this class holds.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <vector>

#include "bios/call.h"
#include "bios/config.h"
#include "bios/context.h"
#include "bios/keyboard.h"
#include "bios/rom.h"
#include "bios/system.h"
#include "engine/engine.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {

class Bios {
 public:
  Bios(GuestMemory& mem, BiosConfig config);

  // Builds the ROM into guest memory and claims the trap port.
  void install(PortBus& ports);
  // The vCPU whose registers the services read and write.
  void attach(Vcpu* vcpu) { vcpu_ = vcpu; }
  // POST: the vector table, the BDA, the chips, the screen, the boot stack.
  void post(CpuState& cpu);
  // One service call on an explicit register frame (the trap path uses it;
  // tests and fuzzers call it directly).
  void dispatch(BiosCall& c);
  // INT 09h's work: one set-1 scancode (the ROM's handler traps with it).
  void keyboard_irq(uint8_t scancode) { handle_09(ctx_, keyboard_, scancode); }

  // The extended BIOS data area: 1 KiB just below 640 KiB.
  static constexpr uint32_t kEbdaBase = pxos::kEbdaBase;
  // The E820h map (system.h).
  using MemoryRange = pxos::MemoryRange;
  std::vector<MemoryRange> memory_map() const { return pxos::memory_map(ctx_.mem); }
  // When an INT 15h AH=86h wait ends (0: none), so the monitor can wake the CPU.
  uint64_t wait_deadline_ns() const { return system_.wait_until_ns; }
  // Keys that INT 09h could not store because the BDA buffer was full wait,
  // in order, until the guest makes room: while any wait, the machine sends
  // no more keys (back-pressure, so no key is ever lost).
  bool keyboard_ready() const { return keyboard_.ready(); }
  // Moves held keys into the buffer as far as it has room (the machine calls
  // it as it feeds keys: a guest may empty the buffer without INT 16h).
  void move_held_keys() { keyboard_.move_held_keys(ctx_); }

  // Counters for --verbose.
  uint64_t calls() const { return calls_; }
  uint64_t bad_traps() const { return bad_traps_; }
  uint64_t unimplemented() const { return ctx_.unimplemented; }
  uint64_t keys_held() const { return keyboard_.keys_held(); }  // keys that waited for room in the buffer
  uint64_t idle_waits() const { return keyboard_.idle().waits(); }
  // "INT 13h AH=42h: 12" lines, one per vector and function called.
  void print_calls(std::ostream& os) const;

 private:
  void on_trap();

  BiosContext ctx_;  // memory, ports, configuration, the unimplemented log
  rom::CodeEntries code_{};
  Vcpu* vcpu_ = nullptr;
  KeyboardState keyboard_;  // held keys, the idle detector
  SystemState system_;      // the INT 15h AH=86h wait
  uint64_t calls_ = 0, bad_traps_ = 0;
  std::map<uint16_t, uint64_t> calls_by_function_;  // vector << 8 | AH
};

}  // namespace pxos
