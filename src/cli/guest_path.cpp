#include "cli/guest_path.h"

#include <unistd.h>

#include <climits>

namespace pxos::cli {

std::string guest_binary(const std::string& name) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  std::string dir = ".";
  if (n > 0) {
    std::string path(exe, size_t(n));
    dir = path.substr(0, path.rfind('/'));
  }
  return dir + "/guests/" + name + ".bin";
}

}  // namespace pxos::cli
