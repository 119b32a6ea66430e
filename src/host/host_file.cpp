#include "host/host_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pxos {

namespace {

std::string errno_text(const std::string& path) { return path + ": " + std::strerror(errno); }

// The descriptor that /dev/stdout, /dev/stderr or /dev/fd/N names, or -1.
int own_descriptor(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  const std::string prefix = "/dev/fd/";
  if (path.size() <= prefix.size() || path.size() > prefix.size() + 4 || path.compare(0, prefix.size(), prefix) != 0)
    return -1;
  int fd = 0;
  for (size_t i = prefix.size(); i < path.size(); ++i) {
    if (path[i] < '0' || path[i] > '9') return -1;
    fd = fd * 10 + (path[i] - '0');
  }
  return fd;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

HostFile read_host_file(const std::string& path, uint64_t max_bytes) {
  HostFile r;
  auto fail = [&r](HostFile::Status status, std::string why) {
    r.status = status;
    r.error = std::move(why);
    r.bytes.clear();
    return r;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(HostFile::Status::CannotOpen, errno_text(path));
  struct stat st {};
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return fail(HostFile::Status::IsDirectory, path + ": is a directory");
    }
    // A regular file: its size is checked before reading, and allocated once.
    if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > max_bytes) {
      ::close(fd);
      return fail(HostFile::Status::TooLarge, path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (S_ISREG(st.st_mode)) r.bytes.reserve(size_t(st.st_size));
  }
  uint8_t buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errno_text(path);
      ::close(fd);
      return fail(HostFile::Status::ReadError, why);
    }
    if (n == 0) break;
    if (r.bytes.size() + size_t(n) > max_bytes) {
      ::close(fd);
      return fail(HostFile::Status::TooLarge, path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    r.bytes.insert(r.bytes.end(), buf, buf + n);
  }
  ::close(fd);
  return r;
}

std::FILE* open_host_output(const std::string& path, bool append, std::string* error) {
  std::FILE* f = nullptr;
  if (int own = own_descriptor(path); own >= 0) {
    int fd = fcntl(own, F_DUPFD_CLOEXEC, 0);
    f = fd >= 0 ? fdopen(fd, "w") : nullptr;  // fdopen never truncates
    if (!f && fd >= 0) {
      const int fdopen_errno = errno;
      ::close(fd);
      errno = fdopen_errno;
    }
  } else {
    struct stat st {};
    const bool exists = stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
      *error = path + ": is a directory";
      return nullptr;
    }
    // A terminal, /dev/null, a named pipe: a stream, never truncated.
    const bool stream = exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
    f = std::fopen(path.c_str(), append || stream ? "ab" : "wb");
  }
  if (!f) *error = errno_text(path);
  return f;
}

std::string output_path_problem(const std::string& path) {
  if (path.empty()) return "no file name given";
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return path + ": is a directory";
    if (access(path.c_str(), W_OK) != 0) return errno_text(path);
    return "";
  }
  if (errno != ENOENT) return errno_text(path);
  // A new file: its folder must exist and take it.
  if (access(folder_of(path).c_str(), W_OK | X_OK) != 0) return errno_text(path);
  return "";
}

}  // namespace pxos
