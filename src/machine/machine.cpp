#include "machine/machine.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "block/fat_folder.h"
#include "devices/acpi_pm.h"
#include "devices/vga_modes.h"
#include "host/host_file.h"

namespace pxos {

namespace {

std::unique_ptr<DiskImage> open_disk(const std::string& path, DiskImage::Kind kind, bool writable) {
  try {
    return std::make_unique<DiskImage>(DiskImage::open(path, kind, writable));
  } catch (const DiskError& e) {
    throw MachineError(e.what());
  }
}

std::unique_ptr<DiskImage> boot_sector_floppy(const std::string& path) {
  HostFile f = read_host_file(path, 1474560);
  if (f.status == HostFile::Status::TooLarge)
    throw MachineError(path + ": boot sector file is larger than a 1.44 MB floppy");
  if (!f.ok()) throw MachineError(f.error);
  if (f.bytes.empty()) throw MachineError(path + ": boot sector file is empty");
  return std::make_unique<DiskImage>(DiskImage::from_bytes(std::move(f.bytes), DiskImage::Kind::Floppy));
}

}  // namespace

void OutputTail::append(std::span<const uint8_t> bytes) {
  text.append(bytes.begin(), bytes.end());
  if (text.size() > 2 * kKeep) {
    erased += text.size() - kKeep;
    text.erase(0, text.size() - kKeep);
  }
}

namespace {
MemoryLayout memory_layout(const MachineConfig& config) {
  MemoryLayout l;
  l.vga_window_mmio = true;  // the VGA's memory (or the VBE's bank window): add_display_memory
  if (config.vbe) l.framebuffer_bytes = 16u << 20;
  return l;
}
}  // namespace

Machine::Machine(const MachineConfig& config) : mem(config.memory, memory_layout(config)) {
  open_disks(config);
  check_kernel(config);
  deterministic_ = config.deterministic;
  keys_to_serial_ = config.keys_to_serial;
  EngineKind kind;
  try {
    if (deterministic_ && config.engine == EngineKind::Kvm)
      throw EngineError("--deterministic needs the software engine");
    kind = resolve_engine(config.engine, deterministic_, &engine_reason);
  } catch (const EngineError& e) {
    throw MachineError(e.what());
  }
  if (kernel_ && kernel_->kernel_64 && kind == EngineKind::Soft)  // else a silent guest until the timeout
    throw MachineError("--kernel: " + config.kernel +
                       " is a 64-bit kernel (xloadflags XLF_KERNEL_64) and the software engine has no long mode: "
                       "use an i686 (32-bit) kernel, or --engine kvm on a host whose KVM can run it");
  // The wall clock (KVM) or virtual time (the software engine): started with
  // the engine, below; until then the clock stands at 0.
  clock.now_ns = [this] { return time.now_ns(); };
  add_devices(config);
  add_bios(config);
  start_engine(config, kind);
}

Machine::~Machine() = default;

void Machine::open_disks(const MachineConfig& config) {
  if (!config.floppy.empty() && !config.boot_sector.empty())
    throw MachineError("--floppy and --boot-sector both name drive A:; give one");
  if (!config.floppy.empty())
    disks.push_back(open_disk(config.floppy, DiskImage::Kind::Floppy, config.writable));
  else if (!config.boot_sector.empty())
    disks.push_back(boot_sector_floppy(config.boot_sector));
  if (!config.hda.empty()) disks.push_back(open_disk(config.hda, DiskImage::Kind::HardDisk, config.writable));
  if (!config.hdd_dir.empty()) {
    auto report = config.on_warning ? config.on_warning
                                    : [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    try {
      disks.push_back(std::make_unique<DiskImage>(
          DiskImage::from_source(FolderDisk::open(config.hdd_dir, config.writable, report), config.writable)));
    } catch (const DiskError& e) {
      throw MachineError(std::string("--hdd-dir: ") + e.what());
    }
    if (config.writable) add_folder_sync(*disks.back());
  }
  if (config.virtio_disks.size() > size_t(kMaxVirtioDisks))
    throw MachineError("--disk: at most " + std::to_string(kMaxVirtioDisks) + " disks");
  for (const std::string& path : config.virtio_disks) {
    if (path.empty()) throw MachineError("--disk: the image path is empty");
    try {
      virtio_disks.push_back(
          {std::make_unique<DiskImage>(DiskImage::open(path, DiskImage::Kind::HardDisk, config.writable)), nullptr,
           nullptr});
    } catch (const DiskError& e) {
      throw MachineError(std::string("--disk: ") + e.what());
    }
  }
  bool has_floppy = !config.floppy.empty() || !config.boot_sector.empty();
  bool has_hard_disk = !config.hda.empty() || !config.hdd_dir.empty();
  if ((config.boot == 'a' && !has_floppy) || (config.boot == 'c' && !has_hard_disk))
    throw MachineError(std::string("--boot ") + config.boot + ": there is no " +
                       (config.boot == 'a' ? "floppy (--floppy, --boot-sector)" : "hard disk (--hda, --hdd-dir)"));
}

// --hdd-dir --writable: the guest's changes go back to the folder while it
// runs, once its writes have settled (none for kFolderSettleNs of guest
// time, which passes with the host's unless the run is deterministic), so
// that what DOS saved is complete: a file and its directory entry and FAT.
void Machine::add_folder_sync(DiskImage& disk) {
  constexpr uint64_t kFolderSettleNs = 1'500'000'000;
  struct Seen {
    uint64_t writes = 0, since = 0;
  };
  devices.add_timer("hdd-dir-sync", [&disk, seen = Seen{}](uint64_t now) mutable {
    if (!disk.unflushed_writes()) return kNoEvent;
    if (disk.write_count() != seen.writes) seen = Seen{disk.write_count(), now};
    if (now - seen.since < kFolderSettleNs) return seen.since + kFolderSettleNs;
    disk.flush();  // a conflict is reported (once) and tried again after the next writes
    return kNoEvent;
  });
}

void Machine::check_kernel(const MachineConfig& config) {
  if (config.kernel.empty()) {
    if (!config.initrd.empty() || !config.append.empty()) throw MachineError("--initrd and --append need --kernel");
    return;
  }
  try {
    kernel_ = parse_bzimage(read_boot_file(config.kernel, mem.ram_size(), "--kernel"));
    if (!config.initrd.empty()) initrd_ = read_boot_file(config.initrd, mem.ram_size(), "--initrd");
    plan_linux(*kernel_, initrd_.size(), config.append, mem.ram_size());
  } catch (const LinuxBootError& e) {
    throw MachineError(e.what());
  }
}

void Machine::add_bios(const MachineConfig& config) {
  BiosConfig bc;
  for (auto& d : disks) {  // in order: the first hard disk is 80h, the second 81h
    DiskImage** slots = d->kind() == DiskImage::Kind::Floppy ? bc.floppy : bc.hard_disk;
    DiskImage** slot = slots[0] ? &slots[1] : &slots[0];
    if (!*slot) *slot = d.get();
  }
  if (config.boot) bc.boot_drive = config.boot == 'a' ? 0x00 : 0x80;
  bc.verbose = config.verbose;
  bc.font8x16 = config.font8x16;
  bc.font8x14 = config.font8x14;
  bc.font8x8 = config.font8x8;
  Vga* v = vga.get();
  bc.video.read = [v](uint32_t off) { return v->mem_read(off); };
  bc.video.write = [v](uint32_t off, uint8_t value) { v->mem_write(off, value); };
  bc.video.plane = [v](int index) { return v->plane(index); };
  bc.video.copy = [v](uint32_t dst, uint32_t src, uint32_t len) { v->window_copy(dst, src, len); };
  bc.video.fill16 = [v](uint32_t off, uint32_t count, uint16_t value) { v->window_fill16(off, count, value); };
  bc.video.port_write = [v](uint16_t port, uint8_t value) { v->write(port, value); };
  bc.video.set_mode = [v](uint8_t mode) {
    std::optional<VgaModeRegs> regs = vga_mode_registers(mode & 0x7F);
    if (!regs) return false;
    vga_program_mode(*v, *regs);
    vga_load_palette(*v, vga_mode_palette(mode & 0x7F));
    return true;
  };
  bc.on_teletype = config.on_teletype;
  bc.on_message = config.on_message;
  bc.now_ns = clock.now_ns;
  bc.power_off = [this] { power_off("APM"); };
  // The ACPI tables describe the PM device (pc_devices.cpp) and, as the reset
  // register, the keyboard controller's command port with its pulse-reset
  // command FEh: the reset line every PC has, and no claim on CF9h, which
  // lies inside the PCI host bridge's CF8h-CFFh.
  bc.acpi = acpi::Platform{AcpiPm::kEvtPort,         AcpiPm::kCntPort,   AcpiPm::kTmrPort,
                           uint8_t(AcpiPm::kSciIrq), I8042::kStatusPort, 0xFE};
  if (deterministic_) bc.start_time = kDeterministicEpoch;
  if (kernel_) {
    // At every POST (power-on and reset, as QEMU's loader ROM does) the
    // kernel is loaded afresh and the CPU starts at its entry.
    bc.boot = [this, append = config.append, entry = config.linux_entry](CpuState& s) {
      std::vector<E820Entry> e820;
      for (const Bios::MemoryRange& r : bios->memory_map()) e820.push_back({r.base, r.size, r.type});
      LinuxPlan plan = plan_linux(*kernel_, initrd_.size(), append, mem.ram_size());
      load_linux(mem, *kernel_, initrd_, append, plan, entry, e820, s);
    };
  }
  bios = std::make_unique<Bios>(mem, bc);
  bios->install(ports);
  // INT 15h AH=86h waits for a time: when it has come, the halted CPU goes on.
  devices.add_timer("bios-wait", [this](uint64_t now) {
    uint64_t w = bios->wait_deadline_ns();
    wake_ = w && now >= w;
    return w && !wake_ ? w : kNoEvent;
  });
}

void Machine::start_engine(const MachineConfig& config, EngineKind kind) {
  EngineOptions eo;
  eo.deterministic = deterministic_;
  eo.jit = config.jit;
  eo.jit_stats = config.jit_stats;
  eo.clock = time.instruction_clock();
  try {
    EngineChoice c = make_engine(kind, mem, mmio, eo);
    vcpu = std::move(c.vcpu);
    reset_edx_ = c.reset_edx;
  } catch (const EngineError& e) {
    throw MachineError(e.what());
  }
  vcpu->set_state(power_on_state());
  bios->attach(vcpu.get());
  if (kind == EngineKind::Kvm)
    time.start(GuestTime::Mode::Wall);
  else
    time.start(deterministic_ ? GuestTime::Mode::Deterministic : GuestTime::Mode::Paced,
               [this] { return vcpu->instructions_retired(); });
  if (!deterministic_) cmos_->start_at_host_time();
}

CpuState Machine::power_on_state() const {
  CpuState s = reset_state();
  s.gpr[EDX] = reset_edx_;
  return s;
}

void Machine::reset() {
  reset_requested = false;
  for (auto& d : disks) d->flush();  // --writable: what the guest wrote survives a reset
  for (VirtioDisk& d : virtio_disks) {
    d.image->flush();
    d.transport->reset_device();  // as RST# does: the next kernel finds it as at power-on
  }
  mem.set_a20(true);
  if (vbe) vbe->reset();
  vcpu->set_state(power_on_state());
}

uint64_t Machine::output_generation() const {
  return bios->calls() + debugcon.bytes + serial_out_.erased + serial_out_.text.size();
}

void Machine::press_key(const KeyStroke& k) {
  if (keys_to_serial_ && !k.pointer)
    pending_serial_.insert(pending_serial_.end(), k.terminal.begin(), k.terminal.end());
  else
    pending_keys_.push_back(k);
}

void Machine::key_scancodes(std::span<const uint8_t> bytes) {
  if (!bytes.empty()) pending_keys_.push_back(KeyStroke{{bytes.begin(), bytes.end()}, {}, {}});
}

void Machine::feed_keys() {
  while (!pending_serial_.empty() && com1->rx_count() < Uart::kFifoSize) {
    uint8_t b = pending_serial_.front();
    pending_serial_.pop_front();
    com1->receive({&b, 1});
  }
  // One key at a time, once the guest has taken every byte of the last one
  // (as a keyboard waits for the controller) and the BIOS has found room for
  // it: keys wait here for a slow guest, and none is lost.
  if (pending_keys_.empty() && bios->keyboard_ready()) return;
  bios->move_held_keys();
  if (!pending_keys_.empty() && kbc->queued() == 0 && !kbc->output_full() && bios->keyboard_ready()) {
    const KeyStroke& k = pending_keys_.front();
    if (!k.pointer) {
      kbc->key_event(k.scancodes);
    } else if (kbc->mouse().queued() == 0) {
      const PointerEvent& p = *k.pointer;
      kbc->mouse_event(p.dx, p.dy, p.dz, p.buttons);
    } else {
      return;  // the mouse's last packet is not all taken yet
    }
    pending_keys_.pop_front();
  }
}

void Machine::mouse_event(int dx, int dy, int dz, unsigned buttons) { kbc->mouse_event(dx, dy, dz, buttons); }

std::vector<int> Machine::input_fds() const {
  std::vector<int> fds;
  for (const Uart* u : {com1.get(), com2.get()})
    if (int fd = u->input_fd(); fd >= 0) fds.push_back(fd);
  return fds;
}

void Machine::print_stats(std::ostream& os) const {
  os << "engine: " << engine_reason << "\n";
  time.print_stats(os);
  os << "bios: " << bios->calls() << " calls, " << bios->unimplemented() << " unimplemented, " << bios->bad_traps()
     << " stray trap-port writes\n";
  os << "bios keyboard: " << bios->keys_held() << " keys held for room in a full buffer, " << bios->idle_waits()
     << " idle waits\n";
  bios->print_calls(os);
  ports.print_stats(os);
  mmio.print_stats(os);
  devices.print_counters(os);
}

}  // namespace pxos
