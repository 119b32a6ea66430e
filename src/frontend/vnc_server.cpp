#include "frontend/vnc_server.h"

#include <arpa/inet.h>
#include <rfb/rfb.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "frontend/keysym_keys.h"
#include "frontend/pc_keys.h"

namespace pxos {

namespace {

// RFB's pointer buttons (bit 0 left, 1 middle, 2 right, 3 and 4 the wheel
// up and down) as the PS/2 mouse's.
unsigned ps2_buttons(int rfb) {
  return (rfb & 1 ? kMouseLeft : 0) | (rfb & 2 ? kMouseMiddle : 0) | (rfb & 4 ? kMouseRight : 0);
}

// The server's pixels are R, G, B, 0 in memory (libvncserver's default
// format); a Frame's are 0x00RRGGBB.
uint32_t to_server(uint32_t px) { return (px >> 16 & 0xFF) | (px & 0xFF00) | (px & 0xFF) << 16; }

void quiet_log(const char*, ...) {}

VncServer* server_of(rfbClientPtr cl) { return static_cast<VncServer*>(cl->screen->screenData); }

void key_event(rfbBool down, rfbKeySym keysym, rfbClientPtr cl) { server_of(cl)->queue_key(down, keysym); }

void pointer_event(int buttons, int x, int y, rfbClientPtr cl) {
  server_of(cl)->queue_pointer(buttons, x, y);
  rfbDefaultPtrAddEvent(buttons, x, y, cl);  // the cursor position libvncserver keeps for the client
}

}  // namespace

VncServer::VncServer(const std::string& address, int port, DisplayInput input) : input_(std::move(input)) {
  in_addr addr{};
  if (inet_pton(AF_INET, address.c_str(), &addr) != 1)
    throw DisplayError("--vnc: '" + address + "' is not an IPv4 address like 127.0.0.1");
  if (port < 1 || port > 65535) throw DisplayError("--vnc: port " + std::to_string(port) + " is not 1..65535");
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) throw DisplayError(std::string("--vnc: eventfd: ") + std::strerror(errno));
  rfbLog = quiet_log;  // libvncserver's chatter; the errors that matter are ours below
  rfbErr = quiet_log;
  width_ = 640;
  height_ = 480;
  pixels_.assign(size_t(width_) * size_t(height_), 0);
  screen_ = rfbGetScreen(nullptr, nullptr, width_, height_, 8, 3, 4);
  if (!screen_) {
    close(event_fd_);
    throw DisplayError("--vnc: cannot make the server");
  }
  screen_->frameBuffer = reinterpret_cast<char*>(pixels_.data());
  screen_->desktopName = "pxOS";
  screen_->alwaysShared = TRUE;
  screen_->cursor = nullptr;  // no pointer drawn over the picture: the guest draws its own
  screen_->autoPort = FALSE;
  screen_->port = port;
  screen_->ipv6port = 0;  // IPv4 only: the address given, nothing else
  screen_->listenInterface = addr.s_addr;
  screen_->screenData = this;
  screen_->kbdAddEvent = key_event;
  screen_->ptrAddEvent = pointer_event;
  rfbInitServer(screen_);
  if (screen_->listenSock == RFB_INVALID_SOCKET) {
    int err = errno;
    rfbScreenCleanup(screen_);
    close(event_fd_);
    throw DisplayError("--vnc: cannot listen on " + address + ":" + std::to_string(port) + ": " +
                       (err ? std::strerror(err) : "address in use or not available"));
  }
  rfbRunEventLoop(screen_, 40000, TRUE);  // the clients are served on threads of libvncserver's
}

VncServer::~VncServer() {
  rfbShutdownServer(screen_, TRUE);
  rfbScreenCleanup(screen_);
  close(event_fd_);
}

void VncServer::resize(int width, int height) {
  retired_.push_back(std::move(pixels_));
  pixels_.assign(size_t(width) * size_t(height), 0);
  width_ = width;
  height_ = height;
  rfbNewFramebuffer(screen_, reinterpret_cast<char*>(pixels_.data()), width, height, 8, 3, 4);
}

void VncServer::show(const Frame& frame) {
  if (frame.width <= 0 || frame.height <= 0 || frame.pixels.size() != size_t(frame.width) * size_t(frame.height))
    return;
  Rect d = frame.dirty;
  if (frame.width != width_ || frame.height != height_) {
    resize(frame.width, frame.height);
    d = {0, 0, frame.width, frame.height};
  }
  int x0 = std::max(d.x, 0), y0 = std::max(d.y, 0);
  int x1 = std::min(d.x + d.w, width_), y1 = std::min(d.y + d.h, height_);
  if (x1 <= x0 || y1 <= y0) return;
  for (int y = y0; y < y1; ++y) {
    const uint32_t* src = &frame.pixels[size_t(y) * size_t(width_)];
    uint32_t* dst = &pixels_[size_t(y) * size_t(width_)];
    for (int x = x0; x < x1; ++x) dst[x] = to_server(src[x]);
  }
  rfbMarkRectAsModified(screen_, x0, y0, x1, y1);
}

void VncServer::push(const Event& e) {
  {
    std::lock_guard lock(mutex_);
    if (events_.size() >= kMaxQueued) return;
    events_.push_back(e);
  }
  uint64_t one = 1;
  ssize_t n = write(event_fd_, &one, sizeof one);
  (void)n;  // the counter is only a wake-up: it cannot overflow here
}

void VncServer::queue_key(bool down, uint32_t keysym) { push({true, down, keysym, 0, 0, 0}); }

void VncServer::queue_pointer(int buttons, int x, int y) { push({false, false, 0, x, y, buttons}); }

void VncServer::poll() {
  uint64_t count;
  ssize_t n = read(event_fd_, &count, sizeof count);
  (void)n;
  std::deque<Event> events;
  {
    std::lock_guard lock(mutex_);
    events.swap(events_);
  }
  for (const Event& e : events) {
    if (!e.key) {
      handle_pointer(e);
      continue;
    }
    std::optional<PcKey> k = pc_key_from_keysym(e.keysym);
    if (!k || !input_.on_key) continue;
    std::vector<uint8_t> bytes = pc_key_bytes(*k, e.down);
    if (!bytes.empty()) input_.on_key(bytes);
  }
}

// RFB gives where the pointer is; the PS/2 mouse reports how far it moved.
// The wheel is two buttons that a client presses and releases per click.
void VncServer::handle_pointer(const Event& e) {
  int dx = have_pointer_ ? e.x - last_x_ : 0, dy = have_pointer_ ? last_y_ - e.y : 0;
  int pressed = e.buttons & ~last_buttons_;
  int dz = (pressed & 16 ? 1 : 0) - (pressed & 8 ? 1 : 0);
  bool buttons_changed = ps2_buttons(e.buttons) != ps2_buttons(last_buttons_);
  have_pointer_ = true;
  last_x_ = e.x;
  last_y_ = e.y;
  last_buttons_ = e.buttons;
  if ((dx || dy || dz || buttons_changed) && input_.on_mouse) input_.on_mouse(dx, dy, dz, ps2_buttons(e.buttons));
}

}  // namespace pxos
