#include "host/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

namespace pxos {

bool plain_component(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

std::pair<std::string, std::string> split_parent(const std::string& rel) {
  size_t slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

int open_dir_beneath(int root_fd, const std::string& rel) {
  int fd = ::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  size_t at = 0;
  while (fd >= 0 && at < rel.size()) {
    size_t end = rel.find('/', at);
    if (end == std::string::npos) end = rel.size();
    std::string name = rel.substr(at, end - at);
    at = end + 1;
    if (!plain_component(name)) {
      ::close(fd);
      errno = EINVAL;
      return -1;
    }
    int sub = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int saved = errno;
    ::close(fd);
    errno = saved;
    fd = sub;
  }
  return fd;
}

int open_beneath(int root_fd, const std::string& rel, int flags, int mode) {
  auto [parent, name] = split_parent(rel);
  if (!plain_component(name)) {
    errno = EINVAL;
    return -1;
  }
  int dir = open_dir_beneath(root_fd, parent);
  if (dir < 0) return -1;
  int fd = ::openat(dir, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  int saved = errno;
  ::close(dir);
  errno = saved;
  return fd;
}

}  // namespace pxos
