#include "frontend/keys.h"

#include <cctype>
#include <stdexcept>

namespace pxos {

namespace {

constexpr uint8_t kLeftShift = 0x2A, kCtrl = 0x1D, kAlt = 0x38;

// Scancodes (set 1) of the US layout, unshifted and shifted characters.
struct KeyRow {
  uint8_t scancode;
  char plain, shifted;
};
constexpr KeyRow kLayout[] = {
    {0x02, '1', '!'},  {0x03, '2', '@'}, {0x04, '3', '#'},  {0x05, '4', '$'},  {0x06, '5', '%'},  {0x07, '6', '^'},
    {0x08, '7', '&'},  {0x09, '8', '*'}, {0x0A, '9', '('},  {0x0B, '0', ')'},  {0x0C, '-', '_'},  {0x0D, '=', '+'},
    {0x10, 'q', 'Q'},  {0x11, 'w', 'W'}, {0x12, 'e', 'E'},  {0x13, 'r', 'R'},  {0x14, 't', 'T'},  {0x15, 'y', 'Y'},
    {0x16, 'u', 'U'},  {0x17, 'i', 'I'}, {0x18, 'o', 'O'},  {0x19, 'p', 'P'},  {0x1A, '[', '{'},  {0x1B, ']', '}'},
    {0x1E, 'a', 'A'},  {0x1F, 's', 'S'}, {0x20, 'd', 'D'},  {0x21, 'f', 'F'},  {0x22, 'g', 'G'},  {0x23, 'h', 'H'},
    {0x24, 'j', 'J'},  {0x25, 'k', 'K'}, {0x26, 'l', 'L'},  {0x27, ';', ':'},  {0x28, '\'', '"'}, {0x29, '`', '~'},
    {0x2B, '\\', '|'}, {0x2C, 'z', 'Z'}, {0x2D, 'x', 'X'},  {0x2E, 'c', 'C'},  {0x2F, 'v', 'V'},  {0x30, 'b', 'B'},
    {0x31, 'n', 'N'},  {0x32, 'm', 'M'}, {0x33, ',', '<'},  {0x34, '.', '>'},  {0x35, '/', '?'},  {0x39, ' ', ' '},
};

struct Named {
  const char* name;
  HostKey key;
};
constexpr Named kNamed[] = {
    {"enter", {0x1C}},       {"esc", {0x01}},          {"tab", {0x0F}},          {"bs", {0x0E}},
    {"backspace", {0x0E}},   {"space", {0x39}},        {"up", {0x48, true}},     {"down", {0x50, true}},
    {"left", {0x4B, true}},  {"right", {0x4D, true}},  {"home", {0x47, true}},   {"end", {0x4F, true}},
    {"pgup", {0x49, true}},  {"pgdn", {0x51, true}},   {"ins", {0x52, true}},    {"del", {0x53, true}},
    {"f1", {0x3B}},          {"f2", {0x3C}},           {"f3", {0x3D}},           {"f4", {0x3E}},
    {"f5", {0x3F}},          {"f6", {0x40}},           {"f7", {0x41}},           {"f8", {0x42}},
    {"f9", {0x43}},          {"f10", {0x44}},          {"f11", {0x57}},          {"f12", {0x58}},
};

std::optional<HostKey> named_key(std::string name) {
  HostKey mods;
  for (;;) {
    if (name.rfind("ctrl-", 0) == 0) mods.ctrl = true, name.erase(0, 5);
    else if (name.rfind("alt-", 0) == 0) mods.alt = true, name.erase(0, 4);
    else if (name.rfind("shift-", 0) == 0) mods.shift = true, name.erase(0, 6);
    else break;
  }
  std::optional<HostKey> k;
  for (const Named& n : kNamed)
    if (name == n.name) k = n.key;
  if (!k && name.size() == 1) k = key_for_ascii(uint8_t(name[0]));
  if (!k) return std::nullopt;
  k->shift |= mods.shift;
  k->ctrl |= mods.ctrl;
  k->alt |= mods.alt;
  return k;
}

}  // namespace

std::vector<uint8_t> scancode_bytes(const HostKey& k) {
  std::vector<uint8_t> out;
  if (k.ctrl) out.push_back(kCtrl);
  if (k.alt) out.push_back(kAlt);
  if (k.shift) out.push_back(kLeftShift);
  if (k.e0) out.push_back(0xE0);
  out.push_back(k.scancode);
  if (k.e0) out.push_back(0xE0);
  out.push_back(uint8_t(k.scancode | 0x80));
  if (k.shift) out.push_back(kLeftShift | 0x80);
  if (k.alt) out.push_back(kAlt | 0x80);
  if (k.ctrl) out.push_back(kCtrl | 0x80);
  return out;
}

std::optional<HostKey> key_for_ascii(unsigned char ch) {
  switch (ch) {
    case '\r':
    case '\n': return HostKey{0x1C};
    case 0x1B: return HostKey{0x01};
    case '\t': return HostKey{0x0F};
    case 0x08:
    case 0x7F: return HostKey{0x0E};
    default: break;
  }
  for (const KeyRow& r : kLayout) {
    if (r.plain == char(ch)) return HostKey{r.scancode};
    if (r.shifted == char(ch)) return HostKey{r.scancode, false, true};
  }
  if (ch >= 1 && ch <= 26) {  // Ctrl+letter
    for (const KeyRow& r : kLayout)
      if (r.plain == char('a' + ch - 1)) return HostKey{r.scancode, false, false, true};
  }
  switch (ch) {  // the other control codes a terminal sends for Ctrl+key
    case 0x1C: return HostKey{0x2B, false, false, true};  // Ctrl-backslash
    case 0x1D: return HostKey{0x1B, false, false, true};  // Ctrl-]
    case 0x1E: return HostKey{0x07, false, false, true};  // Ctrl-6 (Ctrl-^)
    case 0x1F: return HostKey{0x0C, false, false, true};  // Ctrl-minus (Ctrl-_)
    default: return std::nullopt;
  }
}

namespace {

// {mouse DX DY BUTTONS [DZ]}: the text between the braces, lower-cased.
HostPointer parse_pointer(const std::string& body) {
  std::vector<long> v;
  size_t at = 5;  // after "mouse"
  while (at < body.size()) {
    if (body[at] == ' ') {
      ++at;
      continue;
    }
    size_t used = 0;
    long n = 0;
    try {
      n = std::stol(body.substr(at), &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (!used) throw std::invalid_argument("--send-keys: {" + body + "}: expected {mouse DX DY BUTTONS [DZ]}");
    v.push_back(n);
    at += used;
  }
  if (v.size() < 3 || v.size() > 4)
    throw std::invalid_argument("--send-keys: {" + body + "}: expected {mouse DX DY BUTTONS [DZ]}");
  constexpr long kMaxMove = 4096;
  for (size_t i : {size_t(0), size_t(1), size_t(3)})
    if (i < v.size() && (v[i] < -kMaxMove || v[i] > kMaxMove))
      throw std::invalid_argument("--send-keys: {" + body + "}: a move past -4096..4096");
  if (v[2] < 0 || v[2] > 7) throw std::invalid_argument("--send-keys: {" + body + "}: BUTTONS is not 0..7");
  return HostPointer{int(v[0]), int(v[1]), v.size() > 3 ? int(v[3]) : 0, unsigned(v[2])};
}

}  // namespace

std::vector<HostInput> parse_send_input(const std::string& text) {
  std::vector<HostInput> inputs;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch == '{') {
      size_t close = text.find('}', i);
      if (close == std::string::npos) throw std::invalid_argument("--send-keys: '{' without '}'");
      std::string name = text.substr(i + 1, close - i - 1);
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      i = close;
      if (name.rfind("mouse ", 0) == 0) {
        inputs.push_back(parse_pointer(name));
        continue;
      }
      auto k = named_key(name);
      if (!k) throw std::invalid_argument("--send-keys: unknown key {" + name + "}");
      inputs.push_back(*k);
      continue;
    }
    if (ch == '\\') {
      if (++i >= text.size()) throw std::invalid_argument("--send-keys: text ends with a lone backslash");
      switch (text[i]) {
        case 'r':
        case 'n': ch = '\r'; break;
        case 'e': ch = 0x1B; break;
        case 't': ch = '\t'; break;
        case 'b': ch = 0x08; break;
        case '\\': ch = '\\'; break;
        case '{': ch = '{'; break;
        default: throw std::invalid_argument(std::string("--send-keys: unknown escape \\") + text[i]);
      }
    }
    auto k = key_for_ascii(ch);
    if (!k) throw std::invalid_argument("--send-keys: no key types the byte " + std::to_string(ch));
    inputs.push_back(*k);
  }
  return inputs;
}

std::vector<HostKey> parse_send_keys(const std::string& text) {
  std::vector<HostKey> keys;
  for (const HostInput& in : parse_send_input(text)) {
    if (!std::holds_alternative<HostKey>(in)) throw std::invalid_argument("--send-keys: a mouse event where keys go");
    keys.push_back(std::get<HostKey>(in));
  }
  return keys;
}

namespace {
// CSI sequences ending in '~': ESC [ n ~.
std::optional<HostKey> tilde_key(int n) {
  switch (n) {
    case 1: case 7: return HostKey{0x47, true};
    case 2: return HostKey{0x52, true};
    case 3: return HostKey{0x53, true};
    case 4: case 8: return HostKey{0x4F, true};
    case 5: return HostKey{0x49, true};
    case 6: return HostKey{0x51, true};
    case 11: return HostKey{0x3B};
    case 12: return HostKey{0x3C};
    case 13: return HostKey{0x3D};
    case 14: return HostKey{0x3E};
    case 15: return HostKey{0x3F};
    case 17: return HostKey{0x40};
    case 18: return HostKey{0x41};
    case 19: return HostKey{0x42};
    case 20: return HostKey{0x43};
    case 21: return HostKey{0x44};
    case 23: return HostKey{0x57};
    case 24: return HostKey{0x58};
    default: return std::nullopt;
  }
}
std::optional<HostKey> letter_key(char c) {
  switch (c) {
    case 'A': return HostKey{0x48, true};
    case 'B': return HostKey{0x50, true};
    case 'C': return HostKey{0x4D, true};
    case 'D': return HostKey{0x4B, true};
    case 'H': return HostKey{0x47, true};
    case 'F': return HostKey{0x4F, true};
    case 'P': return HostKey{0x3B};
    case 'Q': return HostKey{0x3C};
    case 'R': return HostKey{0x3D};
    case 'S': return HostKey{0x3E};
    case 'Z': return HostKey{0x0F, false, true};  // Shift-Tab
    default: return std::nullopt;
  }
}
}  // namespace

std::vector<HostKey> TerminalDecoder::feed(std::span<const uint8_t> bytes) {
  std::vector<HostKey> out;
  for (uint8_t b : bytes) {
    if (pending_.empty()) {
      if (b == 0x1B) {
        pending_ = "\x1B";
        continue;
      }
      if (auto k = key_for_ascii(b)) out.push_back(*k);
      continue;
    }
    pending_ += char(b);
    // ESC x: Alt+x. ESC [ ... final, ESC O final: cursor and function keys.
    if (pending_.size() == 2 && b != '[' && b != 'O') {
      if (auto k = key_for_ascii(b)) {
        k->alt = true;
        out.push_back(*k);
      }
      pending_.clear();
      continue;
    }
    if (pending_.size() >= 3 && (b >= 0x40 && b <= 0x7E)) {
      std::string params = pending_.substr(2, pending_.size() - 3);
      std::optional<HostKey> k = b == '~' ? tilde_key(std::atoi(params.c_str())) : letter_key(char(b));
      // xterm modifiers: ESC [ 1 ; m X with m - 1 = shift 1 | alt 2 | ctrl 4.
      size_t semi = params.find(';');
      if (k && semi != std::string::npos) {
        int m = std::atoi(params.c_str() + semi + 1) - 1;
        k->shift = m & 1;
        k->alt = m & 2;
        k->ctrl = m & 4;
      }
      if (k) out.push_back(*k);
      pending_.clear();
    } else if (pending_.size() > 12) {
      pending_.clear();  // not a sequence we know
    }
  }
  return out;
}

std::vector<HostKey> TerminalDecoder::flush() {
  std::vector<HostKey> out;
  if (pending_ == "\x1B") out.push_back(HostKey{0x01});
  pending_.clear();
  return out;
}

}  // namespace pxos
