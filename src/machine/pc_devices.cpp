// The PC's devices, in the order they join the machine (kvmtool's init
// lists): each joins the port bus and the device list (machine/device_list.h),
// which gives the monitor its timers and --verbose its counters. Adding a
// device is its own files and a line here.
#include <memory>

#include "devices/acpi_pm.h"
#include "devices/cmos.h"
#include "devices/exit_port.h"
#include "devices/pci_bridges.h"
#include "devices/pit.h"
#include "devices/port92.h"
#include "devices/post_code.h"
#include "machine/machine.h"

namespace pxos {

namespace {

// Passes COM1's output on to its backend and keeps its tail, so --until-text
// and --expect can see serial output.
class CapturingSerial final : public SerialBackend {
 public:
  CapturingSerial(std::unique_ptr<SerialBackend> inner, OutputTail* tail) : inner_(std::move(inner)), tail_(tail) {}
  void write(std::span<const uint8_t> bytes) override {
    inner_->write(bytes);
    tail_->append(bytes);
  }
  size_t read(std::span<uint8_t> buf) override { return inner_->read(buf); }
  bool has_input() const override { return inner_->has_input(); }
  int poll_fd() const override { return inner_->poll_fd(); }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<SerialBackend> inner_;
  OutputTail* tail_;
};

}  // namespace

void Machine::add_devices(const MachineConfig& config) {
  debugcon.out = config.debugcon;
  devices.join("debugcon", debugcon);
  devices.own("post-code", std::make_unique<PostCode>());
  devices.join("pic", pic);
  devices.own("pit", std::make_unique<Pit>(clock, pic.line(0)));
  cmos_ = &devices.own("cmos", deterministic_ ? std::make_unique<Cmos>(clock, pic.line(8), kDeterministicEpoch)
                                              : std::make_unique<Cmos>(clock, pic.line(8)));
  kbc = std::make_unique<I8042>(pic.line(1), pic.line(12));
  Port92& port92 = devices.own("port92", std::make_unique<Port92>());
  // A20 is on when either the keyboard controller or port 92h enables it; both
  // can pulse the CPU's reset line.
  auto a20_changed = [this, &port92](bool) { mem.set_a20(kbc->a20() || port92.a20()); };
  auto reset_line = [this] {
    reset_requested = true;
    if (vcpu) vcpu->kick();
  };
  kbc->on_a20 = port92.on_a20 = a20_changed;
  kbc->on_reset = port92.on_reset = reset_line;
  devices.join("i8042", *kbc);
  devices.join("ps2-mouse", kbc->mouse());  // on the 8042's AUX port: its counters
  // ACPI's PM registers (the FADT the BIOS builds points at them): S5 powers off.
  AcpiPm& pm = devices.own("acpi-pm", std::make_unique<AcpiPm>(clock, pic.line(AcpiPm::kSciIrq)));
  pm.on_power_off = [this] { power_off("ACPI S5"); };
  try {
    com1 = std::make_unique<Uart>(
        Uart::kCom1Base, pic.line(Uart::kCom1Irq),
        std::make_shared<CapturingSerial>(parse_serial_backend(config.serial, config.serial_input_fd), &serial_out_));
    com2 = std::make_unique<Uart>(Uart::kCom2Base, pic.line(Uart::kCom2Irq),
                                  std::shared_ptr<SerialBackend>(parse_serial_backend(config.serial2)));
  } catch (const SerialBackendError& e) {
    throw MachineError(std::string("--serial: ") + e.what());
  }
  devices.join("com1", *com1);
  devices.join("com2", *com2);
  pci = std::make_unique<PciBus>(mmio, [this](int irq) { return pic.line(irq); });
  devices.join("pci", *pci);
  devices.own("pci-host", std::make_unique<PciHostBridge>(*pci));
  devices.own("pci-isa", std::make_unique<PciIsaBridge>(*pci));
  add_virtio_disks();
  vga = std::make_unique<Vga>(clock);
  devices.join("vga", *vga);
  if (config.vbe) add_vbe();
  add_display_memory();
  try {
    pixel = std::make_unique<PixelDevice>(
        mem, *com1, [this](int irq) { return pic.line(irq); }, config.pixel_backend, clock, config.pixel_trace,
        deterministic_);
  } catch (const std::runtime_error& e) {
    throw MachineError(e.what());
  }
  devices.join("pixel", *pixel);
  add_exit_port(ports, [this](int status) {
    if (!exit_status) exit_status = status;
    if (vcpu) vcpu->kick();
  });
}

// --disk: each image a virtio-blk function, /dev/vda on device 3, vdb on 4, ...
void Machine::add_virtio_disks() {
  for (size_t i = 0; i < virtio_disks.size(); ++i) {
    VirtioDisk& d = virtio_disks[i];
    std::string name = std::string("virtio-blk vd") + char('a' + i);
    d.blk = std::make_unique<VirtioBlk>(name, *d.image, "pxos-vd" + std::string(1, char('a' + i)));
    d.transport = std::make_unique<VirtioPci>(name, mem, *d.blk);
    d.transport->join(*pci, kFirstVirtioDisk + int(i));
    devices.join(name, *d.transport);
  }
}

// The VBE display over the VGA's DAC.
void Machine::add_vbe() {
  Vga* v = vga.get();
  vbe = std::make_unique<Vbe>(mem, [v](uint8_t i) { return v->dac(i); });
  devices.join("vbe", *vbe);
}

// A0000h-BFFFFh is a device window on every machine (MemoryLayout): the VBE's
// bank window at A0000h-AFFFFh while DISPI is enabled, else the VGA's memory.
// (Vga::attach_memory with the VBE's bank in front.)
void Machine::add_display_memory() {
  mmio.add("vga-window", Vga::kWindowBase, Vga::kWindowSize,
           [this](uint64_t off, std::span<uint8_t> data, bool is_write) {
             if (vbe && vbe->enabled() && off < Vbe::kBankSize) return vbe->bank_access(off, data, is_write);
             vga->window_access(off, data, is_write);
           });
}

}  // namespace pxos
