// libFuzzer target: port I/O sequences against every device model on one
// port bus, with a fake clock, as a hostile guest would drive them. Each
// step is an opcode byte and its operands:
//   op & 7 == 0..3  port access: bit 3 write, bits 4-5 size (1, 2, 4), bit 6
//                   a raw 16-bit port (else one from the devices' table);
//                   then the port (byte index or u16) and, for a write, u32
//   4               the clock moves on by u16 * 1000 ns; timers run; with
//                   bit 3 the VBE display draws its picture
//   5               bit 3 clear: the CPU acknowledges a pending interrupt;
//                   bit 3 set: a guest-memory patch (address u32, length u8,
//                   bytes), e.g. a PXI program for the pixel device; bits 3
//                   and 4 set: an access to the VBE bank window (offset u32
//                   into A0000h-BFFFFh, 1-8 bytes, bit 5 write)
//   6               host input: bit 7 clear and bit 6 clear: a keyboard
//                   scancode and a serial byte; bit 6 set: a mouse event
//                   (dx, dy as i16, dz i8, buttons u8); bit 7 set: a byte for
//                   the mouse through the 8042 (64h D4h, then 60h), and with
//                   bit 6 also the replies read back from 60h
//   7               a BIOS trap (OUT to F5h) from a fuzzed register frame
// The BIOS is installed too, and its trap handler sees a fake vCPU whose
// state (CS:IP, SS:SP, the stack) comes from the input. The pixel device
// runs its programs on the cpu backend, synchronously (as --deterministic
// does), so a run depends on its input only.
#include <cstdint>
#include <cstring>
#include <memory>

#include "bios/bios.h"
#include "devices/acpi_pm.h"
#include "devices/cmos.h"
#include "devices/debugcon.h"
#include "devices/exit_port.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/pixel.h"
#include "devices/port92.h"
#include "devices/post_code.h"
#include "devices/uart.h"
#include "devices/vbe.h"
#include "devices/vga.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"
#include "vm/memory.h"

using namespace pxos;

