#include "cli/options.h"

#include <cctype>
#include <cstdlib>

#include "cli/key_stroke.h"

namespace pxos::cli {

// `pxos run --help`; `pxos --help` prints it too, after the list of commands.
const char* const kRunUsage =
    R"(usage: pxos run (--floppy IMG | --hda IMG | --hdd-dir DIR | --boot-sector FILE | --kernel BZIMAGE) [options]
Boots a PC guest.

options:
  --engine auto|kvm|soft   the CPU engine (default auto: the faster one here;
                           --verbose says which and why)
  --floppy IMG             floppy image for drive A: (160K ... 2.88M sizes)
  --hda IMG                hard disk image for drive 80h
  --hdd-dir DIR            the host folder DIR as a FAT hard disk (80h, or 81h
                           after --hda), made at start, file data read when
                           the guest reads it; boots FreeDOS when DIR holds
                           KERNEL.SYS. With --writable, files the guest
                           creates, changes or deletes go back to DIR at exit
  --disk IMG               a virtio-blk disk (repeatable: /dev/vda, /dev/vdb,
                           ... in order, PCI devices 3, 4, ...; at most 8);
                           Linux drives it (the BIOS does not boot from it)
  --boot a|c               the drive to boot when there are both (default a)
  --boot-sector FILE       boot FILE as the first sectors of a blank 1.44M floppy
  --serial SPEC            COM1: null (default), stdio, file:PATH,
                           file-append:PATH or tcp:127.0.0.1:PORT
                           stdio is an interactive console: the terminal is
                           raw (Ctrl-C goes to the guest); Ctrl-A x quits,
                           Ctrl-A h lists the escape keys, Ctrl-A Ctrl-A
                           sends Ctrl-A (as with --display term)
  --serial2 SPEC           COM2, the same choices
  --kernel BZIMAGE         boot a Linux kernel (x86 boot protocol 2.04+) instead
                           of a disk; guest RAM defaults to 128M with it
  --initrd FILE            with --kernel: the initial RAM disk
  --append CMDLINE         with --kernel: the kernel command line
                           (e.g. "console=ttyS0"); its vga=MODE goes to the
                           setup header, as a boot loader does
  --boot-protocol 16|32    with --kernel: 16 (default) runs the kernel's real-mode
                           setup through the BIOS, as QEMU does; 32 fills the
                           boot parameters here and enters the 32-bit kernel
                           directly, as Firecracker does
  --writable               write guest disk writes to the images and --hdd-dir
                           (default: the guest writes to a private copy that is
                           dropped at exit); a written image is locked, so a
                           second pxos cannot write it too
  --memory SIZE            guest RAM, e.g. 16M (default), 64M, 1G
  --debugcon stdio|stderr|none|file:PATH
                           where guest writes to port E9h go (default stdio);
                           file:PATH truncates a regular file, but /dev/stderr,
                           /dev/stdout and /dev/fd/N write to this process's
                           own descriptor, a device or FIFO is appended to
  --display term|tty|screen|none|sdl
                           term: the guest screen in this terminal, with colours,
                           cursor and keys (default when stdin and stdout are a
                           terminal; Ctrl-A x quits, Ctrl-A h for help);
                           tty: echo BIOS text output to stdout (the default
                           otherwise); screen: print the final text screen at
                           exit; none: nothing; sdl: a window (needs a display)
                           with the keyboard and, after a click in it, the mouse
                           (Ctrl+Alt releases it); closing it ends the run
  --vnc [ADDR:]PORT        also serve the screen, keyboard and mouse to VNC
                           clients on ADDR (default 127.0.0.1) port PORT
  --screenshot FILE.png    at exit, write what the display shows (VGA or VBE) at
                           its native resolution (720x400 in mode 03h); the VGA
                           draws text with the 8x16 font ($PXOS_FONT, else
                           Debian's console-setup-linux); path and font are
                           checked at start
  --gdb tcp:[ADDR:]PORT    serve one GDB connection (remote protocol) on ADDR
                           (default 127.0.0.1) port PORT; GDB sees linear
                           addresses (docs/DEBUGGING.md); its kill ends pxos
  --gdb-wait               with --gdb: hold the CPU before its first
                           instruction (F000:FFF0) until GDB continues it
  --timeout SECONDS        stop after SECONDS (exit status 124)
  --until-text TEXT        stop with status 0 once TEXT is on the guest's text
                           screen or its debug console (after any --expect steps)
  --send-keys STR          type STR on the guest keyboard: characters, \r Enter,
                           \e Esc, \t Tab, \b Backspace, \\, and named keys
                           {enter} {esc} {f1}..{f12} {up} {down} {left} {right}
                           {home} {end} {pgup} {pgdn} {ins} {del} {ctrl-c}
                           {alt-x} {shift-tab}; {mouse DX DY BUTTONS [DZ]}
                           moves the PS/2 mouse (DY up, BUTTONS bit 0 left,
                           1 right, 2 middle); host keys follow
  --expect TEXT            a scripted step: wait until TEXT is on the screen,
                           the debug console or COM1's output (there: output
                           after the previous step's match), then type the
                           --send-keys that follow it
  --send-keys-to serial|keyboard
                           where typed keys go: COM1's receiver (as terminal
                           bytes; the default with --kernel) or the keyboard
  --pixel-backend cpu|cuda|vulkan|auto
                           how the pixel device (ports 5A0h-5BFh) runs the
                           guest's PXI programs (default cpu; auto: for each
                           batch size, the backend measured fastest here; also
                           cpu-mt, cuda-copy, cuda-zerocopy, cuda-persistent)
  --pixel-trace DIR        write each pixel-device batch to DIR as a PNG named
                           with its status, and a line to DIR/batches.txt
  --deterministic          virtual time from the instruction count (soft engine)
  --jit on|off             the soft engine translates common 16- and 32-bit code to
                           host code (default on, x86-64 hosts); off: interpret only
  --jit-stats              at exit, print what the translator did to stderr: the
                           share of instructions run translated, why translated code
                           was left, the instructions run outside it (slower)
  --verbose, -v            log engine choice, unimplemented BIOS calls and device
                           counters to stderr
  --help, -h               this text

