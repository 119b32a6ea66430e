// The op listing syntax of `pxos pxi build --ops FILE` (docs/PXI.md, "Op listing").
#include <cctype>
#include <string>

#include "pxi/format.h"
#include "pxi/uart.h"

namespace pxos::pxi {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::vector<Pixel> run() {
    while (pos_ < s_.size()) {
      skip_blank();
      if (pos_ >= s_.size()) break;
      if (s_[pos_] == '\n') {
        ++pos_;
        ++line_;
        continue;
      }
      const std::string word = next_word();
      if (word == "line") {
        divisor_ = number(1, 255, "divisor");
        lcr_ = lcr();
        emit(make_pixel(0, divisor_, lcr_, uart::kOpSetLine));
      } else if (word == "write") {
        bool any = false;
        while (skip_blank(), pos_ < s_.size() && s_[pos_] != '\n') {
          if (s_[pos_] == '"') {
            for (uint8_t c : quoted()) emit(make_pixel(c, divisor_, lcr_, uart::kOpWrite));
          } else {
            emit(make_pixel(uint8_t(number(0, 255, "byte")), divisor_, lcr_, uart::kOpWrite));
          }
          any = true;
        }
        if (!any) fail("write needs a \"string\" or byte values");
      } else if (word == "nop") {
        skip_blank();
        const uint64_t n = at_end_of_line() ? 1 : number(0, kMaxOps, "nop count");
        if (ops_.size() + n > kMaxOps) fail("more than " + std::to_string(kMaxOps) + " ops");
        ops_.insert(ops_.end(), n, make_pixel(0, 0, 0, uart::kOpNop));
      } else if (word == "pixel") {
        const auto r = number(0, 255, "R"), g = number(0, 255, "G"), b = number(0, 255, "B"), a = number(0, 255, "A");
        emit(make_pixel(uint8_t(r), uint8_t(g), uint8_t(b), uint8_t(a)));
      } else {
        fail("unknown statement '" + word + "' (line, write, nop, pixel)");
      }
      skip_blank();
      if (!at_end_of_line()) fail("unexpected text after the statement");
    }
    return std::move(ops_);
  }

 private:
  [[noreturn]] void fail(const std::string& m) {
    throw Error(Errc::kSyntax, "op listing line " + std::to_string(line_) + ": " + m);
  }
  void emit(Pixel p) {
    if (ops_.size() >= kMaxOps) fail("more than " + std::to_string(kMaxOps) + " ops");
    ops_.push_back(p);
  }
  void skip_blank() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool at_end_of_line() const { return pos_ >= s_.size() || s_[pos_] == '\n'; }
  std::string next_word() {
    std::string w;
    while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) && s_[pos_] != '#' &&
           s_[pos_] != ',')
      w += s_[pos_++];
    return w;
  }
  uint64_t number(uint64_t lo, uint64_t hi, const char* what) {
    skip_blank();
    const std::string w = next_word();
    if (w.empty()) fail(std::string("missing ") + what);
    uint64_t v = 0;
    size_t i = 0;
    int base = 10;
    if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
      base = 16;
      i = 2;
    }
    for (; i < w.size(); ++i) {
      const char c = char(std::tolower(static_cast<unsigned char>(w[i])));
      int d = -1;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      if (d < 0) fail(std::string("bad ") + what + " '" + w + "'");
      v = v * base + d;
      if (v > hi) break;
    }
    if (v < lo || v > hi)
      fail(std::string(what) + " '" + w + "' is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
  }
  // A number, or the usual "8N1" shorthand: data bits 5..8, parity N/O/E/M/S, stop bits 1/2.
  uint8_t lcr() {
    skip_blank();
    const size_t save = pos_;
    const std::string w = next_word();
    if (w.size() == 3 && w[0] >= '5' && w[0] <= '8' && (w[2] == '1' || w[2] == '2')) {
      uint8_t v = uint8_t(w[0] - '5');
      if (w[2] == '2') v |= 0x04;
      switch (std::toupper(static_cast<unsigned char>(w[1]))) {
        case 'N':
          break;
        case 'O':
          v |= 0x08;
          break;
        case 'E':
          v |= 0x18;
          break;
        case 'M':
          v |= 0x28;
          break;
        case 'S':
          v |= 0x38;
          break;
        default:
          fail("bad parity in '" + w + "' (N, O, E, M, S)");
      }
      return v;
    }
    pos_ = save;
    return uint8_t(number(0, 0x3F, "line control"));
  }
  std::string quoted() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size() || s_[pos_] == '\n') fail("unterminated string");
      char c = s_[pos_++];
      if (c == '"') break;
      if (c == '\\') {
        if (pos_ >= s_.size()) fail("unterminated string");
        c = s_[pos_++];
        switch (c) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case '0':
            out += '\0';
            break;
          case '\\':
            out += '\\';
            break;
          case '"':
            out += '"';
            break;
          case 'x': {
            int v = 0;
            for (int k = 0; k < 2; ++k) {
              const char h = pos_ < s_.size() ? char(std::tolower(static_cast<unsigned char>(s_[pos_]))) : 0;
              if (!std::isxdigit(static_cast<unsigned char>(h))) fail("bad \\x escape");
              v = v * 16 + (h <= '9' ? h - '0' : h - 'a' + 10);
              ++pos_;
            }
            out += char(v);
            break;
          }
          default:
            fail(std::string("unknown escape \\") + c);
        }
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
  uint8_t divisor_ = 1, lcr_ = 0x03;
  std::vector<Pixel> ops_;
};

}  // namespace

std::vector<Pixel> ops_from_text(std::string_view listing) { return Parser(listing).run(); }

}  // namespace pxos::pxi
