// pxos bench display: what the picture front ends cost per frame, beside one
// frame's time at 60 Hz: a whole 1024x768x32 screen that changes every frame
// (a synthetic FrameSource), one character of the VGA's 80x25 text screen
// (mode 03h, drawn by the VGA's renderer at 720x400), and an
// unchanged screen; for the picture's source, the VNC server (its part on the
// monitor's thread: the copy and the marking) and the window (when a display
// is there).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "devices/frame.h"
#include "devices/vga.h"
#include "devices/vga_modes.h"
#include "frontend/font.h"
#include "frontend/sdl_window.h"
#include "frontend/vnc_server.h"

namespace pxos::cli {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kFrameMs = 1000.0 / 60;

constexpr const char* kHelp = R"(usage: pxos bench display [--frames N] [--vnc-port PORT]
The cost per frame of the display path (the picture's source, the VNC server,
the window when $DISPLAY is set) beside one frame at 60 Hz (16.7 ms), for a
1024x768x32 screen that changes whole every frame, one changed character of
the 80x25 text screen, and an unchanged screen.
  --frames N        frames per case, 1..100000 (default 300)
  --vnc-port PORT   the VNC server's port on 127.0.0.1 (default 47900)
  --help, -h        this text
)";

// Every pixel changes every frame, as a guest that redraws a 1024x768x32
// screen does.
class WholeScreenSource : public FrameSource {
 public:
  bool render(Frame& f) override {
    if (f.width != 1024 || f.height != 768) {
      f.width = 1024, f.height = 768;
      f.pixels.assign(size_t(1024) * 768, 0);
    }
    ++n_;
    for (size_t i = 0; i < f.pixels.size(); ++i) f.pixels[i] = uint32_t(i * 2654435761u + n_ * 40503u) & 0xFFFFFF;
    f.dirty = {0, 0, 1024, 768};
    return true;
  }

 private:
  uint32_t n_ = 0;
};

struct Sinks {
  std::optional<VncServer> vnc;
  std::optional<SdlWindow> window;
};

// Renders `frames` frames; returns ms per frame for the source, the server and the window.
struct Costs {
  double source = 0, vnc = 0, window = 0;  // wall time
  double cpu = 0;                          // this thread's CPU time for all three
};

// This thread's CPU time in ms: the wall time of the window includes the
// display server's round trips (an X server on a busy host answers late).
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}
Costs measure(FrameSource& source, const std::function<void()>& change, int frames, Sinks& s) {
  Frame frame;
  source.render(frame);  // the first picture: a size change for everyone
  if (s.vnc) s.vnc->show(frame);
  if (s.window) s.window->show(frame);
  Costs c;
  double cpu0 = thread_cpu_ms();
  for (int i = 0; i < frames; ++i) {
    change();
    auto t0 = Clock::now();
    source.render(frame);
    auto t1 = Clock::now();
    if (s.vnc) s.vnc->show(frame);
    auto t2 = Clock::now();
    if (s.window) {
      s.window->show(frame);
      s.window->poll();
    }
    auto t3 = Clock::now();
    c.source += std::chrono::duration<double, std::milli>(t1 - t0).count();
    c.vnc += std::chrono::duration<double, std::milli>(t2 - t1).count();
    c.window += std::chrono::duration<double, std::milli>(t3 - t2).count();
  }
  c.cpu = (thread_cpu_ms() - cpu0) / frames;
  c.source /= frames, c.vnc /= frames, c.window /= frames;
  return c;
}

void print_row(const char* name, const Costs& c, const Sinks& s) {
  char window[32] = "      (none)";
  if (s.window) std::snprintf(window, sizeof window, "%9.4f ms", c.window);
  std::printf("  %-34s wall: source %8.4f ms, vnc %8.4f ms, window %s | CPU %8.4f ms = %6.2f%% of a frame\n", name,
              c.source, c.vnc, window, c.cpu, 100 * c.cpu / kFrameMs);
}

}  // namespace

int bench_display(Args args) {
  if (help_asked(args, kHelp)) return 0;
  int frames = 300, port = 47900;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string a = args[i];
      if (a == "--frames")
        frames = std::stoi(flag_value(args, i));
      else if (a == "--vnc-port")
        port = std::stoi(flag_value(args, i));
      else
        throw UsageError("unknown option '" + a + "' (see pxos bench display --help)");
    }
    if (frames < 1 || frames > 100000) throw UsageError("--frames must be 1..100000");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos bench display: %s\n", e.what());
    return kExitUsage;
  }
  Sinks sinks;
  try {
    sinks.vnc.emplace("127.0.0.1", port, DisplayInput{});
  } catch (const DisplayError& e) {
    std::fprintf(stderr, "pxos bench display: %s\n", e.what());
    return kExitUsage;
  }
  try {
    sinks.window.emplace(DisplayInput{});
  } catch (const DisplayError& e) {
    std::printf("window: not measured (%s)\n", e.what());
  }
  Font font;
  try {
    font = Font::load_default();
  } catch (const FontError&) {
    // blank glyphs draw at the same cost
  }
  std::printf("display path per frame, %d frames a case; anchor: one frame at 60 Hz = %.1f ms\n", frames, kFrameMs);
  std::printf("  (wall: each part's time; CPU: this thread's CPU time for all of them, beside the anchor)\n");
  WholeScreenSource whole;
  print_row("whole 1024x768x32 screen changed",
            measure(
                whole, [] {}, frames, sinks),
            sinks);
  // The VGA in mode 03h as the BIOS leaves it: blank cells, the font in
  // plane 2, no cursor; a character written through its CPU window.
  Vga text{GuestClock{}};
  vga_program_mode(text, *vga_mode_registers(0x03));
  vga_load_palette(text, vga_mode_palette(0x03));
  text.write(Vga::kCrtcIndex, Vga::kCrCursorStart);
  text.write(Vga::kCrtcData, Vga::kCursorDisable);
  constexpr uint32_t kB8000 = 0x18000;
  for (uint32_t i = 0; i < 80 * 25; ++i) {
    text.mem_write(kB8000 + 2 * i, ' ');
    text.mem_write(kB8000 + 2 * i + 1, 0x07);
  }
  std::vector<uint8_t> glyphs = font.bitmap();
  std::span<uint8_t> plane2 = text.plane(2);
  for (size_t ch = 0; ch < 256; ++ch)
    std::copy_n(glyphs.begin() + ptrdiff_t(ch * 16), 16, plane2.begin() + ptrdiff_t(ch * 32));
  int n = 0;
  auto one_char = [&] { text.mem_write(kB8000 + 2 * (12 * 80 + 40), uint8_t('A' + n++ % 26)); };
  print_row("one character of 80x25 text", measure(text, one_char, frames, sinks), sinks);
  print_row("unchanged 80x25 text screen",
            measure(
                text, [] {}, frames, sinks),
            sinks);
  return 0;
}

}  // namespace pxos::cli
