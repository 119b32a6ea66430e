// A small model of a terminal for tests: the character grid that a stream
// of bytes leaves, with what --display term uses (CUP, ED, EL, SGR and
// private modes taken as no-ops, CR, LF with scrolling, UTF-8), no line
// wrap (a character past the last column lands on it). Bytes may be split
// anywhere across feed() calls.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace pxos::test {

class VtGrid {
 public:
  VtGrid(int rows, int cols) : rows_(rows), cols_(cols), cells_(size_t(rows) * cols, " ") {}

  void feed(std::string_view in) {
    for (char ch : in) {
      uint8_t b = uint8_t(ch);
      if (!esc_.empty()) {
        esc_ += ch;
        if (esc_.size() == 2 && b != '[')
          esc_.clear();  // ESC x: not used by the front end
        else if (esc_.size() > 2 && b >= 0x40 && b <= 0x7E)
          csi();
        continue;
      }
      if (b == 0x1B) {
        esc_ = "\x1b";
      } else if (!utf8_.empty() || b >= 0x80) {
        utf8_ += ch;
        uint8_t lead = uint8_t(utf8_[0]);
        size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (utf8_.size() >= len) {
          put(utf8_);
          utf8_.clear();
        }
      } else if (b == '\r') {
        col_ = 0;
      } else if (b == '\n') {
        line_feed();
      } else if (b == 0x08) {
        col_ = std::max(0, col_ - 1);
      } else if (b >= 0x20) {
        put(std::string(1, ch));
      }
    }
  }

  // Row r (0-based) as UTF-8 text, every column (blanks as spaces).
  std::string row(int r) const {
    std::string s;
    for (int c = 0; c < cols_; ++c) s += cells_[size_t(r) * cols_ + c];
    return s;
  }
  std::string text() const {
    std::string s;
    for (int r = 0; r < rows_; ++r) s += row(r) + "\n";
    return s;
  }
  int clears() const { return clears_; }  // ESC [ 2 J seen

 private:
  void put(const std::string& glyph) {
    int c = std::min(col_, cols_ - 1);
    cells_[size_t(row_) * cols_ + c] = glyph;
    col_ = std::min(c + 1, cols_);
  }
  void line_feed() {
    if (row_ + 1 < rows_) {
      ++row_;
      return;
    }
    cells_.erase(cells_.begin(), cells_.begin() + cols_);
    cells_.insert(cells_.end(), size_t(cols_), " ");
  }
  void clear(int from, int to) {  // cells [from, to) in row-major order
    for (int i = from; i < to; ++i) cells_[size_t(i)] = " ";
  }
  void csi() {
    std::string body = esc_.substr(2, esc_.size() - 3);
    char final = esc_.back();
    esc_.clear();
    if (!body.empty() && body[0] == '?') return;  // private modes: no grid change
    std::vector<int> p;
    for (size_t i = 0; i <= body.size();) {
      size_t semi = body.find(';', i);
      if (semi == std::string::npos) semi = body.size();
      p.push_back(std::atoi(body.substr(i, semi - i).c_str()));
      i = semi + 1;
    }
    auto arg = [&](size_t i, int def) { return i < p.size() && p[i] ? p[i] : def; };
    int here = row_ * cols_ + std::min(col_, cols_ - 1);
    switch (final) {
      case 'H':
        row_ = std::clamp(arg(0, 1), 1, rows_) - 1;
        col_ = std::clamp(arg(1, 1), 1, cols_) - 1;
        break;
      case 'J':
        if (arg(0, 0) == 2) {
          clear(0, rows_ * cols_);
          ++clears_;
        } else if (arg(0, 0) == 0) {
          clear(here, rows_ * cols_);
        }
        break;
      case 'K':
        if (arg(0, 0) == 2)
          clear(row_ * cols_, (row_ + 1) * cols_);
        else if (arg(0, 0) == 0)
          clear(here, (row_ + 1) * cols_);
        break;
      default: break;  // SGR and the rest: no grid change
    }
  }

  int rows_, cols_;
  std::vector<std::string> cells_;
  int row_ = 0, col_ = 0;
  int clears_ = 0;
  std::string esc_, utf8_;
};

}  // namespace pxos::test
