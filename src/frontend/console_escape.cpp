#include "frontend/console_escape.h"

namespace pxos {

namespace {
struct CommandHelp {
  const char* keys;
  const char* what;
  const char* brief;  // for the one-line form; nullptr: left out there
};
constexpr CommandHelp kHelp[] = {
    {"Ctrl-A x", "quit pxos", "quit"},
    {"Ctrl-A h", "this help (also Ctrl-A ?)", "help"},
    {"Ctrl-A Ctrl-A", "send Ctrl-A to the guest (also Ctrl-A a)", "send Ctrl-A to the guest"},
    {"other keys", "go to the guest (Ctrl-] too)", nullptr},
};
}  // namespace

std::vector<EscapeCommand> ConsoleEscape::feed(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  std::vector<EscapeCommand> commands;
  for (uint8_t b : in) {
    if (quit_) break;
    if (!escape_) {
      if (b == kEscapeKey)
        escape_ = true;
      else
        out.push_back(b);
      continue;
    }
    escape_ = false;
    switch (b) {
      case 'x':
      case 'X':
        quit_ = true;
        commands.push_back(EscapeCommand::Quit);
        break;
      case 'h':
      case 'H':
      case '?': commands.push_back(EscapeCommand::Help); break;
      case kEscapeKey:
      case 'a': out.push_back(kEscapeKey); break;
      default: break;  // not a command: dropped
    }
  }
  return commands;
}

std::string escape_banner() { return "Ctrl-A x quits, Ctrl-A h for help"; }

std::string escape_help_lines() {
  std::string s = "pxos: escape keys\n";
  for (const CommandHelp& c : kHelp) {
    std::string keys = c.keys;
    keys.resize(16, ' ');
    s += "  " + keys + c.what + "\n";
  }
  return s;
}

std::string escape_help_line() {
  std::string s = "pxOS:";
  const char* sep = " ";
  for (const CommandHelp& c : kHelp)
    if (c.brief) {
      s += sep + std::string(c.keys) + " " + c.brief;
      sep = " | ";
    }
  return s;
}

}  // namespace pxos