exit status:
  0-255  the value the guest wrote to port F4h (its own verdict)
  0      --until-text found its text, or the guest powered off (APM, ACPI S5)
  2      bad command line or input file (a one-line error says which)
  124    --timeout expired
  125    the monitor could not go on (engine failure)
  126    the guest triple-faulted or shut down
  127    the guest halted and nothing can wake it: interrupts off, or no
         timer running and no input left
)";

std::string flag_value(Args args, size_t& i) {
  if (i + 1 >= args.size()) throw UsageError(std::string(args[i]) + " needs a value");
  return args[++i];
}

uint64_t parse_memory_size(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos == 0 || pos > 7) throw UsageError("--memory: '" + text + "' is not a size like 16M or 1G");
  uint64_t n = std::strtoull(text.substr(0, pos).c_str(), nullptr, 10);
  std::string unit = text.substr(pos);
  uint64_t scale;
  if (unit.empty() || unit == "M" || unit == "MiB" || unit == "m")
    scale = 1ull << 20;
  else if (unit == "G" || unit == "GiB" || unit == "g")
    scale = 1ull << 30;
  else if (unit == "K" || unit == "KiB" || unit == "k")
    scale = 1ull << 10;
  else
    throw UsageError("--memory: unknown unit '" + unit + "' (use K, M or G)");
  uint64_t bytes = n * scale;
  if (bytes < (1ull << 20) || bytes > (3ull << 30) || bytes % 4096)
    throw UsageError("--memory: " + text + " is outside 1M..3G or not whole 4 KiB pages");
  return bytes;
}

EngineKind parse_engine(const std::string& text) {
  if (text == "auto") return EngineKind::Auto;
  if (text == "kvm") return EngineKind::Kvm;
  if (text == "soft") return EngineKind::Soft;
  throw UsageError("--engine: '" + text + "' is not auto, kvm or soft");
}

void parse_vnc(const std::string& text, std::string& address, int& port) {
  size_t colon = text.rfind(':');
  address = colon == std::string::npos ? "127.0.0.1" : text.substr(0, colon);
  std::string digits = colon == std::string::npos ? text : text.substr(colon + 1);
  bool numeric = !digits.empty() && digits.size() <= 5;
  for (char c : digits) numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
  port = numeric ? std::atoi(digits.c_str()) : 0;
  if (port < 1 || port > 65535) throw UsageError("--vnc: '" + text + "' is not [ADDR:]PORT with a port 1..65535");
  if (address.empty()) throw UsageError("--vnc: '" + text + "' has an empty address");
}

