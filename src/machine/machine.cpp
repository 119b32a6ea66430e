#include "machine/machine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>

#include "bios/rom.h"
#include "devices/exit_port.h"
#include "engine/kvm/cpuid_filter.h"
#include "engine/kvm/kvm_vcpu.h"
#include "host/host_file.h"
#if __has_include("engine/soft/soft_vcpu.h") && !defined(PXOS_NO_SOFT_ENGINE)
#include "engine/soft/soft_vcpu.h"
#define PXOS_HAVE_SOFT 1
#endif

namespace pxos {

bool soft_engine_built() {
#ifdef PXOS_HAVE_SOFT
  return true;
#else
  return false;
#endif
}

namespace {

// Passes a UART's output on to its backend and keeps the tail of it, so
// --until-text and --expect can see serial output.
class CapturingSerial final : public SerialBackend {
 public:
  CapturingSerial(std::unique_ptr<SerialBackend> inner, std::string* capture, uint64_t* erased)
      : inner_(std::move(inner)), capture_(capture), erased_(erased) {}
  void write(std::span<const uint8_t> bytes) override {
    inner_->write(bytes);
    capture_->append(bytes.begin(), bytes.end());
    if (capture_->size() > 128 * 1024) {
      *erased_ += capture_->size() - 64 * 1024;
      capture_->erase(0, capture_->size() - 64 * 1024);
    }
  }
  size_t read(std::span<uint8_t> buf) override { return inner_->read(buf); }
  bool has_input() const override { return inner_->has_input(); }
  int poll_fd() const override { return inner_->poll_fd(); }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<SerialBackend> inner_;
  std::string* capture_;
  uint64_t* erased_;
};

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

// --engine auto: times the same short real-mode loop on an engine (a vCPU of
// its own on 1 MiB of scratch memory); nullopt if the engine cannot run.
std::optional<double> calibration_seconds(EngineKind kind) {
  constexpr uint16_t kIterations = 20000;
  try {
    GuestMemory scratch(1 << 20);
    MmioBus mmio;
    // MOV CX, n; L: LOOP L; HLT
    const uint8_t code[] = {0xB9, uint8_t(kIterations), uint8_t(kIterations >> 8), 0xE2, 0xFE, 0xF4};
    scratch.write(0x7C00, code);
    std::unique_ptr<Vcpu> cpu;
#ifdef PXOS_HAVE_SOFT
    if (kind == EngineKind::Soft) cpu = make_soft_vcpu(scratch, mmio);
#endif
    if (kind == EngineKind::Kvm) cpu = make_kvm_vcpu(scratch);
    if (!cpu) return std::nullopt;
    CpuState st = reset_state();
    st.eip = 0x7C00;
    for (Segment& seg : st.seg) seg = Segment{0, 0, 0xFFFF, 0x0093};
    st.seg[CS].attrib = 0x009B;
    cpu->set_state(st);
    auto start = std::chrono::steady_clock::now();
    for (int exits = 0; exits < 100; ++exits) {
      Exit e = cpu->run();
      if (e.reason == ExitReason::Hlt)
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (e.reason == ExitReason::Error || e.reason == ExitReason::Shutdown) return std::nullopt;
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

Machine::Machine(const MachineConfig& config) : mem(config.memory) {
  DiskImage* floppy = nullptr;
  DiskImage* hda = nullptr;
  if (!config.floppy.empty() && !config.boot_sector.empty())
    throw MachineError("--floppy and --boot-sector both name drive A:; give one");
  if (!config.floppy.empty()) {
    disks.push_back(open_disk(config.floppy, DiskImage::Kind::Floppy, config.writable));
    floppy = disks.back().get();
  } else if (!config.boot_sector.empty()) {
    disks.push_back(boot_sector_floppy(config.boot_sector));
    floppy = disks.back().get();
  }
  if (!config.hda.empty()) {
    disks.push_back(open_disk(config.hda, DiskImage::Kind::HardDisk, config.writable));
    hda = disks.back().get();
  }

  if (!config.kernel.empty()) {
    try {
      kernel = parse_bzimage(read_boot_file(config.kernel, mem.ram_size(), "--kernel"));
      if (!config.initrd.empty()) initrd = read_boot_file(config.initrd, mem.ram_size(), "--initrd");
      plan_linux(*kernel, initrd.size(), config.append, mem.ram_size());
    } catch (const LinuxBootError& e) {
      throw MachineError(e.what());
    }
  } else if (!config.initrd.empty() || !config.append.empty()) {
    throw MachineError("--initrd and --append need --kernel");
  }

  deterministic_ = config.deterministic;
  keys_to_serial_ = config.keys_to_serial;
  if (deterministic_ && config.engine == EngineKind::Kvm)
    throw MachineError("--deterministic needs the software engine");
  // The wall clock (KVM) or virtual time (the software engine): decided once
  // the engine is chosen, below; until then the clock stands at 0.
  clock.now_ns = [this] { return time.now_ns(); };

  debugcon.out = config.debugcon;
  debugcon.attach(ports);
  post_code.attach(ports);
  pic.attach(ports);
  pit = std::make_unique<Pit>(clock, pic.line(0));
  pit->attach(ports);
  timers.push_back(pit->timer());
  cmos = deterministic_ ? std::make_unique<Cmos>(clock, pic.line(8), kDeterministicEpoch)
                        : std::make_unique<Cmos>(clock, pic.line(8));
  cmos->attach(ports);
  timers.push_back(cmos->timer());
  kbc = std::make_unique<I8042>(pic.line(1));
  kbc->attach(ports);
  // A20 is on when either the keyboard controller or port 92h enables it.
  auto a20_changed = [this](bool) { mem.set_a20(kbc->a20() || port92.a20()); };
  auto reset = [this] {
    reset_requested = true;
    if (vcpu) vcpu->kick();
  };
  kbc->on_a20 = a20_changed;
  kbc->on_reset = reset;
  port92.attach(ports);
  port92.on_a20 = a20_changed;
  port92.on_reset = reset;
  try {
    com1 = std::make_unique<Uart>(
        Uart::kCom1Base, pic.line(Uart::kCom1Irq),
        std::make_shared<CapturingSerial>(parse_serial_backend(config.serial, config.serial_input_fd), &serial_captured,
                                          &serial_erased));
    com2 = std::make_unique<Uart>(Uart::kCom2Base, pic.line(Uart::kCom2Irq),
                                  std::shared_ptr<SerialBackend>(parse_serial_backend(config.serial2)));
  } catch (const SerialBackendError& e) {
    throw MachineError(std::string("--serial: ") + e.what());
  }
  com1->attach(ports);
  com2->attach(ports);
  timers.push_back(com1->timer());
  timers.push_back(com2->timer());
  vga = std::make_unique<Vga>(clock);
  vga->attach(ports);
  try {
    pixel = std::make_unique<PixelDevice>(
        mem, *com1, [this](int irq) { return pic.line(irq); }, config.pixel_backend, clock, config.pixel_trace,
        deterministic_);
  } catch (const std::runtime_error& e) {
    throw MachineError(e.what());
  }
  pixel->attach(ports);
  timers.push_back(pixel->timer());
  add_exit_port(ports, [this](int status) {
    if (!exit_status) exit_status = status;
    if (vcpu) vcpu->kick();
  });

  BiosConfig bc;
  bc.floppy[0] = floppy;
  bc.hard_disk[0] = hda;
  bc.verbose = config.verbose;
  bc.font8x16 = config.font8x16;
  bc.on_teletype = config.on_teletype;
  bc.on_message = config.on_message;
  bc.now_ns = clock.now_ns;
  if (deterministic_) bc.start_time = kDeterministicEpoch;
  if (kernel) {
    // At every POST (power-on and reset, as QEMU's loader ROM does) the
    // kernel is loaded afresh and the CPU starts at its entry.
    bc.boot = [this, append = config.append, entry = config.linux_entry](CpuState& s) {
      std::vector<E820Entry> e820;
      for (const Bios::MemoryRange& r : bios->memory_map()) e820.push_back({r.base, r.size, r.type});
      LinuxPlan plan = plan_linux(*kernel, initrd.size(), append, mem.ram_size());
      load_linux(mem, *kernel, initrd, append, plan, entry, e820, s);
    };
  }
  bios = std::make_unique<Bios>(mem, bc);
  bios->install(ports);

  EngineKind kind = config.deterministic && config.engine == EngineKind::Auto ? EngineKind::Soft : config.engine;
  std::string why_not_kvm;
  if (kind == EngineKind::Auto) {
    // The faster engine on this host, by a short calibration run on each.
    std::optional<double> kvm_s;
    if (kvm_available(&why_not_kvm)) kvm_s = calibration_seconds(EngineKind::Kvm);
    std::optional<double> soft_s = calibration_seconds(EngineKind::Soft);
    char why[160];
    if (kvm_s && soft_s) {
      kind = *kvm_s < *soft_s ? EngineKind::Kvm : EngineKind::Soft;
      std::snprintf(why, sizeof why, "%s: a 40,000-instruction real-mode loop took %.2f ms on kvm and %.2f ms on soft",
                    kind == EngineKind::Kvm ? "kvm" : "soft", *kvm_s * 1e3, *soft_s * 1e3);
    } else if (soft_s) {
      kind = EngineKind::Soft;
      std::snprintf(why, sizeof why, "soft: KVM cannot run here (%s)",
                    why_not_kvm.empty() ? "its calibration run failed" : why_not_kvm.c_str());
    } else if (kvm_s) {
      kind = EngineKind::Kvm;
      std::snprintf(why, sizeof why, "kvm: this build has no software engine");
    } else {
      throw MachineError("no engine can run here: " + why_not_kvm);
    }
    engine_reason = why;
  }
  if (kernel && kernel->kernel_64 && kind == EngineKind::Soft)  // else a silent guest until the timeout
    throw MachineError("--kernel: " + config.kernel +
                       " is a 64-bit kernel (xloadflags XLF_KERNEL_64) and the software engine has no long mode: "
                       "use an i686 (32-bit) kernel, or --engine kvm on a host whose KVM can run it");
  try {
    if (kind == EngineKind::Kvm) {
      std::unique_ptr<Vcpu> assist;
#ifdef PXOS_HAVE_SOFT
      assist = make_soft_vcpu(mem, mmio, SoftOptions{true, 1});
#endif
      vcpu = make_kvm_vcpu(mem, std::move(assist));
      if (engine_reason.empty()) engine_reason = "kvm: chosen with --engine kvm";
    } else {
#ifdef PXOS_HAVE_SOFT
      SoftOptions so;
      so.deterministic = config.deterministic;
      so.translate = config.jit;
      so.clock = time.instruction_clock();
      vcpu = make_soft_vcpu(mem, mmio, so);
      if (engine_reason.empty()) engine_reason = "soft: chosen with --engine soft";
#else
      throw MachineError("this build has no software engine");
#endif
    }
  } catch (const MachineError&) {
    throw;
  } catch (const std::exception& e) {
    throw MachineError(e.what());
  }
  reset_edx_ =
      kind == EngineKind::Soft ? 0x0619 : cpuid_bits::kSignature;  // the CPU signature each engine's CPUID reports
  vcpu->set_state(power_on_state());
  bios->attach(vcpu.get());
  if (kind == EngineKind::Kvm)
    time.start(GuestTime::Mode::Wall);
  else
    time.start(deterministic_ ? GuestTime::Mode::Deterministic : GuestTime::Mode::Paced,
               [this] { return vcpu->instructions_retired(); });
  if (!deterministic_) cmos->start_at_host_time();
}

Machine::~Machine() = default;

CpuState Machine::power_on_state() const {
  CpuState s = reset_state();
  s.gpr[EDX] = reset_edx_;
  return s;
}

void Machine::press_key(const KeyStroke& k) {
  if (keys_to_serial_)
    pending_serial_.insert(pending_serial_.end(), k.terminal.begin(), k.terminal.end());
  else
    pending_keys_.push_back(k.scancodes);
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
    kbc->key_event(pending_keys_.front());
    pending_keys_.pop_front();
  }
}

std::vector<int> Machine::input_fds() const {
  std::vector<int> fds;
  for (const Uart* u : {com1.get(), com2.get()})
    if (int fd = u->input_fd(); fd >= 0) fds.push_back(fd);
  return fds;
}

uint64_t Machine::run_timers() {
  uint64_t now = clock.now_ns();
  uint64_t next = kNoEvent;
  for (TimerCallback& t : timers) next = std::min(next, t(now));
  if (uint64_t w = bios->wait_deadline_ns()) next = std::min(next, std::max(w, now));
  return next;
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
  os << "last POST code: " << int(post_code.last) << "\n";
  pic.print_stats(os);
  pit->print_stats(os);
  cmos->print_stats(os);
  kbc->print_stats(os);
  com1->print_stats(os);
  com2->print_stats(os);
  vga->print_stats(os);
  pixel->print_stats(os);
}

}  // namespace pxos
