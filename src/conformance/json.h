// A small JSON reader (objects, arrays, numbers, strings, literals): enough for the
// conformance vectors and their metadata.json. Numbers are doubles; \uXXXX escapes
// read as '?'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pxos::conformance {

struct Json {
  enum Type { Null, Bool, Num, Str, Arr, Obj } type = Null;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  // Not std::pair<std::string, Json>: a pair of an incomplete type is
  // ill-formed (libstdc++ accepts it under g++, clang rejects it).
  struct Member;
  std::vector<Member> obj;

  // The member named k of an object, or nullptr.
  const Json* get(std::string_view k) const;
  int64_t i() const { return int64_t(num); }
};

struct Json::Member {
  std::string first;
  Json second;
};

// Parses the whole of `text` into `out`; false when it is not one JSON value.
bool parse_json(std::string_view text, Json& out);

}  // namespace pxos::conformance
