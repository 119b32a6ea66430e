// Where a UART's bytes go and come from on the host. A backend never
// blocks: writes that cannot go anywhere are dropped (and counted), reads
// return what is available now.
//
// Specs (parse_serial_backend):
//   stdio               write to stdout; read from `input_fd` if the front
//                       end passes one (>= 0), else no input
//   null                discard output, no input
//   file:PATH           write to PATH, truncating a regular file; no input.
//                       /dev/stdout, /dev/stderr, /dev/fd/N: this process's
//                       descriptor, not truncated; a character device or
//                       FIFO: appended to (machine/host_file.h)
//   file-append:PATH    write to PATH, appending; no input
//   tcp:127.0.0.1:PORT  listen on a loopback address only (tcp:PORT and
//                       tcp:localhost:PORT mean the same; port 0 picks a
//                       free one); one client at a time, accepted without
//                       blocking; bytes both ways. Output written while no
//                       client is connected is kept (up to 64 KiB) and sent
//                       when one connects.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <iosfwd>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace pxos {

// A spec that cannot be used (unknown kind, bad port, a non-loopback
// address, a file or socket that cannot be opened). The message is one line.
struct SerialBackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SerialBackend {
 public:
  struct Stats {
    uint64_t bytes_out = 0;  // bytes that left for the host
    uint64_t bytes_in = 0;   // bytes read from the host
    uint64_t dropped = 0;    // output bytes that could not be delivered
  };
  virtual ~SerialBackend() = default;
  // Guest -> host.
  virtual void write(std::span<const uint8_t> bytes) = 0;
  // Host -> guest: up to buf.size() bytes available now (0 = none).
  virtual size_t read(std::span<uint8_t> buf) {
    (void)buf;
    return 0;
  }
  // Whether this backend can ever produce input (the UART polls only then).
  virtual bool has_input() const { return false; }
  // A descriptor the monitor may poll for input, or -1.
  virtual int poll_fd() const { return -1; }
  virtual std::string describe() const = 0;
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 protected:
  Stats stats_;
};

class NullSerial final : public SerialBackend {
 public:
  void write(std::span<const uint8_t> bytes) override { stats_.dropped += bytes.size(); }
  std::string describe() const override { return "null"; }
};

class StdioSerial final : public SerialBackend {
 public:
  // `out` defaults to stdout; `input_fd` < 0 means no input. The fd is not
  // owned (the front end keeps it, e.g. a raw-mode terminal).
  explicit StdioSerial(int input_fd = -1, std::FILE* out = nullptr);
  void write(std::span<const uint8_t> bytes) override;
  size_t read(std::span<uint8_t> buf) override;
  bool has_input() const override { return input_fd_ >= 0; }
  int poll_fd() const override { return input_fd_; }
  std::string describe() const override { return "stdio"; }

 private:
  int input_fd_;
  std::FILE* out_;
};

class FileSerial final : public SerialBackend {
 public:
  FileSerial(const std::string& path, bool append);
  ~FileSerial() override;
  FileSerial(const FileSerial&) = delete;
  FileSerial& operator=(const FileSerial&) = delete;
  void write(std::span<const uint8_t> bytes) override;
  std::string describe() const override { return (append_ ? "file-append:" : "file:") + path_; }

 private:
  std::string path_;
  bool append_;
  std::FILE* file_ = nullptr;
};

class TcpSerial final : public SerialBackend {
 public:
  static constexpr size_t kPendingLimit = 64 * 1024;
  // `address` must be an IPv4 loopback address (127.0.0.0/8).
  TcpSerial(const std::string& address, uint16_t port);
  ~TcpSerial() override;
  TcpSerial(const TcpSerial&) = delete;
  TcpSerial& operator=(const TcpSerial&) = delete;
  void write(std::span<const uint8_t> bytes) override;
  size_t read(std::span<uint8_t> buf) override;
  bool has_input() const override { return true; }
  int poll_fd() const override { return client_ >= 0 ? client_ : listen_; }
  std::string describe() const override;
  uint16_t port() const { return port_; }  // the bound port (useful with port 0)
  bool connected() const { return client_ >= 0; }

 private:
  void accept_client();
  void flush();
  void drop_client();

  std::string address_;
  uint16_t port_ = 0;
  int listen_ = -1;
  int client_ = -1;
  std::deque<uint8_t> pending_;
};

// Builds a backend from a spec (see above); throws SerialBackendError.
std::unique_ptr<SerialBackend> parse_serial_backend(const std::string& spec, int stdio_input_fd = -1);

}  // namespace pxos
