// Host files that a command line names: inputs read whole (a kernel, a boot
// sector, a PXI program), outputs opened for a device's bytes (--debugcon,
// --serial) or checked before a run (--screenshot). One place words why a
// file cannot be used, so every command says the same thing, as "PATH:
// REASON": "PATH: is a directory", "PATH: No such file or directory",
// "PATH: larger than N bytes".
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace pxos {

struct HostFile {
  enum class Status { Ok, CannotOpen, IsDirectory, TooLarge, ReadError };
  Status status = Status::Ok;
  std::vector<uint8_t> bytes;  // the whole file, when Ok
  std::string error;           // otherwise: why, one line, "PATH: REASON"
  bool ok() const { return status == Status::Ok; }
};

// Reads PATH whole (a regular file, a device or a pipe), at most max_bytes.
HostFile read_host_file(const std::string& path, uint64_t max_bytes);

// Opens PATH for a stream of output bytes; nullptr (and *error, "PATH:
// REASON") when it cannot. /dev/stdout, /dev/stderr and /dev/fd/N name
// this process's own descriptor, which is duplicated (as bash does in a
// redirection), so output already written there, e.g. a redirected log, is
// kept and interleaves; another character device or a FIFO is opened for
// appending; a regular file is truncated unless `append`.
std::FILE* open_host_output(const std::string& path, bool append, std::string* error);

// "" when a file can be written at PATH (it exists and is writable, or its
// folder exists and is writable), else why not, naming PATH: for outputs
// written at the end of a run, checked at its start. The reason reads
// "PATH: REASON".
std::string output_path_problem(const std::string& path);

}  // namespace pxos
