// The bytes that typed keys become on the serial console.
#include "frontend/serial_console.h"

#include <gtest/gtest.h>

namespace pxos {
namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

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
