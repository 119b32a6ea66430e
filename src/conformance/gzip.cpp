#include "conformance/gzip.h"

#include <zlib.h>

namespace pxos::conformance {

bool read_gz(const std::string& path, std::string& out) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  bool ok = n == 0;
  gzclose(f);
  return ok;
}

}  // namespace pxos::conformance
