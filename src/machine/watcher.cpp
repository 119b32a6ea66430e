#include "machine/watcher.h"

namespace pxos {

bool Watcher::check(Machine& m) {
  uint64_t g = m.output_generation();
  if (g == generation_) return false;  // as at the last look, which found nothing
  generation_ = g;
  return check_now(m);
}

bool Watcher::check_now(Machine& m) {
  while (step_ < script_.size() && (script_[step_].expect.empty() || visible(m, script_[step_].expect))) {
    for (const KeyStroke& k : script_[step_].keys) m.press_key(k);
    m.feed_keys();
    ++step_;
  }
  return script_done() && visible(m, until_);
}

// Whether `text` is on the screen, in the debug console's output, or in
// COM1's output after the end of the previous step's match there (so that a
// prompt seen once is not matched again). A serial match moves past it.
bool Watcher::visible(Machine& m, const std::string& text) {
  if (text.empty()) return false;
  const OutputTail& serial = m.serial_output();
  size_t from = serial_from_ > serial.erased ? size_t(serial_from_ - serial.erased) : 0;
  size_t at = from <= serial.text.size() ? serial.text.find(text, from) : std::string::npos;
  if (at != std::string::npos) {
    serial_from_ = serial.erased + at + text.size();
    return true;
  }
  return on_screen(m, text) || m.debug_output().find(text) != std::string::npos;
}

bool Watcher::on_screen(Machine& m, const std::string& text) {
  TextScreen screen = m.text_screen();
  if (screen.rows == screen_.rows && screen.cols == screen_.cols && screen.cells == screen_.cells &&
      text == screen_needle_)
    return screen_found_;
  screen_found_ = screen.text().find(text) != std::string::npos;
  screen_ = std::move(screen);
  screen_needle_ = text;
  return screen_found_;
}

}  // namespace pxos
