#include "frontend/sdl_window.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_syswm.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "frontend/pc_keys.h"
#include "frontend/sdl_keys.h"

namespace pxos {

namespace {

constexpr int kMinWindowWidth = 640;  // small modes (320x200) are scaled up to at least this

// The X connection's descriptor, when SDL draws through X11: readable when
// events wait, so that a halted guest's monitor wakes for them.
int x11_fd(SDL_Window* window) {
#if defined(SDL_VIDEO_DRIVER_X11)
  SDL_SysWMinfo info;
  SDL_VERSION(&info.version);
  if (SDL_GetWindowWMInfo(window, &info) && info.subsystem == SDL_SYSWM_X11)
    return ConnectionNumber(info.info.x11.display);
#else
  (void)window;
#endif
  return -1;
}

unsigned ps2_buttons(uint32_t sdl_state) {
  unsigned b = 0;
  if (sdl_state & SDL_BUTTON_LMASK) b |= kMouseLeft;
  if (sdl_state & SDL_BUTTON_RMASK) b |= kMouseRight;
  if (sdl_state & SDL_BUTTON_MMASK) b |= kMouseMiddle;
  return b;
}

}  // namespace

void SdlWindow::display_size(int width, int height, int& out_w, int& out_h) {
  if (width <= 720 && height <= 480) {  // the VGA's resolutions fill a 4:3 screen
    out_w = std::max(width, (height * 4 + 2) / 3);
    out_h = out_w * 3 / 4;
  } else {
    out_w = width;
    out_h = height;
  }
}

SdlWindow::SdlWindow(DisplayInput input) : input_(std::move(input)) {
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");  // Ctrl-C and SIGTERM stay pxos's
  // SDL falls back to drawing nowhere (its "offscreen" driver) when it finds
  // no display: only a driver named in $SDL_VIDEODRIVER may be one of those.
  const char* named = std::getenv("SDL_VIDEODRIVER");
  if (!named && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
    throw DisplayError(
        "--display sdl: no display to open a window on: DISPLAY is not set (nor WAYLAND_DISPLAY "
        "or SDL_VIDEODRIVER)");
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
    throw DisplayError(std::string("--display sdl: no display to open a window on: ") + SDL_GetError());
  std::string driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  if (!named && (driver == "offscreen" || driver == "dummy")) {
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    throw DisplayError("--display sdl: no display to open a window on (SDL found only its '" + driver + "' driver)");
  }
  // Drawn through the window's surface, not a renderer: only the changed
  // part of the window then goes to the display (SDL_UpdateWindowSurfaceRects).
  window_ = SDL_CreateWindow("pxOS", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 640, 480, SDL_WINDOW_RESIZABLE);
  if (!window_ || !SDL_GetWindowSurface(window_)) {
    std::string why = SDL_GetError();
    if (window_) SDL_DestroyWindow(window_);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    throw DisplayError("--display sdl: cannot open a window: " + why);
  }
  event_fd_ = x11_fd(window_);
  present_all();
  update_title();
}

SdlWindow::~SdlWindow() {
  if (grabbed_) SDL_SetRelativeMouseMode(SDL_FALSE);
  if (picture_) SDL_FreeSurface(picture_);
  SDL_DestroyWindow(window_);
  SDL_QuitSubSystem(SDL_INIT_VIDEO);
  SDL_Quit();
}

bool SdlWindow::poll() {
  SDL_Event e;
  while (SDL_PollEvent(&e)) on_event(e);
  return open_;
}

void SdlWindow::on_event(const SDL_Event& e) {
  switch (e.type) {
    case SDL_QUIT: open_ = false; break;
    case SDL_WINDOWEVENT:
      if (e.window.event == SDL_WINDOWEVENT_CLOSE) open_ = false;
      if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) release_keys();
      if (e.window.event == SDL_WINDOWEVENT_EXPOSED || e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) present_all();
      break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: on_key(e); break;
    case SDL_MOUSEMOTION:
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEWHEEL: on_mouse(e); break;
    default: break;
  }
}

void SdlWindow::on_key(const SDL_Event& e) {
  bool down = e.type == SDL_KEYDOWN;
  int sc = e.key.keysym.scancode;
  SDL_Keymod mods = SDL_GetModState();
  if (down && grabbed_ && (mods & KMOD_CTRL) && (mods & KMOD_ALT)) grab(false);
  if (sc >= 0 && size_t(sc) < held_.size()) {
    if (!down && !held_[size_t(sc)]) return;  // pressed before the window had the focus
    held_[size_t(sc)] = down;
  }
  std::optional<PcKey> k = pc_key_from_sdl(sc);
  if (!k || !input_.on_key) return;
  std::vector<uint8_t> bytes = pc_key_bytes(*k, down);  // a repeat is another make, as a PC keyboard's typematic
  if (!bytes.empty()) input_.on_key(bytes);
}

void SdlWindow::on_mouse(const SDL_Event& e) {
  if (!grabbed_) {
    if (e.type == SDL_MOUSEBUTTONDOWN) grab(true);  // this click only grabs
    return;
  }
  if (!input_.on_mouse) return;
  switch (e.type) {
    case SDL_MOUSEMOTION:
      buttons_ = ps2_buttons(e.motion.state);
      input_.on_mouse(e.motion.xrel, -e.motion.yrel, 0, buttons_);
      break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
      unsigned bit = e.button.button == SDL_BUTTON_LEFT     ? kMouseLeft
                     : e.button.button == SDL_BUTTON_RIGHT  ? kMouseRight
                     : e.button.button == SDL_BUTTON_MIDDLE ? kMouseMiddle
                                                            : 0;
      buttons_ = e.type == SDL_MOUSEBUTTONDOWN ? buttons_ | bit : buttons_ & ~bit;
      input_.on_mouse(0, 0, 0, buttons_);
      break;
    }
    case SDL_MOUSEWHEEL: {
      int up = e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e.wheel.y : e.wheel.y;
      if (up) input_.on_mouse(0, 0, -up, buttons_);
      break;
    }
    default: break;
  }
}

