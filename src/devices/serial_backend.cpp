#include "devices/serial_backend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ostream>

#include "host/host_file.h"

namespace pxos {

namespace {
constexpr const char* kSpecHelp = "expected stdio, null, file:PATH, file-append:PATH or tcp:127.0.0.1:PORT";

std::string errno_text() { return std::strerror(errno); }

bool starts_with(const std::string& s, const char* prefix, std::string* rest) {
  size_t n = std::strlen(prefix);
  if (s.compare(0, n, prefix) != 0) return false;
  *rest = s.substr(n);
  return true;
}
}  // namespace

void SerialBackend::print_stats(std::ostream& os) const {
  os << "  serial " << describe() << ": " << stats_.bytes_out << " bytes out, " << stats_.bytes_in << " bytes in, "
     << stats_.dropped << " dropped\n";
}

// --- stdio ---------------------------------------------------------------

StdioSerial::StdioSerial(int input_fd, std::FILE* out) : input_fd_(input_fd), out_(out ? out : stdout) {}

void StdioSerial::write(std::span<const uint8_t> bytes) {
  size_t n = std::fwrite(bytes.data(), 1, bytes.size(), out_);
  std::fflush(out_);
  stats_.bytes_out += n;
  stats_.dropped += bytes.size() - n;
}

size_t StdioSerial::read(std::span<uint8_t> buf) {
  if (input_fd_ < 0 || buf.empty()) return 0;
  pollfd p{input_fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) return 0;
  ssize_t n = ::read(input_fd_, buf.data(), buf.size());
  if (n == 0) {
    input_fd_ = -1;  // end of input: stop polling
    return 0;
  }
  if (n < 0) return 0;
  stats_.bytes_in += size_t(n);
  return size_t(n);
}

// --- file ----------------------------------------------------------------

FileSerial::FileSerial(const std::string& path, bool append) : path_(path), append_(append) {
  if (path.empty()) throw SerialBackendError("serial backend file: needs a path (file:PATH)");
  std::string why;
  file_ = open_host_output(path, append, &why);
  if (!file_)
    throw SerialBackendError(std::string("serial backend ") + (append ? "file-append" : "file") + ": cannot open " +
                             why);
}

FileSerial::~FileSerial() {
  if (file_) std::fclose(file_);
}

void FileSerial::write(std::span<const uint8_t> bytes) {
  size_t n = std::fwrite(bytes.data(), 1, bytes.size(), file_);
  std::fflush(file_);
  stats_.bytes_out += n;
  stats_.dropped += bytes.size() - n;
}

// --- tcp -----------------------------------------------------------------

TcpSerial::TcpSerial(const std::string& address, uint16_t port) : address_(address) {
  in_addr addr{};
  if (inet_pton(AF_INET, address.c_str(), &addr) != 1 || (ntohl(addr.s_addr) >> 24) != 127)
    throw SerialBackendError("serial backend tcp: refusing to listen on '" + address +
                             "': only a loopback address (127.0.0.1) is allowed");
  listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_ < 0) throw SerialBackendError("serial backend tcp: socket: " + errno_text());
  int one = 1;
  ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr = addr;
  sa.sin_port = htons(port);
  if (::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 || ::listen(listen_, 1) < 0) {
    std::string why = errno_text();
    ::close(listen_);
    throw SerialBackendError("serial backend tcp:" + address + ":" + std::to_string(port) + ": " + why);
  }
  socklen_t len = sizeof sa;
  ::getsockname(listen_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
}

TcpSerial::~TcpSerial() {
  if (client_ >= 0) ::close(client_);
  if (listen_ >= 0) ::close(listen_);
}

std::string TcpSerial::describe() const { return "tcp:" + address_ + ":" + std::to_string(port_); }

void TcpSerial::accept_client() {
  if (client_ >= 0) return;
  client_ = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

void TcpSerial::drop_client() {
  ::close(client_);
  client_ = -1;
}

void TcpSerial::flush() {
  accept_client();
  while (client_ >= 0 && !pending_.empty()) {
    uint8_t chunk[4096];
    size_t n = 0;
    for (auto it = pending_.begin(); it != pending_.end() && n < sizeof chunk; ++it) chunk[n++] = *it;
    ssize_t sent = ::send(client_, chunk, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop_client();
      return;
    }
    pending_.erase(pending_.begin(), pending_.begin() + sent);
    stats_.bytes_out += size_t(sent);
  }
}

void TcpSerial::write(std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (pending_.size() >= kPendingLimit) {
      ++stats_.dropped;
      continue;
    }
    pending_.push_back(b);
  }
  flush();
}

size_t TcpSerial::read(std::span<uint8_t> buf) {
  flush();
  if (client_ < 0 || buf.empty()) return 0;
  ssize_t n = ::recv(client_, buf.data(), buf.size(), MSG_DONTWAIT);
  if (n == 0) {
    drop_client();  // the client went away; the next one may connect
    return 0;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop_client();
    return 0;
  }
  stats_.bytes_in += size_t(n);
  return size_t(n);
}

// --- specs ---------------------------------------------------------------

std::unique_ptr<SerialBackend> parse_serial_backend(const std::string& spec, int stdio_input_fd) {
  std::string rest;
  if (spec == "stdio") return std::make_unique<StdioSerial>(stdio_input_fd);
  if (spec == "null" || spec == "none") return std::make_unique<NullSerial>();
  if (starts_with(spec, "file:", &rest)) return std::make_unique<FileSerial>(rest, false);
  if (starts_with(spec, "file-append:", &rest)) return std::make_unique<FileSerial>(rest, true);
  if (starts_with(spec, "tcp:", &rest)) {
    std::string host = "127.0.0.1", port_text = rest;
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos) {
      host = rest.substr(0, colon);
      port_text = rest.substr(colon + 1);
    }
    if (host == "localhost") host = "127.0.0.1";
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
      throw SerialBackendError("serial backend '" + spec + "': bad port '" + port_text + "'");
    return std::make_unique<TcpSerial>(host, uint16_t(port));
  }
  throw SerialBackendError("unknown serial backend '" + spec + "' (" + kSpecHelp + ")");
}

}  // namespace pxos
