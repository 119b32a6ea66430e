#include "conformance/json.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace pxos::conformance {
namespace {

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}
  bool parse(Json& out) {
    bool ok = value(out);
    ws();
    return ok && p_ == s_.size();
  }

 private:
  void ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }
  // True (and past it) when the next character is `ch`.
  bool eat(char ch) {
    if (p_ < s_.size() && s_[p_] == ch) return ++p_, true;
    return false;
  }
  bool value(Json& v) {
    ws();
    if (p_ >= s_.size()) return false;
    char ch = s_[p_];
    if (ch == '{') return object(v);
    if (ch == '[') return array(v);
    if (ch == '"') {
      v.type = Json::Str;
      return string(v.str);
    }
    if (s_.substr(p_, 4) == "true") return v.type = Json::Bool, v.num = 1, p_ += 4, true;
    if (s_.substr(p_, 5) == "false") return v.type = Json::Bool, v.num = 0, p_ += 5, true;
    if (s_.substr(p_, 4) == "null") return v.type = Json::Null, p_ += 4, true;
    return number(v);
  }
  bool object(Json& v) {
    v.type = Json::Obj;
    ++p_;
    ws();
    if (eat('}')) return true;
    for (;;) {
      ws();
      std::string k;
      if (!string(k)) return false;
      ws();
      if (!eat(':')) return false;
      v.obj.push_back(Json::Member{std::move(k), Json{}});
      if (!value(v.obj.back().second)) return false;
      ws();
      if (eat(',')) continue;
      return eat('}');
    }
  }
  bool array(Json& v) {
    v.type = Json::Arr;
    ++p_;
    ws();
    if (eat(']')) return true;
    for (;;) {
      v.arr.emplace_back();
      if (!value(v.arr.back())) return false;
      ws();
      if (eat(',')) continue;
      return eat(']');
    }
  }
  // Integers are the common case; anything with a fraction or an exponent goes to strtod.
  bool number(Json& v) {
    size_t start = p_;
    bool neg = false;
    if (s_[p_] == '-') neg = true, ++p_;
    int64_t n = 0;
    size_t digits = 0;
    while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') n = n * 10 + (s_[p_++] - '0'), ++digits;
    if (!digits) return false;
    v.type = Json::Num;
    if (p_ < s_.size() && (s_[p_] == '.' || s_[p_] == 'e' || s_[p_] == 'E')) {
      while (p_ < s_.size() && (std::isdigit(uint8_t(s_[p_])) || std::strchr(".eE+-", s_[p_]))) ++p_;
      v.num = std::strtod(std::string(s_.substr(start, p_ - start)).c_str(), nullptr);
      return true;
    }
    v.num = double(neg ? -n : n);
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (p_ < s_.size() && s_[p_] != '"') {
      char ch = s_[p_++];
      if (ch == '\\' && p_ < s_.size()) {
        char e = s_[p_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'u':
            p_ += 4;
            out += '?';
            break;
          default: out += e; break;
        }
      } else {
        out += ch;
      }
    }
    return eat('"');
  }
  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

const Json* Json::get(std::string_view k) const {
  for (const auto& [key, v] : obj)
    if (key == k) return &v;
  return nullptr;
}

bool parse_json(std::string_view text, Json& out) { return JsonParser(text).parse(out); }

}  // namespace pxos::conformance
