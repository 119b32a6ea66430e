// --vnc [ADDR:]PORT: a VNC server (libvncserver) that shows a Frame at its
// native resolution and hands on the keyboard (X keysyms as PC scan codes)
// and the pointer (absolute positions as relative motion for the PS/2 mouse,
// buttons, the wheel) through the same callbacks as the window
// (frontend/display_input.h). Only what changed is sent: the frame's dirty
// rectangle is marked modified.
//
// libvncserver serves its clients on threads of its own. Their input waits
// in a locked queue until poll(), which calls the callbacks on the caller's
// thread; event_fd() is readable while the queue has something. show()
// writes the picture while a client thread may be encoding it, as
// libvncserver's own servers do: a client can get a torn update, and the
// rectangle marked modified is sent again whole.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "devices/frame.h"
#include "frontend/display_input.h"

struct _rfbScreenInfo;
struct _rfbClientRec;

namespace pxos {

class VncServer {
 public:
  // Listens on `address` (IPv4, e.g. 127.0.0.1) port `port`. Throws
  // DisplayError for a bad address or a port that cannot be listened on.
  VncServer(const std::string& address, int port, DisplayInput input);
  ~VncServer();
  VncServer(const VncServer&) = delete;
  VncServer& operator=(const VncServer&) = delete;

  // Copies the frame's dirty part (all of it after a size change) into the
  // server's picture and marks it modified.
  void show(const Frame& frame);
  // Hands the input that clients sent since the last call to the callbacks.
  void poll();
  int event_fd() const { return event_fd_; }

  // Called on libvncserver's threads: queue a client's input for poll().
  void queue_key(bool down, uint32_t keysym);
  void queue_pointer(int buttons, int x, int y);

 private:
  struct Event {
    bool key;
    bool down;        // key
    uint32_t keysym;  // key
    int x, y;         // pointer
    int buttons;      // pointer: RFB's mask
  };
  static constexpr size_t kMaxQueued = 4096;  // a client that sends faster than the guest takes loses the rest
  void push(const Event& e);
  void handle_pointer(const Event& e);
  void resize(int width, int height);

  DisplayInput input_;
  _rfbScreenInfo* screen_ = nullptr;
  int width_ = 0, height_ = 0;
  std::vector<uint32_t> pixels_;                // what clients see (R, G, B, 0 in memory)
  std::vector<std::vector<uint32_t>> retired_;  // earlier pictures, which a client thread may still read
  int event_fd_ = -1;
  std::mutex mutex_;
  std::deque<Event> events_;  // under mutex_
  bool have_pointer_ = false;
  int last_x_ = 0, last_y_ = 0, last_buttons_ = 0;
};

}  // namespace pxos
