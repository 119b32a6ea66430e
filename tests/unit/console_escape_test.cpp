// The one escape key of both interactive front ends: Ctrl-A, then x (quit),
// h or ? (help), Ctrl-A or a (one Ctrl-A for the guest).
#include "frontend/console_escape.h"

#include <gtest/gtest.h>

#include "frontend/keys.h"

namespace pxos {
namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

using Commands = std::vector<EscapeCommand>;

TEST(ConsoleEscape, CtrlAXQuitsAndDropsTheRest) {
  ConsoleEscape e;
  std::vector<uint8_t> out;
  EXPECT_EQ(e.feed(bytes("ls\r\x01xmore"), out), Commands{EscapeCommand::Quit});
  EXPECT_TRUE(e.quit());
  EXPECT_EQ(out, bytes("ls\r"));
  EXPECT_TRUE(e.feed(bytes("abc"), out).empty());
  EXPECT_EQ(out, bytes("ls\r"));
}

TEST(ConsoleEscape, CtrlAHListsTheCommands) {
  ConsoleEscape e;
  std::vector<uint8_t> out;
  EXPECT_EQ(e.feed(bytes("a\x01h"
                         "b\x01?"
                         "c\x01H"),
                   out),
            (Commands{EscapeCommand::Help, EscapeCommand::Help, EscapeCommand::Help}));
  EXPECT_EQ(out, bytes("abc"));
  EXPECT_FALSE(e.quit());
  // The help names every command.
  for (const char* key : {"Ctrl-A x", "Ctrl-A h", "Ctrl-A Ctrl-A"}) {
    EXPECT_NE(escape_help_lines().find(key), std::string::npos) << key;
    EXPECT_NE(escape_help_line().find(key), std::string::npos) << key;
  }
  EXPECT_LT(escape_help_line().size(), 80u);  // one row of an 80-column terminal
  EXPECT_EQ(escape_banner(), "Ctrl-A x quits, Ctrl-A h for help");
}

TEST(ConsoleEscape, CtrlATwiceSendsOneAndOtherKeysAreDropped) {
  ConsoleEscape e;
  std::vector<uint8_t> out;
  EXPECT_TRUE(e.feed(bytes("1\x01\x01"
                           "2\x01"
                           "a3\x01q4\x01\x1b"
                           "5"),
                     out)
                  .empty());
  EXPECT_EQ(out, bytes("1\x01"
                       "2\x01"
                       "345"));
  EXPECT_FALSE(e.quit());
}

TEST(ConsoleEscape, EscapeSplitAcrossReads) {
  ConsoleEscape e;
  std::vector<uint8_t> out;
  EXPECT_TRUE(e.feed(bytes("a\x01"), out).empty());                   // the escape ends one read...
  EXPECT_EQ(e.feed(bytes("h"), out), Commands{EscapeCommand::Help});  // ...its command starts the next
  EXPECT_TRUE(e.feed(bytes("\x01"), out).empty());
  EXPECT_TRUE(e.feed(bytes("\x01"), out).empty());
  EXPECT_TRUE(e.feed(bytes("\x01"), out).empty());
  EXPECT_EQ(e.feed(bytes("xyz"), out), Commands{EscapeCommand::Quit});
  EXPECT_EQ(out, bytes("a\x01"));
  EXPECT_TRUE(e.quit());
}

// Ctrl-] is no quit key any more, in either front end: it reaches COM1 as
// the byte 1Dh and the keyboard as Ctrl+].
TEST(ConsoleEscape, CtrlBracketGoesToTheGuest) {
  ConsoleEscape serial, keyboard;
  std::vector<uint8_t> out;
  EXPECT_TRUE(serial.feed(bytes("\x1d"), out).empty());
  EXPECT_EQ(out, bytes("\x1d"));
  EXPECT_FALSE(serial.quit());
  std::vector<uint8_t> typed;
  EXPECT_TRUE(keyboard.feed(bytes("\x1d"), typed).empty());
  TerminalDecoder d;
  EXPECT_EQ(d.feed(typed), (std::vector<HostKey>{HostKey{0x1B, false, false, true}}));
  EXPECT_FALSE(keyboard.quit());
}

}  // namespace
}  // namespace pxos
