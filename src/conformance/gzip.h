// Reading a gzip file whole (zlib).
#pragma once

#include <string>

namespace pxos::conformance {

// Appends the decompressed contents of the file at `path` to `out`; false when it
// cannot be opened or is not a complete gzip stream.
bool read_gz(const std::string& path, std::string& out);

}  // namespace pxos::conformance
