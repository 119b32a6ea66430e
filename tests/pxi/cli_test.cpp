// `pxos pxi` end to end, through cmd_pxi() in-process.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "pxi/format.h"
#include "pxi/png_io.h"

namespace pxos {
namespace {

int pxi_cmd(std::initializer_list<std::string> a) {
  std::vector<std::string> store(a);
  std::vector<char*> argv;
  for (auto& s : store) argv.push_back(s.data());
  return pxos::cli::cmd_pxi(std::span<char* const>(argv.data(), argv.size()));
}

std::string tmp(const std::string& name) { return ::testing::TempDir() + "pxi_cli_" + name; }

std::string slurp(const std::string& path) {
  const auto b = pxi::read_file(path);
  return std::string(b.begin(), b.end());
}

void spit(const std::string& path, const std::string& s) {
  pxi::write_file(path, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(PxiCli, BuildValidateRunBothForms) {
  for (const char* ext : {".png", ".pxr"}) {
    const std::string f = tmp(std::string("hello") + ext), out = tmp("hello.out");
    ASSERT_EQ(pxi_cmd({"build", "--text", "Hello, UART!\n", "-o", f}), 0);
    EXPECT_EQ(pxi_cmd({"validate", f}), 0);
    EXPECT_EQ(pxi_cmd({"inspect", f}), 0);
    for (const char* b : {"cpu", "cpu-mt"}) {  // every backend: exec_test.cpp
      ASSERT_EQ(pxi_cmd({"run", f, "--backend", b, "-o", out, "--json"}), 0) << b;
      EXPECT_EQ(slurp(out), "Hello, UART!\n");
    }
  }
}

TEST(PxiCli, BuildFromBytesAndOps) {
  const std::string bytes = tmp("data.bin"), png = tmp("data.png"), out = tmp("data.out");
  std::string data;
  for (int i = 0; i < 256; ++i) data += char(i);
  spit(bytes, data);
  ASSERT_EQ(pxi_cmd({"build", "--bytes", bytes, "-o", png, "--width", "16", "--divisor", "12", "--lcr", "0x1b"}), 0);
  ASSERT_EQ(pxi_cmd({"run", png, "--backend", "cpu", "-o", out}), 0);
  EXPECT_EQ(slurp(out), data);
  EXPECT_EQ(pxi::load(png).ops[5], pxi::make_pixel(5, 12, 0x1B, 1));

  const std::string ops = tmp("prog.txt"), prog = tmp("prog.pxr");
  spit(ops, "line 1 8N1\nwrite \"ok\"\nline 96 7E1\nwrite \"!\\n\"\n");
  ASSERT_EQ(pxi_cmd({"build", "--ops", ops, "-o", prog}), 0);
  ASSERT_EQ(pxi_cmd({"run", prog, "--backend", "cpu-mt", "-o", out}), 0);
  EXPECT_EQ(slurp(out), "ok!\n");
}

TEST(PxiCli, InvalidProgramsAreRejectedWithStatus2) {
  const std::string ops = tmp("bad.txt"), prog = tmp("bad.png"), out = tmp("bad.out");
  spit(ops, "write \"abc\"\npixel 65 0 3 1\n");                // divisor 0
  ASSERT_EQ(pxi_cmd({"build", "--ops", ops, "-o", prog}), 0);  // build warns but writes it
  EXPECT_EQ(pxi_cmd({"validate", prog}), pxos::cli::kExitUsage);
  EXPECT_EQ(pxi_cmd({"run", prog, "--backend", "cpu"}), pxos::cli::kExitUsage);
  EXPECT_EQ(pxi_cmd({"inspect", prog}), 0);
  EXPECT_EQ(pxi_cmd({"render", prog, "-o", tmp("bad_render.png")}), 0);
  const auto img = pxi::read_png_rgba8(pxi::read_file(tmp("bad_render.png")), 1 << 24, 1 << 14);
  EXPECT_GE(img.width, 100u);
}

TEST(PxiCli, BadFlagsAndFiles) {
  const int u = pxos::cli::kExitUsage;
  EXPECT_EQ(pxi_cmd({}), u);
  EXPECT_EQ(pxi_cmd({"frobnicate"}), u);
  EXPECT_EQ(pxi_cmd({"build"}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x"}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x", "-o", tmp("x.gif")}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x", "--bytes", "y", "-o", tmp("x.png")}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x", "-o", tmp("x.png"), "--width", "3"}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x", "-o", tmp("x.png"), "--divisor", "0"}), u);
  EXPECT_EQ(pxi_cmd({"build", "--text", "x", "-o", tmp("x.png"), "--width"}), u);
  EXPECT_EQ(pxi_cmd({"validate", tmp("does-not-exist.png")}), u);
  EXPECT_EQ(pxi_cmd({"validate"}), u);
  EXPECT_EQ(pxi_cmd({"run", tmp("does-not-exist.png")}), u);
  spit(tmp("junk.png"), "this is not a png");
  EXPECT_EQ(pxi_cmd({"validate", tmp("junk.png")}), u);
  EXPECT_EQ(pxi_cmd({"inspect", tmp("junk.png")}), u);
  ASSERT_EQ(pxi_cmd({"build", "--text", "x", "-o", tmp("x.png")}), 0);
  EXPECT_EQ(pxi_cmd({"run", tmp("x.png"), "--backend", "quantum"}), u);
  EXPECT_EQ(pxi_cmd({"run", tmp("x.png"), "--bogus"}), u);
  EXPECT_EQ(pxi_cmd({"render", tmp("x.png")}), u);
  EXPECT_EQ(pxi_cmd({"bench", "--backends", "quantum"}), u);
  EXPECT_EQ(pxi_cmd({"bench", "--sizes", "0"}), u);
}

TEST(PxiCli, EveryCommandTakesHelpAndItsUsageNamesItsFlags) {
  EXPECT_EQ(pxos::cli::pxi_usage_gaps(), "");
  for (const char* sub : {"build", "inspect", "validate", "run", "render", "bench", "floppy", "backends"}) {
    EXPECT_EQ(pxi_cmd({sub, "--help"}), 0) << sub;
    EXPECT_EQ(pxi_cmd({sub, "-h"}), 0) << sub;
  }
  EXPECT_EQ(pxi_cmd({"--help"}), 0);
  EXPECT_EQ(pxi_cmd({"help"}), 0);
  // With other flags, even bad ones, --help still wins.
  EXPECT_EQ(pxi_cmd({"run", tmp("does-not-exist.png"), "--backend", "quantum", "--help"}), 0);
  EXPECT_EQ(pxi_cmd({"build", "--width", "3", "-h"}), 0);
}

TEST(PxiCli, ADirectoryIsSaidToBeOne) {
  const std::string dir = tmp("a_dir");
  std::filesystem::create_directories(dir);
  try {
    pxi::load(dir);
    ADD_FAILURE() << "a directory was loaded";
  } catch (const pxi::Error& e) {
    EXPECT_EQ(e.code(), pxi::Errc::kIo);
    EXPECT_NE(std::string(e.what()).find(dir + ": is a directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(pxi_cmd({"run", dir}), pxos::cli::kExitUsage);
  EXPECT_EQ(pxi_cmd({"build", "--bytes", dir, "-o", tmp("d.png")}), pxos::cli::kExitUsage);
}

TEST(PxiCli, BenchWritesCsvAndPlots) {
  const std::string csv = tmp("bench.csv"), dir = tmp("plots");
  std::filesystem::create_directories(dir);
  ASSERT_EQ(pxi_cmd({"bench", "--backends", "cpu,cpu-mt", "--sizes", "1,256,65536", "--seconds", "0.01", "--csv", csv,
                     "--plot-dir", dir}),
            0);
  const std::string s = slurp(csv);
  EXPECT_EQ(s.rfind("backend,ops,iters,p50_us", 0), 0u);
  EXPECT_NE(s.find("cpu-mt,65536,"), std::string::npos);
  for (const char* f : {"/latency.png", "/throughput.png"}) {
    const auto img = pxi::read_png_rgba8(pxi::read_file(dir + f), 1 << 24, 1 << 14);
    EXPECT_EQ(img.width, 900u);
  }
}

}  // namespace
}  // namespace pxos
