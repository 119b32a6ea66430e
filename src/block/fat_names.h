// FAT directory names: 8.3 short names made from long names the way the
// FAT specification ("Basis-Name Generation" and "Numeric-Tail Generation")
// and Windows make them (NAME~1.EXT), the checksum that ties VFAT long-name
// entries to their short entry, and those entries themselves.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pxos {

// A short name as it sits in a directory entry: 8 + 3 bytes, space padded.
using ShortName = std::array<char, 11>;

// A long name as UTF-16, or nullopt when `utf8` is not valid UTF-8, is
// empty, "." or "..", longer than 255 UTF-16 units, or holds a character a
// FAT long name may not (control characters and \ / : * ? " < > |).
std::optional<std::u16string> fat_long_name(const std::string& utf8);

// The short names of one directory so far, and per basis name the numeric
// tail to try next (so that many names with one basis cost one try each).
struct ShortNameSet {
  std::set<ShortName> taken;
  std::map<std::string, uint32_t> next_tail;
};

// The short name for `long_name` in a directory whose short names so far are
// `names` (which this adds it to), and whether the entry needs long-name
// entries (the long name is not exactly its short name in upper case).
// nullopt only when all numeric tails up to ~999999 are taken.
struct ShortNameChoice {
  ShortName name;
  bool needs_long_name;
};
std::optional<ShortNameChoice> make_short_name(const std::u16string& long_name, ShortNameSet& names);

// "NAME    EXT" as "NAME.EXT".
std::string short_name_text(const ShortName& n);

// The checksum of a short name that each of its long-name entries carries.
uint8_t lfn_checksum(const ShortName& n);

// The long-name entries (32 bytes each) for `long_name`, in the order they
// precede the short entry on disk (the last part first).
std::vector<std::array<uint8_t, 32>> lfn_entries(const std::u16string& long_name, uint8_t checksum);

// UTF-16 to UTF-8 (unpaired surrogates become U+FFFD).
std::string utf16_to_utf8(const std::u16string& s);

}  // namespace pxos
