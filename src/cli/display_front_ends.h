// The picture front ends of a run, --display sdl and --vnc: one picture of
// the screen (the machine's display device, Machine::display), drawn at
// most 60 times a second into the window and the VNC server when it changed;
// their keys and mouse to the machine. Polled from the monitor's poll_host,
// on its thread: SDL is never called from another.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "devices/frame.h"
#include "frontend/sdl_window.h"
#include "frontend/vnc_server.h"
#include "machine/machine.h"
#include "machine/monitor.h"

namespace pxos::cli {

class DisplayFrontEnds {
 public:
  using Clock = std::chrono::steady_clock;
  // SDL is polled when its X connection is readable (and every kEventCheck
  // besides), or, without a descriptor to wait on, every kEventInterval; the
  // picture is drawn at most 60 times a second.
  static constexpr auto kEventInterval = std::chrono::milliseconds(10);
  static constexpr auto kEventCheck = std::chrono::milliseconds(100);
  static constexpr auto kFrameInterval = std::chrono::microseconds(16667);
  static constexpr size_t kMaxBacklog = 1024;  // keys waiting in the machine beyond which new ones are dropped

  // Opens the window (`window`) and the VNC server (`vnc_port` > 0). Throws
  // DisplayError with a one-line message.
  DisplayFrontEnds(bool window, const std::string& vnc_address, int vnc_port);
  ~DisplayFrontEnds();
  DisplayFrontEnds(const DisplayFrontEnds&) = delete;  // the callbacks hold `this`
  DisplayFrontEnds& operator=(const DisplayFrontEnds&) = delete;

  // The machine their input goes to, until detach().
  void attach(Machine& m);
  void detach() { machine_ = nullptr; }
  // Polls the window and the server, draws what changed, and merges `inner`
  // (the terminal's input): its quit with the window's close, its wake
  // descriptor with theirs.
  HostPoll poll(Machine& m, HostPoll inner);
  bool window_closed() const { return closed_; }
  size_t keys_dropped() const { return keys_dropped_; }

 private:
  void draw(Machine& m, Clock::time_point now);
  void update_status(Machine& m, Clock::time_point now);
  int wake_fd(int inner_fd);

  std::optional<SdlWindow> window_;
  std::optional<VncServer> vnc_;
  Frame frame_;
  const FrameSource* drawn_from_ = nullptr;  // the device frame_ shows: another one draws it all anew
  Machine* machine_ = nullptr;
  bool closed_ = false;
  size_t keys_dropped_ = 0;
  Clock::time_point last_events_{}, last_frame_{}, last_status_{};
  uint64_t status_guest_ns_ = 0, status_host_ns_ = 0, status_insns_ = 0;
  int epoll_fd_ = -1;
  int epoll_inner_ = -1;  // the inner descriptor in the epoll set, -1: none
};

}  // namespace pxos::cli
