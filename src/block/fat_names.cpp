#include "block/fat_names.h"

#include <algorithm>

namespace pxos {

namespace {

// Characters a short name may hold besides A-Z and 0-9.
bool short_name_char(char16_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c < 0x80 && std::u16string_view(u"$%'-_@~`!(){}^#&").find(c) != std::u16string_view::npos;
}

char16_t ascii_upper(char16_t c) { return c >= 'a' && c <= 'z' ? char16_t(c - 'a' + 'A') : c; }

// The next code point of `s` at `i` (advanced), or -1 for bad UTF-8.
int32_t next_code_point(const std::string& s, size_t& i) {
  auto byte = [&](size_t k) { return uint8_t(s[k]); };
  uint8_t b = byte(i);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return -1;
  int32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = cp << 6 | (byte(i + k) & 0x3F);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

}  // namespace

std::optional<std::u16string> fat_long_name(const std::string& utf8) {
  if (utf8.empty() || utf8 == "." || utf8 == "..") return std::nullopt;
  std::u16string out;
  for (size_t i = 0; i < utf8.size();) {
    int32_t cp = next_code_point(utf8, i);
    if (cp < 0 || cp < 0x20 || cp == 0x7F) return std::nullopt;
    if (cp < 0x80 && std::string_view("\\/:*?\"<>|").find(char(cp)) != std::string_view::npos) return std::nullopt;
    if (cp >= 0x10000) {
      out.push_back(char16_t(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(char16_t(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(char16_t(cp));
    }
  }
  if (out.size() > 255) return std::nullopt;
  return out;
}

std::optional<ShortNameChoice> make_short_name(const std::u16string& long_name, ShortNameSet& names) {
  std::set<ShortName>& taken = names.taken;
  bool lossy = false;
  // Spaces go everywhere, periods at the start.
  std::u16string s;
  for (char16_t c : long_name)
    if (c == ' ' || (c == '.' && s.empty()))
      lossy = true;
    else
      s.push_back(ascii_upper(c));
  size_t dot = s.rfind(u'.');
  std::u16string base = dot == std::u16string::npos ? s : s.substr(0, dot);
  std::u16string ext = dot == std::u16string::npos ? u"" : s.substr(dot + 1);
  auto convert = [&](const std::u16string& part, size_t max) {
    std::string out;
    for (char16_t c : part) {
      if (c == '.') {  // a period before the last one
        lossy = true;
        continue;
      }
      if (!short_name_char(c)) lossy = true;
      out.push_back(short_name_char(c) ? char(c) : '_');
    }
    if (out.size() > max) {
      out.resize(max);
      lossy = true;
    }
    return out;
  };
  std::string b = convert(base, 8), e = convert(ext, 3);
  if (b.empty()) {
    b = "_";
    lossy = true;
  }
  auto make = [&](const std::string& basis) {
    ShortName n;
    n.fill(' ');
    std::copy(basis.begin(), basis.end(), n.begin());
    std::copy(e.begin(), e.end(), n.begin() + 8);
    return n;
  };
  ShortName plain = make(b);
  std::string text = short_name_text(plain);
  bool exact = text.size() == long_name.size() && std::equal(text.begin(), text.end(), long_name.begin());
  if (!lossy && !taken.count(plain)) {
    taken.insert(plain);
    return ShortNameChoice{plain, !exact};
  }
  // ~1..~9 keep 6 characters of the basis, ~10..~99 five, and so on: names
  // whose bases share those characters compete for the same candidates, so
  // the tail to try next is kept per kept prefix and tail length (else 100,000
  // names like "file 000001.txt" each tried every tail taken before them).
  uint32_t first = 1;
  for (size_t digits = 1; digits <= 6; ++digits) {
    const uint32_t end = first * 10;  // 10, 100, ... 1,000,000
    const std::string prefix = b.substr(0, std::min(b.size(), 7 - digits));
    uint32_t& next = names.next_tail[prefix + "." + e + "/" + std::to_string(digits)];
    for (uint32_t n = std::max(next, first); n < end; ++n) {
      ShortName candidate = make(prefix + "~" + std::to_string(n));
      if (taken.insert(candidate).second) {
        next = n + 1;
        return ShortNameChoice{candidate, true};
      }
    }
    next = end;
    first = end;
  }
  return std::nullopt;
}

std::string short_name_text(const ShortName& n) {
  std::string base(n.begin(), n.begin() + 8), ext(n.begin() + 8, n.end());
  base.erase(base.find_last_not_of(' ') + 1);
  ext.erase(ext.find_last_not_of(' ') + 1);
  return ext.empty() ? base : base + "." + ext;
}

uint8_t lfn_checksum(const ShortName& n) {
  uint8_t sum = 0;
  for (char c : n) sum = uint8_t(((sum & 1) << 7) + (sum >> 1) + uint8_t(c));
  return sum;
}

std::vector<std::array<uint8_t, 32>> lfn_entries(const std::u16string& long_name, uint8_t checksum) {
  size_t parts = (long_name.size() + 12) / 13;
  std::vector<std::array<uint8_t, 32>> out(parts);
  static constexpr int kOffsets[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
  for (size_t p = 0; p < parts; ++p) {
    std::array<uint8_t, 32>& e = out[parts - 1 - p];
    e.fill(0);
    e[0] = uint8_t((p + 1) | (p + 1 == parts ? 0x40 : 0));
    e[11] = 0x0F;
    e[13] = checksum;
    for (size_t k = 0; k < 13; ++k) {
      size_t at = p * 13 + k;
      char16_t c = at < long_name.size() ? long_name[at] : at == long_name.size() ? 0 : 0xFFFF;
      e[kOffsets[k]] = uint8_t(c);
      e[kOffsets[k] + 1] = uint8_t(c >> 8);
    }
  }
  return out;
}

std::string utf16_to_utf8(const std::u16string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t cp = s[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF)
      cp = 0x10000 + ((cp - 0xD800) << 10) + (s[++i] - 0xDC00);
    else if (cp >= 0xD800 && cp <= 0xDFFF)
      cp = 0xFFFD;
    if (cp < 0x80) {
      out.push_back(char(cp));
    } else if (cp < 0x800) {
      out.push_back(char(0xC0 | cp >> 6));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(char(0xE0 | cp >> 12));
      out.push_back(char(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(char(0xF0 | cp >> 18));
      out.push_back(char(0x80 | (cp >> 12 & 0x3F)));
      out.push_back(char(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

}  // namespace pxos
