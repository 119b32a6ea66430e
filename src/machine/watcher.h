// What the monitor watches for while the guest runs, so that the loop itself
// names no device: the --expect/--send-keys script and the --until-text text,
// looked for on the guest's text screen, its debug console and COM1's output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "machine/machine.h"

namespace pxos {

// One step of a scripted session: wait until `expect` is on the screen or
// the serial/debug output (at once when empty), then type `keys`.
struct ScriptStep {
  std::string expect;
  std::vector<KeyStroke> keys;
};

class Watcher {
 public:
  Watcher(std::vector<ScriptStep> script, std::string until_text)
      : script_(std::move(script)), until_(std::move(until_text)) {}

  // Advances the script, typing each step's keys once its text is visible;
  // true once the script is done and the until-text is visible.
  bool check_now(Machine& m);
  // The same, but only when the guest wrote something new through the BIOS,
  // the debug console or COM1 since the last look (after every exit: cheap).
  // A screen written directly is seen by check_now(), which the monitor calls
  // at least every 10 ms.
  bool check(Machine& m);
  bool script_done() const { return step_ == script_.size(); }

 private:
  bool visible(Machine& m, const std::string& text);
  bool on_screen(Machine& m, const std::string& text);

  std::vector<ScriptStep> script_;
  std::string until_;
  size_t step_ = 0;
  uint64_t serial_from_ = 0;  // COM1 output before this offset was matched by an earlier step
  uint64_t generation_ = ~uint64_t{0};
  // The last screen looked at and whether the text was on it: the screen
  // rarely changes between two looks.
  TextScreen screen_;
  std::string screen_needle_;
  bool screen_found_ = false;
};

}  // namespace pxos
