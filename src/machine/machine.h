// A PC assembled from its configuration: memory, buses, devices, disks, the
// BIOS and one vCPU on the chosen engine. The run loop is in monitor.h.
#pragma once

#include <cstdio>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bios/bios.h"
#include "block/disk_image.h"
#include "devices/cmos.h"
#include "devices/debugcon.h"
#include "devices/i8042.h"
#include "devices/pci_bus.h"
#include "devices/pic.h"
#include "devices/pixel.h"
#include "devices/text_screen.h"
#include "devices/uart.h"
#include "devices/vbe.h"
#include "devices/vga.h"
#include "devices/virtio/virtio_blk.h"
#include "devices/virtio/virtio_pci.h"
#include "engine/choose.h"
#include "engine/engine.h"
#include "machine/device_list.h"
#include "machine/guest_time.h"
#include "machine/linux_boot.h"
#include "vm/bus.h"
#include "vm/clock.h"
#include "vm/memory.h"

namespace pxos {

// A move of the host's pointer (Machine::mouse_event has the units).
struct PointerEvent {
  int dx = 0, dy = 0, dz = 0;
  unsigned buttons = 0;
};

// One key the host typed: the keyboard's set-1 bytes for it (make and break,
// wrapped in its modifiers'), and the bytes a terminal sends for it (what COM1
// receives when keys go to the serial line). The front end makes them. A
// scripted step may hold a pointer event instead (`pointer` set, no bytes):
// it takes its turn among the keys.
struct KeyStroke {
  std::vector<uint8_t> scancodes;
  std::vector<uint8_t> terminal;
  std::optional<PointerEvent> pointer;
};

struct MachineConfig {
  EngineKind engine = EngineKind::Auto;
  uint64_t memory = 16ull << 20;
  std::string floppy;                     // image for drive A:
  std::string hda;                        // image for drive 80h
  std::string hdd_dir;                    // a host folder as a FAT hard disk (80h, or 81h after --hda)
  std::vector<std::string> virtio_disks;  // --disk: virtio-blk images, in order (vda, vdb, ...)
  char boot = 0;                          // 'a' or 'c': the drive INT 19h boots (0: A: when there is one)
  std::string boot_sector;                // a file that becomes the start of a 1.44 MB floppy
  std::string kernel;                     // a Linux bzImage booted instead of a disk (machine/linux_boot.h)
  std::string initrd;                     // with it: an initrd, "" for none
  std::string append;                     // with it: the kernel command line
  LinuxEntry linux_entry = LinuxEntry::RealMode;
  std::string serial = "null";        // COM1 backend (see devices/serial_backend.h)
  std::string serial2 = "null";       // COM2 backend
  int serial_input_fd = -1;           // where a "stdio" COM1 reads host input, -1: none
  bool keys_to_serial = false;        // --send-keys and scripted keys go to COM1's receiver, not the keyboard
  std::string pixel_backend = "cpu";  // the pixel device's PXI backend (devices/pixel.h)
  std::string pixel_trace;            // a folder: each pixel batch as a PNG, "" = none
  // The Bochs/QEMU VBE display (devices/vbe.h, INT 10h AH=4Fh): DISPI ports,
  // a 16 MiB framebuffer at 0xE0000000, and while DISPI is enabled the bank
  // window at A0000h-AFFFFh (the VGA's memory there otherwise). On by
  // default: a guest that never enables DISPI sees a plain VGA.
  bool vbe = true;
  bool writable = false;  // write guest disk writes through to the images
  bool deterministic = false;
  bool jit = true;         // the soft engine translates common code to host code (--jit off: interpret only)
  bool jit_stats = false;  // and counts what it does (--jit-stats: Vcpu::statistics() at exit)
  bool verbose = false;
  std::FILE* debugcon = nullptr;
  // The VGA fonts for the ROM (256 glyphs of 16, 14 and 8 rows; empty: blank).
  std::vector<uint8_t> font8x16, font8x14, font8x8;
  std::function<void(char)> on_teletype;
  std::function<void(const std::string&)> on_message;
  // Lines the user must see whatever --verbose says (--hdd-dir: names left
  // out at start, write-back conflicts); unset: stderr.
  std::function<void(const std::string&)> on_warning;
};

// Thrown for configurations that cannot make a machine (bad images, an
// engine that is not available). The message is one line for the user.
struct MachineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The tail of an output stream (COM1's), for --until-text: what was written
// last, and how many bytes before it were dropped.
struct OutputTail {
  static constexpr size_t kKeep = 64 * 1024;
  std::string text;
  uint64_t erased = 0;
  void append(std::span<const uint8_t> bytes);
};

class Machine {
 public:
  explicit Machine(const MachineConfig& config);
  ~Machine();

  GuestMemory mem;
  PortBus ports;
  MmioBus mmio;
  GuestTime time;    // the machine's clock (machine/guest_time.h)
  GuestClock clock;  // devices read it: time.now_ns()
  DeviceList devices{ports};
  std::vector<std::unique_ptr<DiskImage>> disks;
  std::unique_ptr<Bios> bios;
  std::unique_ptr<Vcpu> vcpu;
  std::string engine_reason;       // why this engine was chosen (for --verbose)
  std::optional<int> exit_status;  // set when the guest writes the exit port

  // The devices the machine itself, its front ends and benchmarks name; the
  // rest belong to the device list only (machine/pc_devices.cpp).
  Pic pic;
  DebugConsole debugcon;
  std::unique_ptr<I8042> kbc;
  std::unique_ptr<Uart> com1, com2;
  std::unique_ptr<Vga> vga;
  std::unique_ptr<Vbe> vbe;            // MachineConfig::vbe
  std::unique_ptr<PixelDevice> pixel;  // drives com1 with PXI programs
  // PCI bus 0 with its host and ISA bridges (machine/pc_devices.cpp): PCI
  // devices join it with pci->add().
  std::unique_ptr<PciBus> pci;
  // --disk: virtio-blk disks on PCI devices kFirstVirtioDisk, kFirstVirtioDisk + 1, ...
  static constexpr int kFirstVirtioDisk = 3, kMaxVirtioDisks = 8;
  struct VirtioDisk {
    std::unique_ptr<DiskImage> image;
    std::unique_ptr<VirtioBlk> blk;
    std::unique_ptr<VirtioPci> transport;
  };
  std::vector<VirtioDisk> virtio_disks;

  // What the guest shows and writes, for the front ends and --until-text.
  TextScreen text_screen() { return capture_text_screen(mem, vga.get()); }
  // The display device whose picture is on the screen: the VBE's while DISPI
  // is enabled, else the VGA's.
  FrameSource& display() {
    if (vbe && vbe->enabled()) return *vbe;
    return *vga;
  }
  const std::string& debug_output() const { return debugcon.captured; }
  const OutputTail& serial_output() const { return serial_out_; }
  // Changes whenever the guest may have shown or written something new (a
  // BIOS call, a byte to the debug console or COM1): the watcher looks again.
  uint64_t output_generation() const;

  // A key press from the host keyboard or --send-keys: queued here, and fed
  // to the keyboard controller one key at a time as the guest takes them (or,
  // with keys_to_serial, as terminal bytes to COM1 as its FIFO has room). A
  // scripted pointer event waits in the same queue for the keys before it,
  // then for the mouse's last bytes to be taken, so that each becomes a
  // packet of its own.
  void press_key(const KeyStroke& k);
  // One key going down or up, as the keyboard's set-1 bytes (a window's or
  // VNC client's key events): queued with the keys above and fed to the
  // keyboard controller the same way, whatever keys_to_serial says.
  void key_scancodes(std::span<const uint8_t> bytes);
  void feed_keys();
  // The host's pointer moved or its buttons changed (the front ends, scripted
  // mouse steps): dx right, dy up (positive = up, as PS/2 counts), dz the
  // wheel (positive = towards the user), buttons bit 0 left, 1 right, 2
  // middle. Goes to the PS/2 mouse at once; it accumulates movement while
  // the guest is slow to read (devices/ps2_mouse.h).
  void mouse_event(int dx, int dy, int dz, unsigned buttons);
  // Host descriptors whose input the guest can take now (serial backends):
  // a halted guest's monitor wakes when one is readable.
  std::vector<int> input_fds() const;
  // Keys and serial bytes queued and not yet taken by the guest.
  size_t input_backlog() const { return pending_keys_.size() + pending_serial_.size(); }

  // Guest time (machine/guest_time.h): the wall clock on KVM, virtual time paced
  // to the host's on the software engine; --deterministic is virtual time with
  // exits at fixed instruction counts, idle time skipped and a fixed epoch.
  static constexpr std::time_t kDeterministicEpoch = 1767225600;  // 2026-01-01 00:00:00
  bool deterministic() const { return deterministic_; }
  bool virtual_time() const { return time.virtual_time(); }

  // Runs every device timer; returns the earliest next event (kNoEvent if none).
  uint64_t run_timers() { return devices.run_timers(clock.now_ns()); }
  // The interrupt controller's INTR line, and its acknowledge cycle.
  bool interrupt_pending() const { return pic.intr_pending(); }
  uint8_t acknowledge_interrupt() { return pic.acknowledge(); }
  // Whether a halted CPU goes on: an interrupt, or a wait of the BIOS that ended.
  bool wake_pending() const { return interrupt_pending() || wake_; }

  // The reset line (the keyboard controller's, port 92h's) was pulsed; reset()
  // restarts the CPU at F000:FFF0, the disks' writes kept.
  bool reset_requested = false;
  void reset();
  // The guest switched the machine off (APM's set power state, bios/apm.h;
  // ACPI's S5, devices/acpi_pm.h): the run ends, as the guest's own verdict
  // of success. power_off_by names the way (null: still on).
  const char* power_off_by = nullptr;
  void power_off(const char* by) {
    if (!power_off_by) power_off_by = by;
    if (vcpu) vcpu->kick();
  }
  // The CPU state after RESET, with the engine's CPU signature in EDX.
  CpuState power_on_state() const;

  void print_stats(std::ostream& os) const;

 private:
  void add_folder_sync(DiskImage& disk);
  void open_disks(const MachineConfig& config);
  void check_kernel(const MachineConfig& config);
  void add_devices(const MachineConfig& config);  // machine/pc_devices.cpp
  void add_vbe();                                 // machine/pc_devices.cpp
  void add_display_memory();                      // machine/pc_devices.cpp
  void add_virtio_disks();                        // machine/pc_devices.cpp
  void add_bios(const MachineConfig& config);
  void start_engine(const MachineConfig& config, EngineKind kind);

  std::optional<BzImage> kernel_;  // --kernel, checked, with its initrd
  std::vector<uint8_t> initrd_;
  OutputTail serial_out_;
  Cmos* cmos_ = nullptr;  // its clock starts with the engine's
  // Keys (their scancodes) and scripted pointer events, in order.
  std::deque<KeyStroke> pending_keys_;
  std::deque<uint8_t> pending_serial_;
  bool keys_to_serial_ = false;
  bool deterministic_ = false;
  bool wake_ = false;
  uint32_t reset_edx_ = 0x0600;
};

}  // namespace pxos
