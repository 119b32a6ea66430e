// pxos initramfs: a Linux initramfs with busybox and an /init script,
// for --initrd (make demo-linux, tests/linux).
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "block/initramfs.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "host/host_file.h"

namespace pxos::cli {

namespace {

constexpr const char* kHelp = R"(usage: pxos initramfs --busybox FILE --init SCRIPT [--file SRC:DEST]... -o OUT

Writes a gzip-compressed newc cpio archive for --initrd: /bin/busybox (a
static busybox), /bin/sh linked to it, SCRIPT as /init, /dev/console
(character device 5:1), and empty /proc, /sys, /tmp, /root. The same input
gives the same bytes.
  --busybox FILE   a static busybox program (ELF), e.g. from Debian's
                   busybox-static package
  --init SCRIPT    the /init script; it must start with #!
  --file SRC:DEST  also the host file SRC as DEST (e.g. lib/modules/x.ko;
                   its folders are made), repeatable
  -o OUT           the archive to write
  --help, -h       this text
)";

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
  HostFile f = read_host_file(path, 256u << 20);
  if (f.status == HostFile::Status::TooLarge)
    throw UsageError(std::string(what) + ": " + path + " is larger than 256 MiB");
  if (!f.ok()) throw UsageError(std::string(what) + ": " + f.error);
  if (f.bytes.empty()) throw UsageError(std::string(what) + ": " + path + " is empty");
  return std::move(f.bytes);
}

// --file SRC:DEST: each DEST's folders first (the kernel makes none), once.
void add_files(Initramfs& fs, const std::vector<std::string>& files) {
  std::set<std::string> dirs = {"bin", "dev", "proc", "sys", "tmp", "root", "etc"};
  for (const std::string& spec : files) {
    size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
      throw UsageError("--file: '" + spec + "' is not SRC:DEST");
    std::string src = spec.substr(0, colon), dest = spec.substr(colon + 1);
    while (!dest.empty() && dest.front() == '/') dest.erase(0, 1);
    for (size_t slash = dest.find('/'); slash != std::string::npos; slash = dest.find('/', slash + 1))
      if (dirs.insert(dest.substr(0, slash)).second) fs.add_dir(dest.substr(0, slash));
    fs.add_file(dest, read_file(src, "--file"), 0644);
  }
}

}  // namespace

int cmd_initramfs(Args args) {
  if (help_asked(args, kHelp)) return 0;
  std::string busybox, init, out;
  std::vector<std::string> files;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string a = args[i];
      if (a == "--busybox")
        busybox = flag_value(args, i);
      else if (a == "--init")
        init = flag_value(args, i);
      else if (a == "--file")
        files.push_back(flag_value(args, i));
      else if (a == "-o")
        out = flag_value(args, i);
      else
        throw UsageError("unknown option '" + a + "' (see pxos initramfs --help)");
    }
    if (busybox.empty() || init.empty() || out.empty())
      throw UsageError("give --busybox FILE, --init SCRIPT and -o OUT");
    std::vector<uint8_t> bb = read_file(busybox, "--busybox");
    if (bb.size() < 4 || bb[0] != 0x7F || bb[1] != 'E' || bb[2] != 'L' || bb[3] != 'F')
      throw UsageError("--busybox: " + busybox + " is not an ELF program");
    std::vector<uint8_t> script = read_file(init, "--init");
    if (script.size() < 2 || script[0] != '#' || script[1] != '!')
      throw UsageError("--init: " + init + " does not start with #! (the kernel runs it directly)");

    Initramfs fs;
    for (const char* d : {"bin", "dev", "proc", "sys", "tmp", "root", "etc"}) fs.add_dir(d);
    fs.add_file("bin/busybox", bb, 0755);
    fs.add_symlink("bin/sh", "busybox");
    fs.add_char_device("dev/console", 5, 1);
    fs.add_file("init", script, 0755);
    add_files(fs, files);
    std::vector<uint8_t> gz = fs.gzip();
    std::FILE* f = std::fopen(out.c_str(), "wb");
    if (!f) throw UsageError("-o: cannot write " + out);
    bool ok = std::fwrite(gz.data(), 1, gz.size(), f) == gz.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) throw UsageError("-o: cannot write " + out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos initramfs: %s\n", e.what());
    return kExitUsage;
  }
  return 0;
}

}  // namespace pxos::cli
