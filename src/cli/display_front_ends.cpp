#include "cli/display_front_ends.h"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cstdio>

namespace pxos::cli {

namespace {

bool readable(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

bool epoll_add(int epoll_fd, int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

}  // namespace

DisplayFrontEnds::DisplayFrontEnds(bool window, const std::string& vnc_address, int vnc_port, const Font& font)
    : source_([this] { return capture_from_->text_screen(); }, font) {
  DisplayInput input;
  input.on_key = [this](std::span<const uint8_t> bytes) {
    if (!machine_) return;
    if (machine_->input_backlog() >= kMaxBacklog) {
      ++keys_dropped_;
      return;
    }
    machine_->key_scancodes(bytes);
  };
  input.on_mouse = [this](int dx, int dy, int dz, unsigned buttons) {
    if (machine_) machine_->mouse_event(dx, dy, dz, buttons);  // the PS/2 mouse
  };
  if (window) window_.emplace(input);
  if (vnc_port > 0) vnc_.emplace(vnc_address, vnc_port, input);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw DisplayError("--display: epoll_create1 failed");
  if (window_ && window_->event_fd() >= 0) epoll_add(epoll_fd_, window_->event_fd());
  if (vnc_) epoll_add(epoll_fd_, vnc_->event_fd());
}

DisplayFrontEnds::~DisplayFrontEnds() {
  vnc_.reset();
  window_.reset();
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void DisplayFrontEnds::attach(Machine& m) {
  machine_ = &m;
  std::string engine = m.vcpu ? m.vcpu->name() : "";
  if (window_) window_->set_status(engine + " engine");
}

HostPoll DisplayFrontEnds::poll(Machine& m, HostPoll inner) {
  auto now = Clock::now();
  auto every = window_ && window_->event_fd() >= 0 ? kEventCheck : kEventInterval;
  if (window_ && (readable(window_->event_fd()) || now - last_events_ >= every)) {
    last_events_ = now;
    if (!window_->poll()) closed_ = true;
  }
  if (vnc_) vnc_->poll();
  if (now - last_frame_ >= kFrameInterval) draw(m, now);
  if (window_ && now - last_status_ >= std::chrono::seconds(1)) update_status(m, now);
  return {inner.input_open, inner.quit || closed_, wake_fd(inner.wake_fd)};
}

void DisplayFrontEnds::draw(Machine& m, Clock::time_point now) {
  last_frame_ = now;
  capture_from_ = &m;
  if (!source_.render(frame_)) return;  // unchanged: nothing to send
  if (window_) window_->show(frame_);
  if (vnc_) vnc_->show(frame_);
}

// "soft engine, guest at 100% speed, 250 MIPS", over the last second.
void DisplayFrontEnds::update_status(Machine& m, Clock::time_point now) {
  last_status_ = now;
  uint64_t guest = m.time.now_ns(), host = m.time.host_ns(), insns = m.vcpu->instructions_retired();
  uint64_t dg = guest - status_guest_ns_, dh = host - status_host_ns_, di = insns - status_insns_;
  status_guest_ns_ = guest, status_host_ns_ = host, status_insns_ = insns;
  if (dh == 0) return;
  char text[120];
  int n = std::snprintf(text, sizeof text, "%s engine, guest at %.0f%% speed", m.vcpu->name().c_str(),
                        100.0 * double(dg) / double(dh));
  if (double(di) * 1e3 / double(dh) >= 1 && n > 0 && size_t(n) < sizeof text)
    std::snprintf(text + n, sizeof text - size_t(n), ", %.0f MIPS", double(di) * 1e3 / double(dh));
  window_->set_status(text);
}

// One descriptor for the monitor to wait on: an epoll set of the window's,
// the server's and the terminal's. A descriptor epoll cannot watch (stdin
// from a regular file, always readable) is handed on as it is.
int DisplayFrontEnds::wake_fd(int inner_fd) {
  if (inner_fd != epoll_inner_) {
    if (epoll_inner_ >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, epoll_inner_, nullptr);
    epoll_inner_ = inner_fd >= 0 && epoll_add(epoll_fd_, inner_fd) ? inner_fd : -1;
  }
  if (inner_fd >= 0 && epoll_inner_ < 0) return inner_fd;
  return epoll_fd_;
}

}  // namespace pxos::cli
