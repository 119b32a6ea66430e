#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "frontend/keys.h"
#include "cli/options.h"

namespace pxos::cli {
using pxos::HostKey;
namespace {

RunFlags parse(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return parse_run_flags(Args(argv.data(), argv.size()));
}

TEST(RunFlags, ParsesEveryFlag) {
  RunFlags f = parse({"--engine", "kvm", "--floppy", "a.img", "--memory", "64M", "--timeout", "2.5", "--send-keys", "x",
                      "--expect", "A:\\>", "--send-keys", "dir\\r", "--until-text", "bytes free", "--debugcon",
                      "file:x.log", "--display", "none", "--verbose", "--screenshot", "s.png"});
  EXPECT_EQ(f.machine.engine, EngineKind::Kvm);
  EXPECT_EQ(f.machine.floppy, "a.img");
  EXPECT_EQ(f.machine.memory, 64ull << 20);
  EXPECT_DOUBLE_EQ(f.timeout, 2.5);
  EXPECT_EQ(f.until_text, "bytes free");
  ASSERT_EQ(f.script.size(), 2u);
  EXPECT_EQ(f.script[0].expect, "");
  EXPECT_EQ(f.script[0].keys.size(), 1u);
  EXPECT_EQ(f.script[1].expect, "A:\\>");
  EXPECT_EQ(f.script[1].keys.size(), 4u);
  EXPECT_EQ(f.screenshot, "s.png");
  EXPECT_EQ(f.debugcon, "file:x.log");
  EXPECT_EQ(f.display, std::optional<Display>(Display::None));
  EXPECT_TRUE(f.machine.verbose);
}

TEST(RunFlags, GdbFlags) {
  RunFlags f = parse({"--boot-sector", "b.bin", "--gdb", "tcp:1234", "--gdb-wait"});
  ASSERT_TRUE(f.gdb);
  EXPECT_EQ(f.gdb->host, "127.0.0.1");
  EXPECT_EQ(f.gdb->port, 1234);
  EXPECT_TRUE(f.gdb_wait);
  EXPECT_FALSE(parse({"--boot-sector", "b.bin"}).gdb);
  EXPECT_THROW(parse({"--boot-sector", "b.bin", "--gdb", "1234"}), UsageError);
  EXPECT_THROW(parse({"--boot-sector", "b.bin", "--gdb-wait"}), UsageError);  // nothing to wait for
}

TEST(RunFlags, HostFolderDiskAndBootDrive) {
  RunFlags f = parse({"--floppy", "a.img", "--hdd-dir", "dos/", "--boot", "C", "--writable"});
  EXPECT_EQ(f.machine.hdd_dir, "dos/");
  EXPECT_EQ(f.machine.boot, 'c');
  EXPECT_TRUE(f.machine.writable);
  EXPECT_EQ(parse({"--hdd-dir", "dos/"}).machine.boot, 0);  // --hdd-dir alone is something to boot
  EXPECT_THROW(parse({"--hdd-dir", "dos/", "--boot", "d"}), UsageError);
  EXPECT_THROW(parse({"--hdd-dir"}), UsageError);
}

TEST(RunFlags, LinuxKernelFlags) {
  RunFlags f = parse({"--kernel", "bz", "--initrd", "rd.gz", "--append", "console=ttyS0 quiet", "--boot-protocol", "32"});
  EXPECT_EQ(f.machine.kernel, "bz");
  EXPECT_EQ(f.machine.initrd, "rd.gz");
  EXPECT_EQ(f.machine.append, "console=ttyS0 quiet");
  EXPECT_EQ(f.machine.linux_entry, LinuxEntry::Protected32);
  EXPECT_EQ(f.machine.memory, kLinuxDefaultMemory);  // more RAM by default for a kernel
  f = parse({"--memory", "64M", "--kernel", "bz"});
  EXPECT_EQ(f.machine.memory, 64ull << 20);
  EXPECT_EQ(f.machine.linux_entry, LinuxEntry::RealMode);
  EXPECT_THROW(parse({"--kernel", "bz", "--boot-protocol", "64"}), UsageError);
  EXPECT_THROW(parse({"--kernel"}), UsageError);
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
  EXPECT_THROW(parse({"--floppy", "a.img", "--send-keys", "{f13}"}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--expect", ""}), UsageError);
  EXPECT_THROW(parse({"--floppy", "a.img", "--jit", "maybe"}), UsageError);
}

TEST(RunFlags, WindowAndVnc) {
  RunFlags f = parse({"--floppy", "a.img", "--display", "sdl", "--vnc", "5901"});
  EXPECT_EQ(f.display, std::optional<Display>(Display::Sdl));
  EXPECT_EQ(f.vnc_address, "127.0.0.1");  // loopback unless an address is given
  EXPECT_EQ(f.vnc_port, 5901);
  f = parse({"--floppy", "a.img", "--vnc", "0.0.0.0:5900"});
  EXPECT_EQ(f.vnc_address, "0.0.0.0");
  EXPECT_EQ(f.vnc_port, 5900);
  EXPECT_EQ(parse({"--floppy", "a.img"}).vnc_port, 0);
  for (const char* bad : {"", "0", "65536", "x", "127.0.0.1:", ":5900", "5900x", "127.0.0.1:-1"})
    EXPECT_THROW(parse({"--floppy", "a.img", "--vnc", bad}), UsageError) << bad;
  EXPECT_THROW(parse({"--floppy", "a.img", "--display", "x11"}), UsageError);
}

TEST(RunFlags, DebugconTargets) {
  for (const char* target : {"stdio", "stderr", "none", "file:x.log"})
    EXPECT_EQ(parse({"--floppy", "a.img", "--debugcon", target}).debugcon, target);
  EXPECT_THROW(parse({"--floppy", "a.img", "--debugcon", "stdout"}), UsageError);
}

// The flags a text names: --name and -x, as whole words.
std::set<std::string> flags_in(const std::string& text) {
  std::set<std::string> flags;
  std::regex flag("(^|[^A-Za-z0-9-])(--?[a-z][a-z0-9-]*)");
  for (std::sregex_iterator it(text.begin(), text.end(), flag), end; it != end; ++it) flags.insert((*it)[2]);
  return flags;
}

TEST(RunUsage, NamesEveryFlagOfTheParserAndNoOther) {
  // Every flag parse_run_flags takes (its if-chain); --help and -h: cmd_run.
  const std::set<std::string> parser = flags_in(
      "--engine --floppy --hda --boot-sector --writable --serial --serial2 --memory --kernel --initrd --append "
      "--boot-protocol --send-keys-to --debugcon --display --timeout --until-text --send-keys --expect --screenshot "
      "--pixel-backend --pixel-trace --deterministic --jit --verbose -v --help -h --vnc --hdd-dir --boot --gdb "
      "--gdb-wait --disk --jit-stats");
  ASSERT_EQ(parser.size(), 35u);
  std::set<std::string> usage = flags_in(kRunUsage);
  EXPECT_EQ(usage, parser);
  // And the parser knows each one the usage names.
  for (const std::string& flag : usage) {
    if (flag == "--help" || flag == "-h") continue;
    try {
      parse({flag});
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()).find("unknown option"), std::string::npos) << flag;
    }
  }
}

TEST(RunFlags, JitIsOnUnlessTurnedOff) {
  EXPECT_TRUE(parse({"--floppy", "a.img"}).machine.jit);
  EXPECT_FALSE(parse({"--floppy", "a.img", "--jit", "off"}).machine.jit);
  EXPECT_TRUE(parse({"--floppy", "a.img", "--jit", "on"}).machine.jit);
}

TEST(MemorySize, Units) {
  EXPECT_EQ(parse_memory_size("16"), 16ull << 20);
  EXPECT_EQ(parse_memory_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_memory_size("2048K"), 2ull << 20);
  EXPECT_THROW(parse_memory_size("99999999999"), UsageError);
}

TEST(SendKeys, EscapesNamedKeysAndModifiers) {
  auto keys = parse_send_keys("aB \\r\\e\\\\{F1}{up}{ctrl-c}{alt-x}{shift-tab}");
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys[0], (HostKey{0x1E}));
  EXPECT_EQ(keys[1], (HostKey{0x30, false, true}));
  EXPECT_EQ(keys[2], (HostKey{0x39}));
  EXPECT_EQ(keys[3], (HostKey{0x1C}));
  EXPECT_EQ(keys[4], (HostKey{0x01}));
  EXPECT_EQ(keys[5], (HostKey{0x2B}));
  EXPECT_EQ(keys[6], (HostKey{0x3B}));
  EXPECT_EQ(keys[7], (HostKey{0x48, true}));
  EXPECT_EQ(keys[8], (HostKey{0x2E, false, false, true}));
  EXPECT_EQ(keys[9], (HostKey{0x2D, false, false, false, true}));
  EXPECT_EQ(keys[10], (HostKey{0x0F, false, true}));
  EXPECT_THROW(parse_send_keys("\\q"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("x\\"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("\xff"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("{nokey}"), std::invalid_argument);
  EXPECT_THROW(parse_send_keys("{up"), std::invalid_argument);
}

TEST(SendKeys, MouseEventsAmongKeys) {
  auto in = parse_send_input("a{mouse 10 -5 1}{MOUSE -3  7 0 -2}b");
  ASSERT_EQ(in.size(), 4u);
  EXPECT_EQ(std::get<HostKey>(in[0]), (HostKey{0x1E}));
  EXPECT_EQ(std::get<HostPointer>(in[1]), (HostPointer{10, -5, 0, 1}));
  EXPECT_EQ(std::get<HostPointer>(in[2]), (HostPointer{-3, 7, -2, 0}));
  EXPECT_EQ(std::get<HostKey>(in[3]), (HostKey{0x30}));
  for (const char* bad :
       {"{mouse}", "{mouse 1 2}", "{mouse 1 2 3 4 5}", "{mouse 1 2 8}", "{mouse 1 2 -1}", "{mouse 5000 0 0}",
        "{mouse 0 0 0 -5000}", "{mouse 1x 2 0}", "{mouse 99999999999999999999 0 0}"})
    EXPECT_THROW(parse_send_input(bad), std::invalid_argument) << bad;
  EXPECT_THROW(parse_send_keys("{mouse 1 2 0}"), std::invalid_argument);  // where only keys go
}

TEST(SendKeys, MouseEventsJoinTheScriptInOrder) {
  RunFlags f = parse({"--floppy", "a.img", "--expect", "ready", "--send-keys", "x{mouse 4 -2 5 1}"});
  ASSERT_EQ(f.script.size(), 1u);
  EXPECT_EQ(f.script[0].expect, "ready");
  ASSERT_EQ(f.script[0].keys.size(), 2u);
  EXPECT_FALSE(f.script[0].keys[0].pointer);
  ASSERT_TRUE(f.script[0].keys[1].pointer);
  const PointerEvent& p = *f.script[0].keys[1].pointer;
  EXPECT_EQ(p.dx, 4);
  EXPECT_EQ(p.dy, -2);
  EXPECT_EQ(p.buttons, 5u);
  EXPECT_EQ(p.dz, 1);
  EXPECT_TRUE(f.script[0].keys[1].scancodes.empty());
  EXPECT_THROW(parse({"--floppy", "a.img", "--send-keys", "{mouse 1 1 9}"}), UsageError);
}

TEST(SendKeys, ScancodesWrapModifiers) {
  EXPECT_EQ(scancode_bytes(HostKey{0x1E}), (std::vector<uint8_t>{0x1E, 0x9E}));
  EXPECT_EQ(scancode_bytes(HostKey{0x1E, false, true}), (std::vector<uint8_t>{0x2A, 0x1E, 0x9E, 0xAA}));
  EXPECT_EQ(scancode_bytes(HostKey{0x48, true}), (std::vector<uint8_t>{0xE0, 0x48, 0xE0, 0xC8}));
  EXPECT_EQ(scancode_bytes(HostKey{0x2E, false, false, true}), (std::vector<uint8_t>{0x1D, 0x2E, 0xAE, 0x9D}));
}

TEST(TerminalDecoder, SequencesBecomeKeys) {
  TerminalDecoder d;
  std::string in = "a\x1b[A\x1b[15~\x1bOP\x1bx\x1b[1;5C";
  auto keys = d.feed({reinterpret_cast<const uint8_t*>(in.data()), in.size()});
  ASSERT_EQ(keys.size(), 6u);
  EXPECT_EQ(keys[0], (HostKey{0x1E}));
  EXPECT_EQ(keys[1], (HostKey{0x48, true}));
  EXPECT_EQ(keys[2], (HostKey{0x3F}));
  EXPECT_EQ(keys[3], (HostKey{0x3B}));
  EXPECT_EQ(keys[4], (HostKey{0x2D, false, false, false, true}));
  EXPECT_EQ(keys[5], (HostKey{0x4D, true, false, true}));
  uint8_t esc = 0x1B;
  EXPECT_TRUE(d.feed({&esc, 1}).empty());
  EXPECT_EQ(d.flush(), (std::vector<HostKey>{HostKey{0x01}}));
}

TEST(TerminalDecoder, ControlCodesAreCtrlKeys) {
  TerminalDecoder d;
  // Ctrl-A, Ctrl-], Ctrl-\, Ctrl-^, Ctrl-_: keys for the guest (Ctrl-] was the quit key once).
  std::string in = "\x01\x1d\x1c\x1e\x1f";
  auto keys = d.feed({reinterpret_cast<const uint8_t*>(in.data()), in.size()});
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys[0], (HostKey{0x1E, false, false, true}));
  EXPECT_EQ(keys[1], (HostKey{0x1B, false, false, true}));
  EXPECT_EQ(keys[2], (HostKey{0x2B, false, false, true}));
  EXPECT_EQ(keys[3], (HostKey{0x07, false, false, true}));
  EXPECT_EQ(keys[4], (HostKey{0x0C, false, false, true}));
}


}  // namespace
}  // namespace pxos::cli
