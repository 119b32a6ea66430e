// One conformance test on the soft engine's core: a test of the SingleStepTests
// format (its initial registers and memory, the final ones, the exception it
// raises) is loaded on a soft::Core with 16 MiB of flat memory and a 24-bit
// physical bus, run to its HLT and compared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/json.h"
#include "engine/soft/exec.h"

namespace pxos::conformance {

class TestRunner {
 public:
  TestRunner();
  // Returns an empty string on success, else what differed. `deviation` names a
  // documented 386-vs-286 difference when the failure is one (docs/CONFORMANCE.md).
  // `opfile`: the vector file's opcode (its first two characters).
  std::string run(const Json& t, uint16_t flags_mask, const std::string& opfile, std::string& deviation);

 private:
  struct Diff {
    std::string text;                    // what differed, described
    std::vector<std::string> registers;  // the registers that differ
    bool memory = false;                 // a byte of `final` differs
  };
  void load_memory(const Json& initial_ram, const Json& final_state);
  void load_registers(const Json& regs);
  std::string execute();  // runs to the HLT: "" or why it did not get there
  Diff compare(const Json& initial_regs, const Json& final_state, uint16_t flags_mask, int want_exception);

  std::vector<uint8_t> mem_;
  soft::Core core_;
  std::vector<uint32_t> touched_;  // addresses the last test wrote or expected, cleared before the next
};

}  // namespace pxos::conformance
