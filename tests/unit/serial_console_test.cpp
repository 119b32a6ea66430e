// The serial console's escape key and the bytes typed keys become.
#include <gtest/gtest.h>

#include "frontend/serial_console.h"

namespace pxos {
namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(SerialEscape, CtrlAXQuitsAndCtrlATwiceSendsOne) {
  SerialEscape e;
  std::vector<uint8_t> out;
  e.feed(bytes("ls\r\x01\x01"), out);
  EXPECT_EQ(out, bytes("ls\r\x01"));
  EXPECT_FALSE(e.quit());
  e.feed(bytes("\x01q"), out);  // unknown command: dropped
  EXPECT_EQ(out, bytes("ls\r\x01"));
  e.feed(bytes("a\x01"), out);  // the escape may end one read...
  e.feed(bytes("xyz"), out);    // ...and its command start the next
  EXPECT_TRUE(e.quit());
  EXPECT_EQ(out, bytes("ls\r\x01" "a"));
}

TEST(SerialBytes, KeysBecomeTerminalBytes) {
  auto typed = [](const std::string& text) {
    std::vector<uint8_t> out;
    for (const HostKey& k : parse_send_keys(text))
      for (uint8_t b : serial_bytes(k)) out.push_back(b);
    return out;
  };
  EXPECT_EQ(typed("echo $((6*7))\\r"), bytes("echo $((6*7))\r"));
  EXPECT_EQ(typed("A|~{up}{ctrl-c}\\b\\t"), bytes("A|~\x1b[A\x03\x7f\t"));
  EXPECT_EQ(typed("{f1}\\e"), bytes("\x1bOP\x1b"));
}

}  // namespace
}  // namespace pxos
