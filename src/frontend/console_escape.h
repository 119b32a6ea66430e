// The one escape key of an interactive run, as QEMU's: Ctrl-A, then a
// command key. Ctrl-A x quits, Ctrl-A h (or ?) lists the commands, Ctrl-A
// Ctrl-A (or Ctrl-A a) sends one Ctrl-A to the guest; any other key after
// Ctrl-A is dropped. Every other byte, Ctrl-] included, is the guest's.
// The same keys in both front ends that read the host's keys: --display
// term (keys for the guest keyboard) and --serial stdio (bytes for COM1).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pxos {

inline constexpr uint8_t kEscapeKey = 0x01;  // Ctrl-A

enum class EscapeCommand : uint8_t { Quit, Help };

// Splits host bytes into the guest's bytes and escape commands. A pure
// function of the byte stream, however it is split into reads.
class ConsoleEscape {
 public:
  // Appends the guest's bytes to `out`; returns the commands typed, in
  // order. After Quit the rest of the input is dropped.
  std::vector<EscapeCommand> feed(std::span<const uint8_t> in, std::vector<uint8_t>& out);
  bool quit() const { return quit_; }

 private:
  bool escape_ = false;
  bool quit_ = false;
};

// "Ctrl-A x quits, Ctrl-A h for help": the banner of an interactive run.
std::string escape_banner();
// The commands, one line each (each ending in '\n'), as Ctrl-A h prints them.
std::string escape_help_lines();
// The same on one line, for the status line of --display term.
std::string escape_help_line();

}  // namespace pxos
