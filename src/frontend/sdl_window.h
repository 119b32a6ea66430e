// --display sdl: a window (SDL2) that shows a Frame scaled to its size with
// the picture's aspect (4:3 for the VGA's own resolutions, square pixels for
// the others), and hands on the keyboard as PC scan codes and the mouse as
// relative motion (frontend/display_input.h). The mouse is grabbed by a click
// in the window and released with Ctrl+Alt; the title says which.
//
// SDL must be used from one thread: the one that made the window (the
// monitor's, through its poll_host).
#pragma once

#include <array>
#include <string>

#include "devices/frame.h"
#include "frontend/display_input.h"

struct SDL_Window;
struct SDL_Surface;
union SDL_Event;

namespace pxos {

class SdlWindow {
 public:
  // Opens the window. Throws DisplayError when no video driver works (no
  // $DISPLAY and no other display SDL can use).
  explicit SdlWindow(DisplayInput input);
  ~SdlWindow();
  SdlWindow(const SdlWindow&) = delete;
  SdlWindow& operator=(const SdlWindow&) = delete;

  // Handles the events waiting (keys, mouse, resizes). Returns false once
  // the user has closed the window.
  bool poll();
  // A descriptor that is readable when events wait (the X connection), -1
  // when the video driver has none.
  int event_fd() const { return event_fd_; }
  // Shows `frame`: copies its dirty part (all of it after a size change),
  // scales that part into the window and sends only it to the display; an
  // empty dirty rectangle costs nothing.
  void show(const Frame& frame);
  // The title's first part: the engine and the guest's speed.
  void set_status(const std::string& status);
  bool grabbed() const { return grabbed_; }

  // The window's picture (its size, in window pixels) for a frame of this
  // size: 4:3 for the VGA's resolutions, square pixels otherwise.
  static void display_size(int width, int height, int& out_w, int& out_h);

 private:
  void on_event(const SDL_Event& e);
  void on_key(const SDL_Event& e);
  void on_mouse(const SDL_Event& e);
  void grab(bool on);
  void release_keys();
  void resize(const Frame& frame);
  void present(const Rect& part);  // a part of the picture, scaled into the window
  void present_all();              // the window anew (after a resize or an expose)
  void update_title();

  DisplayInput input_;
  SDL_Window* window_ = nullptr;
  SDL_Surface* picture_ = nullptr;  // the frame at its own size, 0x00RRGGBB
  int event_fd_ = -1;
  bool open_ = true;
  bool grabbed_ = false;
  unsigned buttons_ = 0;
  std::array<bool, 512> held_{};  // SDL scancodes down now, released when focus goes
  std::string status_, mode_;
};

}  // namespace pxos
