// Interactive runs as a person has them: pxos on a pseudo-terminal, keys
// typed into it, its output read back (and drawn into a model of the
// terminal). The banner names the escape key, Ctrl-A h lists the commands,
// Ctrl-A x quits, Ctrl-] goes to the guest, in --display term and in
// --serial stdio; --display term follows the guest's mode changes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vt_grid.h"

namespace pxos {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWait = std::chrono::seconds(30);  // generous: a loaded machine boots slowly

const std::string kBanner = "pxos: Ctrl-A x quits, Ctrl-A h for help";

class PtyRun {
 public:
  PtyRun(std::vector<std::string> args, int rows = 30, int cols = 100) : grid(rows, cols) {
    args.insert(args.begin(), PXOS_BIN);
    struct winsize ws {};
    ws.ws_row = uint16_t(rows);
    ws.ws_col = uint16_t(cols);
    pid_ = forkpty(&fd_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~PtyRun() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  bool started() const { return pid_ > 0 && fd_ >= 0; }

  // Reads output until `done` holds (true) or the time is up, or the output ends (false).
  bool wait_for(const std::function<bool()>& done, Clock::duration limit = kWait) {
    auto end = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() >= end || !read_some(end)) return done();
    }
    return true;
  }
  bool wait_for_output(const std::string& text) {
    return wait_for([&] { return out.find(text) != std::string::npos; });
  }
  bool wait_for_screen(const std::string& text) {
    return wait_for([&] { return grid.text().find(text) != std::string::npos; });
  }
  bool wait_for_row(int r, const std::string& text) {
    return wait_for([&] { return grid.row(r) == text; });
  }
  void type(const std::string& bytes) { ASSERT_EQ(write(fd_, bytes.data(), bytes.size()), ssize_t(bytes.size())); }
  // The exit status once pxos has ended (reading what is left), nullopt if it runs on past the time.
  std::optional<int> wait_exit(Clock::duration limit = kWait) {
    auto end = Clock::now() + limit;
    while (!status_) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        while (read_some(Clock::now() + std::chrono::milliseconds(200))) {
        }
        break;
      }
      if (Clock::now() >= end) return std::nullopt;
      read_some(Clock::now() + std::chrono::milliseconds(50));
    }
    return status_;
  }
  bool running() {
    int st = 0;
    return !status_ && waitpid(pid_, &st, WNOHANG) == 0;
  }

  std::string out;  // all output so far
  test::VtGrid grid;

 private:
  // One read, waiting until `end`; false at the end of the output or the time.
  bool read_some(Clock::time_point end) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
    struct pollfd p {
      fd_, POLLIN, 0
    };
    if (left <= 0 || poll(&p, 1, int(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the other side closed
    out.append(buf, size_t(n));
    grid.feed({buf, size_t(n)});
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::optional<int> status_;
};

std::string guest(const char* name) { return std::string(PXOS_GUESTS) + "/" + name; }

TEST(Interactive, DisplayTermBannerHelpCtrlBracketAndQuit) {
  PtyRun run({"run", "--engine", "soft", "--boot-sector", guest("demo.bin"), "--display", "term", "--timeout", "120"});
  ASSERT_TRUE(run.started()) << "forkpty failed: no pseudo-terminal here";
  ASSERT_TRUE(run.wait_for_output(kBanner)) << run.out;
  ASSERT_TRUE(run.wait_for_screen("Type, and press Esc to quit.")) << run.grid.text();
  EXPECT_TRUE(run.wait_for_screen("pxOS: Ctrl-A x quits, Ctrl-A h for help")) << run.grid.text();  // the status line
  run.type("hi\x1d");  // Ctrl-]: a key for the guest, which echoes it (CP437 1Dh is a left-right arrow)
  EXPECT_TRUE(run.wait_for_screen("hi\u2194")) << run.grid.text();
  EXPECT_TRUE(run.running());
  run.type("\x01h");
  EXPECT_TRUE(run.wait_for_screen("Ctrl-A Ctrl-A send Ctrl-A")) << run.grid.text();
  EXPECT_TRUE(run.running());
  run.type("\x01x");
  EXPECT_EQ(run.wait_exit(), 0);
  EXPECT_NE(run.out.find("\x1b[?1049l"), std::string::npos);  // the alternate screen left
}

TEST(Interactive, SerialStdioBannerHelpCtrlBracketAndQuit) {
  PtyRun run({"run", "--engine", "soft", "--boot-sector", guest("serial_echo.bin"), "--serial", "stdio", "--display",
              "none", "--timeout", "120"});
  ASSERT_TRUE(run.started()) << "forkpty failed: no pseudo-terminal here";
  ASSERT_TRUE(run.wait_for_output(kBanner)) << run.out;
  ASSERT_TRUE(run.wait_for_output("ready> ")) << run.out;
  run.type("ab\x1d");  // Ctrl-]: a byte for COM1, echoed by the guest
  EXPECT_TRUE(run.wait_for_output("ab\x1d")) << run.out;
  EXPECT_TRUE(run.running());
  run.type("\x01h");
  EXPECT_TRUE(run.wait_for_output("  Ctrl-A x        quit pxos")) << run.out;
  EXPECT_TRUE(run.running());
  run.type("\x01x");
  EXPECT_EQ(run.wait_exit(), 0);
}

// guests/modes.asm: 80 columns of '8's, then 40 of '4's, then mode 13h, then
// 80 columns again; nothing of a mode stays on the terminal in the next.
TEST(Interactive, DisplayTermFollowsModeChanges) {
  PtyRun run({"run", "--engine", "soft", "--boot-sector", guest("modes.bin"), "--display", "term", "--timeout", "120"});
  ASSERT_TRUE(run.started()) << "forkpty failed: no pseudo-terminal here";
  ASSERT_TRUE(run.wait_for_screen("80x25 text: press a key")) << run.grid.text();
  EXPECT_TRUE(run.wait_for_row(1, std::string(80, '8') + std::string(20, ' '))) << run.grid.text();
  run.type(" ");
  ASSERT_TRUE(run.wait_for_screen("40x25 text: a key")) << run.grid.text();
  EXPECT_TRUE(run.wait_for_row(1, std::string(40, '4') + std::string(60, ' '))) << run.grid.text();
  EXPECT_EQ(run.grid.text().find('8'), std::string::npos) << run.grid.text();
  run.type(" ");
  ASSERT_TRUE(run.wait_for_screen("pxOS: graphics mode 13h (320x200, 256 colours)")) << run.grid.text();
  EXPECT_EQ(run.grid.text().find('4'), std::string::npos) << run.grid.text();
  run.type(" ");
  ASSERT_TRUE(run.wait_for_screen("80x25 text again: Esc quits")) << run.grid.text();
  EXPECT_EQ(run.grid.text().find("graphics"), std::string::npos) << run.grid.text();
  run.type("\x1b");
  EXPECT_EQ(run.wait_exit(), 0);
}

}  // namespace
}  // namespace pxos