namespace {

// The ports the devices claim, and their neighbours.
constexpr uint16_t kPorts[] = {
    0x20,  0x21,  0xA0,  0xA1,  0x4D0, 0x4D1, 0x40,  0x41,  0x42,  0x43,  0x61,  0x70,  0x71,  0x60,  0x64,  0x92,
    0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x3FF, 0x2F8, 0x2FD, 0x3C0, 0x3C1, 0x3C4, 0x3C5, 0x3C7, 0x3C8,
    0x3C9, 0x3CC, 0x3CE, 0x3CF, 0x3D4, 0x3D5, 0x3DA, 0x3BA, 0x3B4, 0x3B5, 0xE9,  0x80,  0xF5,  0x22,  0x72,  0x73,
    0x3C2, 0x3CA, 0x3D8, 0x3D9, 0x44,  0x65,  0x5A0, 0x5A4, 0x5A8, 0x5A9, 0x5AA, 0x5AB, 0x5AC, 0x5B0, 0x5B4, 0x5B8,
    0x5BC, 0x5BF, 0x1CE, 0x1CF, 0x1D0, 0x1CD, 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x608, 0x60B, 0x60F, 0x610};

GuestMemory& memory() {
  // A 1 MiB framebuffer: VBE modes larger than that are refused, and a mode
  // set clears little.
  static GuestMemory mem(GuestMemory::kMinRam, {.framebuffer_bytes = 1u << 20});
  return mem;
}

// The vCPU the BIOS trap handler asks for the caller's registers.
class FakeVcpu final : public Vcpu {
 public:
  CpuState s;
  Exit run() override { return {}; }
  CpuState state() override { return s; }
  void set_state(const CpuState& n) override { s = n; }
  bool can_inject() override { return true; }
  void inject_interrupt(uint8_t) override {}
  void request_irq_window(bool) override {}
  void kick() override {}
  std::string name() const override { return "fuzz"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  GuestMemory& mem = memory();
  mem.zero_ram();  // only the pages the last input touched cost anything
  mem.set_a20(true);

  uint64_t now = 0;
  GuestClock clock{[&now] { return now; }};
  PortBus bus;
  Pic pic;
  Pit pit{clock, pic.line(0)};
  Cmos cmos{clock, pic.line(8), std::time_t(0)};
  I8042 kbc{pic.line(1), pic.line(12)};
  Port92 port92;
  Uart com1{Uart::kCom1Base, pic.line(Uart::kCom1Irq)};
  Uart com2{Uart::kCom2Base, pic.line(Uart::kCom2Irq)};
  Vga vga{clock};
  DebugConsole debugcon;  // out = nullptr: bytes are captured only
  PostCode post_code;
  int exit_status = -1;
  bool reset = false;
  PixelDevice pixel{mem, com1, [&pic](int irq) { return pic.line(irq); }, "cpu", clock, "", true};
  Vbe vbe{mem, [&vga](uint8_t i) { return vga.dac(i); }};
  AcpiPm pm{clock, pic.line(AcpiPm::kSciIrq)};
  bool powered_off = false;
  Frame frame;
  pic.attach(bus);
  pit.attach(bus);
  cmos.attach(bus);
  kbc.attach(bus);
  port92.attach(bus);
  com1.attach(bus);
  com2.attach(bus);
  vga.attach(bus);
  debugcon.attach(bus);
  post_code.attach(bus);
  pixel.attach(bus);
  vbe.attach(bus);
  pm.attach(bus);
  pm.on_power_off = [&powered_off] { powered_off = true; };
  add_exit_port(bus, [&exit_status](int s) { exit_status = s; });
  kbc.on_a20 = [&mem](bool on) { mem.set_a20(on); };
  port92.on_a20 = [&mem](bool on) { mem.set_a20(on); };
  kbc.on_reset = [&reset] { reset = true; };
  port92.on_reset = [&reset] { reset = true; };

  BiosConfig cfg;
  cfg.now_ns = clock.now_ns;
  cfg.start_time = std::time_t(0);
  cfg.on_teletype = [](char) {};
  cfg.acpi = acpi::Platform{AcpiPm::kEvtPort, AcpiPm::kCntPort, AcpiPm::kTmrPort, uint8_t(AcpiPm::kSciIrq), 0x64, 0xFE};
  Bios bios(mem, cfg);
  bios.install(bus);
  FakeVcpu vcpu;
  bios.attach(&vcpu);
  bios.post(vcpu.s);  // programs the PICs, the PIT, the 8042 and the CMOS through their ports

  std::vector<TimerCallback> timers = {pit.timer(),  cmos.timer(),  com1.timer(),
                                       com2.timer(), pixel.timer(), pm.timer()};
  unsigned steps = 0;
  while (!in.empty() && steps++ < 4096) {
    uint8_t op = in.u8();
    switch (op & 7) {
      case 4: {
        now += uint64_t(in.u16()) * 1000;
        for (auto& t : timers) (void)t(now);
        if (op & 8) (void)vbe.render(frame);
        break;
      }
      case 5:
        if ((op & 0x18) == 0x18) {
          uint8_t buf[8] = {};
          std::span<uint8_t> d(buf, 1 + in.u8() % 8);
          uint64_t off = in.u32() % 0x20000;
          bool write = op & 0x20;
          if (write) {
            std::span<const uint8_t> b = in.bytes(d.size());
            if (!b.empty()) std::memcpy(buf, b.data(), b.size());
          }
          vbe.bank_access(off, d, write);
        } else if (op & 8) {
          uint32_t addr = in.u32() % uint32_t(mem.ram_size());
          (void)mem.write(addr, in.bytes(in.u8()));
        } else if (pic.intr_pending()) {
          (void)pic.acknowledge();
        }
        break;
      case 6: {
        if (op & 0x80) {  // the AUX port, as a driver talks to the mouse
          bus.write(0x64, 1, 0xD4);
          bus.write(0x60, 1, in.u8());
          for (int i = 0; (op & 0x40) && i < 8 && (bus.read(0x64, 1) & 1); ++i) (void)bus.read(0x60, 1);
          break;
        }
        if (op & 0x40) {
          int dx = int16_t(in.u16()), dy = int16_t(in.u16()), dz = int8_t(in.u8());
          kbc.mouse_event(dx, dy, dz, in.u8());
          break;
        }
        uint8_t code[2] = {in.u8(), in.u8()};
        kbc.key_event(std::span<const uint8_t>(code, (op & 0x10) ? 2 : 1));
        uint8_t b = in.u8();
        ((op & 0x20) ? com2 : com1).receive(std::span<const uint8_t>(&b, 1));
        break;
      }
      case 7: {
        // A trap from anywhere in the ROM's stub area (or anywhere at all),
        // with a fuzzed stack frame.
        CpuState s;
        for (int g = 0; g < 8; ++g) s.gpr[g] = in.u32();
        s.load_real_segment(CS, (op & 0x80) ? in.u16() : uint16_t(0xF000));
        s.eip = in.u16();
        s.load_real_segment(SS, in.u16());
        s.load_real_segment(DS, in.u16());
        s.load_real_segment(ES, in.u16());
        if (op & 0x40) s.cr0 |= 1;
        uint32_t sp = s.seg[SS].base + s.r16(ESP);
        for (int k = 0; k < 6; k += 2) mem.write16(sp + k, in.u16());
        vcpu.s = s;
        bus.write(rom::kTrapPort, 1, 0);
        break;
      }
      default: {
        bool write = op & 8;
        uint8_t sz = uint8_t(1u << ((op >> 4) & 3));
        if (sz > 4) sz = 4;
        uint16_t port = (op & 0x40) ? in.u16() : kPorts[in.u8() % std::size(kPorts)];
        if (port == kExitPort && write) {
          bus.write(port, sz, in.u32());
          exit_status = -1;
        } else if (write) {
          bus.write(port, sz, in.u32());
        } else {
          (void)bus.read(port, sz);
        }
        break;
      }
    }
    reset = powered_off = false;
  }
  return 0;
}
