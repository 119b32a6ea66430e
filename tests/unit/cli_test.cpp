#include <gtest/gtest.h>

#include "cli/keys.h"
#include "cli/options.h"

namespace pxos::cli {
namespace {

RunFlags parse(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return parse_run_flags(Args(argv.data(), argv.size()));
}

TEST(RunFlags, ParsesEveryFlag) {
  RunFlags f = parse({"--engine", "kvm", "--floppy", "a.img", "--memory", "64M", "--timeout", "2.5", "--until-text",
                      "A:\\>", "--send-keys", "dir\\r", "--debugcon", "file:x.log", "--display", "none", "--verbose"});
  EXPECT_EQ(f.machine.engine, EngineKind::Kvm);
  EXPECT_EQ(f.machine.floppy, "a.img");
  EXPECT_EQ(f.machine.memory, 64ull << 20);
  EXPECT_DOUBLE_EQ(f.timeout, 2.5);
  EXPECT_EQ(f.until_text, "A:\\>");
  EXPECT_EQ(f.debugcon, "file:x.log");
  EXPECT_EQ(f.display, Display::None);
  EXPECT_TRUE(f.machine.verbose);
}

TEST(RunFlags, BadInputIsAUsageError) {
  EXPECT_THROW(parse({"--floppy"}), UsageError);                           // missing value
  EXPECT_THROW(parse({"--floppy", "a.img", "--bogus"}), UsageError);       // unknown flag
  EXPECT_THROW(parse({"--floppy", "a.img", "--engine", "qemu"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--memory", "12X"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--memory", "0"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--memory", "8G"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--timeout", "-1"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--timeout", "3s"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--debugcon", "tcp:1"}), UsageError);
  EXPECT_THROW(parse({"--memory", "16M"}), UsageError);  // nothing to boot
}

TEST(MemorySize, Units) {
  EXPECT_EQ(parse_memory_size("16"), 16ull << 20);
  EXPECT_EQ(parse_memory_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_memory_size("2048K"), 2ull << 20);
  EXPECT_THROW(parse_memory_size("99999999999"), UsageError);
}

TEST(SendKeys, EscapesAndScancodes) {
  auto keys = parse_send_keys("aB \\r\\e\\\\");
  ASSERT_EQ(keys.size(), 6u);
  EXPECT_EQ(keys[0].word(), 0x1E61);
  EXPECT_EQ(keys[1].word(), 0x3042);
  EXPECT_EQ(keys[2].word(), 0x3920);
  EXPECT_EQ(keys[3].word(), 0x1C0D);
  EXPECT_EQ(keys[4].word(), 0x011B);
  EXPECT_EQ(keys[5].word(), 0x2B5C);
  EXPECT_THROW(parse_send_keys("\\q"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("x\\"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("\xff"), std::invalid_argument);
}

}  // namespace
}  // namespace pxos::cli