void SdlWindow::grab(bool on) {
  if (on == grabbed_) return;
  if (SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE) != 0 && on) return;  // no relative mode here
  grabbed_ = on;
  if (!on && buttons_ && input_.on_mouse) input_.on_mouse(0, 0, 0, buttons_ = 0);
  update_title();
}

void SdlWindow::release_keys() {
  for (size_t sc = 0; sc < held_.size(); ++sc) {
    if (!held_[sc]) continue;
    held_[sc] = false;
    std::optional<PcKey> k = pc_key_from_sdl(int(sc));
    std::vector<uint8_t> bytes = k ? pc_key_bytes(*k, false) : std::vector<uint8_t>{};
    if (!bytes.empty() && input_.on_key) input_.on_key(bytes);
  }
}

void SdlWindow::resize(const Frame& frame) {
  if (picture_) SDL_FreeSurface(picture_);
  picture_ = SDL_CreateRGBSurfaceWithFormat(0, frame.width, frame.height, 32, SDL_PIXELFORMAT_RGB888);
  int w, h;
  display_size(frame.width, frame.height, w, h);
  int scale = std::max(1, (kMinWindowWidth + w - 1) / std::max(w, 1));
  SDL_SetWindowSize(window_, w * scale, h * scale);
}

void SdlWindow::show(const Frame& frame) {
  if (frame.width <= 0 || frame.height <= 0 || frame.pixels.size() != size_t(frame.width) * size_t(frame.height))
    return;
  Rect d = frame.dirty;
  bool whole = !picture_ || frame.width != picture_->w || frame.height != picture_->h;
  if (whole) {
    resize(frame);
    if (!picture_) return;
    d = {0, 0, frame.width, frame.height};
  }
  if (frame.mode != mode_) {
    mode_ = frame.mode;
    update_title();
  }
  // Clipped to the picture: a source may say more than it has.
  int x0 = std::max(d.x, 0), y0 = std::max(d.y, 0);
  int x1 = std::min(d.x + d.w, frame.width), y1 = std::min(d.y + d.h, frame.height);
  if (x1 <= x0 || y1 <= y0) return;
  auto* dst = static_cast<uint8_t*>(picture_->pixels);
  for (int y = y0; y < y1; ++y)
    std::copy_n(&frame.pixels[size_t(y) * size_t(frame.width) + size_t(x0)], x1 - x0,
                reinterpret_cast<uint32_t*>(dst + size_t(y) * size_t(picture_->pitch)) + x0);
  if (whole)
    present_all();
  else
    present({x0, y0, x1 - x0, y1 - y0});
}

// Where the picture lies in a window of ww x wh: as large as fits with its
// display aspect, centred.
static SDL_Rect viewport(int fw, int fh, int ww, int wh) {
  int dw, dh;
  SdlWindow::display_size(fw, fh, dw, dh);
  int vw = ww, vh = wh;
  if (int64_t(ww) * dh > int64_t(wh) * dw)
    vw = int(int64_t(wh) * dw / dh);
  else
    vh = int(int64_t(ww) * dh / dw);
  return {(ww - vw) / 2, (wh - vh) / 2, vw, vh};
}

void SdlWindow::present(const Rect& part) {
  SDL_Surface* ws = SDL_GetWindowSurface(window_);
  if (!ws || !picture_) return;
  SDL_Rect v = viewport(picture_->w, picture_->h, ws->w, ws->h);
  auto map = [](int at, int size, int from, int to) { return from + int(int64_t(at) * to / size); };
  int x0 = map(part.x, picture_->w, v.x, v.w), x1 = map(part.x + part.w, picture_->w, v.x, v.w);
  int y0 = map(part.y, picture_->h, v.y, v.h), y1 = map(part.y + part.h, picture_->h, v.y, v.h);
  if (x1 <= x0 || y1 <= y0) return;
  SDL_Rect src{part.x, part.y, part.w, part.h}, dst{x0, y0, x1 - x0, y1 - y0};
  SDL_BlitScaled(picture_, &src, ws, &dst);
  SDL_UpdateWindowSurfaceRects(window_, &dst, 1);
}

void SdlWindow::present_all() {
  SDL_Surface* ws = SDL_GetWindowSurface(window_);  // anew: a resize replaces it
  if (!ws) return;
  SDL_FillRect(ws, nullptr, SDL_MapRGB(ws->format, 0, 0, 0));
  if (picture_) {
    SDL_Rect v = viewport(picture_->w, picture_->h, ws->w, ws->h);
    SDL_BlitScaled(picture_, nullptr, ws, &v);
  }
  SDL_UpdateWindowSurface(window_);
}

void SdlWindow::set_status(const std::string& status) {
  if (status == status_) return;
  status_ = status;
  update_title();
}

void SdlWindow::update_title() {
  std::string t = "pxOS";
  if (!status_.empty()) t += " - " + status_;
  if (!mode_.empty()) t += " - " + mode_;
  t += grabbed_ ? " - Ctrl+Alt releases the mouse" : " - click to grab the mouse";
  SDL_SetWindowTitle(window_, t.c_str());
}

}  // namespace pxos