RunFlags parse_run_flags(Args args) {
  RunFlags f;
  bool memory_given = false;
  std::string keys_to;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--engine")
      f.machine.engine = parse_engine(flag_value(args, i));
    else if (a == "--floppy")
      f.machine.floppy = flag_value(args, i);
    else if (a == "--hda")
      f.machine.hda = flag_value(args, i);
    else if (a == "--disk") {
      std::string v = flag_value(args, i);
      if (v.empty()) throw UsageError("--disk: the image path is empty");
      f.machine.virtio_disks.push_back(v);
    } else if (a == "--hdd-dir")
      f.machine.hdd_dir = flag_value(args, i);
    else if (a == "--boot") {
      std::string v = flag_value(args, i);
      if (v != "a" && v != "c" && v != "A" && v != "C") throw UsageError("--boot: '" + v + "' is not a or c");
      f.machine.boot = char(std::tolower(static_cast<unsigned char>(v[0])));
    } else if (a == "--boot-sector")
      f.machine.boot_sector = flag_value(args, i);
    else if (a == "--writable")
      f.machine.writable = true;
    else if (a == "--serial")
      f.machine.serial = flag_value(args, i);
    else if (a == "--serial2")
      f.machine.serial2 = flag_value(args, i);
    else if (a == "--memory") {
      f.machine.memory = parse_memory_size(flag_value(args, i));
      memory_given = true;
    } else if (a == "--kernel")
      f.machine.kernel = flag_value(args, i);
    else if (a == "--initrd")
      f.machine.initrd = flag_value(args, i);
    else if (a == "--append")
      f.machine.append = flag_value(args, i);
    else if (a == "--boot-protocol") {
      std::string v = flag_value(args, i);
      if (v == "16")
        f.machine.linux_entry = LinuxEntry::RealMode;
      else if (v == "32")
        f.machine.linux_entry = LinuxEntry::Protected32;
      else
        throw UsageError("--boot-protocol: '" + v + "' is not 16 or 32");
    } else if (a == "--send-keys-to") {
      std::string v = flag_value(args, i);
      if (v != "serial" && v != "keyboard") throw UsageError("--send-keys-to: '" + v + "' is not serial or keyboard");
      keys_to = v;
    } else if (a == "--debugcon") {
      f.debugcon = flag_value(args, i);
      if (f.debugcon != "stdio" && f.debugcon != "stderr" && f.debugcon != "none" && f.debugcon.rfind("file:", 0) != 0)
        throw UsageError("--debugcon: '" + f.debugcon + "' is not stdio, stderr, none or file:PATH");
    } else if (a == "--display") {
      std::string d = flag_value(args, i);
      if (d == "term")
        f.display = Display::Term;
      else if (d == "tty")
        f.display = Display::Tty;
      else if (d == "screen")
        f.display = Display::Screen;
      else if (d == "none")
        f.display = Display::None;
      else if (d == "sdl")
        f.display = Display::Sdl;
      else
        throw UsageError("--display: '" + d + "' is not term, tty, screen, none or sdl");
    } else if (a == "--vnc") {
      parse_vnc(flag_value(args, i), f.vnc_address, f.vnc_port);
    } else if (a == "--gdb") {
      std::string v = flag_value(args, i);
      f.gdb = parse_gdb_endpoint(v);
      if (!f.gdb) throw UsageError("--gdb: '" + v + "' is not tcp:PORT or tcp:ADDR:PORT (ADDR a numeric IPv4 address)");
    } else if (a == "--gdb-wait") {
      f.gdb_wait = true;
    } else if (a == "--timeout") {
      std::string v = flag_value(args, i);
      char* end = nullptr;
      f.timeout = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(f.timeout > 0) || f.timeout > 1e6)
        throw UsageError("--timeout: '" + v + "' is not a positive number of seconds");
    } else if (a == "--until-text") {
      f.until_text = flag_value(args, i);
      if (f.until_text.empty()) throw UsageError("--until-text: the text is empty");
    } else if (a == "--send-keys") {
      std::string text = flag_value(args, i);
      if (f.script.empty()) f.script.push_back({});
      try {
        for (const HostInput& in : parse_send_input(text)) f.script.back().keys.push_back(key_stroke(in));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    } else if (a == "--expect") {
      std::string text = flag_value(args, i);
      if (text.empty()) throw UsageError("--expect: the text is empty");
      f.script.push_back({text, {}});
    } else if (a == "--screenshot") {
      f.screenshot = flag_value(args, i);
    } else if (a == "--pixel-backend") {
      f.machine.pixel_backend = flag_value(args, i);
      static const char* const kBackends[] = {"cpu",       "cpu-mt",        "vulkan",          "cuda",
                                              "cuda-copy", "cuda-zerocopy", "cuda-persistent", "auto"};
      bool known = false;
      for (const char* b : kBackends) known = known || f.machine.pixel_backend == b;
      if (!known)
        throw UsageError("--pixel-backend: '" + f.machine.pixel_backend + "' is not cpu, cuda, vulkan or auto");
    } else if (a == "--pixel-trace") {
      f.machine.pixel_trace = flag_value(args, i);
    } else if (a == "--deterministic") {
      f.machine.deterministic = true;
    } else if (a == "--jit") {
      std::string v = flag_value(args, i);
      if (v != "on" && v != "off") throw UsageError("--jit: '" + v + "' is not on or off");
      f.machine.jit = v == "on";
    } else if (a == "--jit-stats") {
      f.machine.jit_stats = true;
    } else if (a == "--verbose" || a == "-v") {
      f.machine.verbose = true;
    } else {
      throw UsageError("unknown option '" + a + "' (see pxos run --help)");
    }
  }
  if (f.machine.floppy.empty() && f.machine.hda.empty() && f.machine.hdd_dir.empty() && f.machine.boot_sector.empty() &&
      f.machine.kernel.empty())
    throw UsageError(
        "nothing to boot: give --floppy IMG, --hda IMG, --hdd-dir DIR, --boot-sector FILE or --kernel BZIMAGE");
  if (f.gdb_wait && !f.gdb) throw UsageError("--gdb-wait needs --gdb tcp:PORT");
  if (!f.machine.kernel.empty() && !memory_given) f.machine.memory = kLinuxDefaultMemory;
  f.machine.keys_to_serial = keys_to.empty() ? !f.machine.kernel.empty() : keys_to == "serial";
  // The serial console on this terminal: the guest's text screen stays off it.
  if (!f.display && f.machine.serial == "stdio") f.display = Display::Tty;
  return f;
}

}  // namespace pxos::cli
