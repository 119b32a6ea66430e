// libFuzzer target: every BIOS service on fuzzed registers and fuzzed guest
// memory. The input is
//   [a20] [memory patches: count, then (address u32, length u8, bytes)...]
//   then call frames of 38 bytes: vector, the 8 general registers (32 bits
//   each), ES, DS, and the caller's FLAGS.
// The BIOS is installed on a port bus with the real device models, with a
// floppy and a small hard disk attached, so INT 13h (including the AH=4xh
// extensions with their DS:SI packets), INT 15h AH=87h (ES:SI descriptor
// tables) and E820h (ES:DI buffers) reach real code; INT 10h reaches the
// VGA's planes (fonts, pixels, pages) and its registers.
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "bios/bios.h"
#include "devices/cmos.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port92.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "devices/vga_modes.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"
#include "vm/memory.h"

using namespace pxos;

namespace {

GuestMemory& memory() {
  static GuestMemory mem(2u << 20);  // past 1 MiB, so AH=87h can copy into extended memory
  return mem;
}

// The disks outlive the inputs (building 3 MB of images per input was most
// of the cost): each input starts by discarding the writes of the last one.
DiskImage& floppy() {
  static DiskImage d = DiskImage::from_bytes(std::vector<uint8_t>(1474560, 0xF6), DiskImage::Kind::Floppy);
  return d;
}
DiskImage& hard_disk() {
  static DiskImage d = DiskImage::from_bytes(std::vector<uint8_t>(16 * 63 * 3 * 512, 0x5A), DiskImage::Kind::HardDisk);
  return d;
}

// Everything else but the guest memory is made afresh for each input, so a
// run depends on its input only.
struct Rig {
  uint64_t now = 0;
  GuestMemory& mem = memory();
  PortBus ports;
  Pic pic;
  GuestClock clock{[this] { return now; }};
  Pit pit{clock, pic.line(0)};
  Cmos cmos{clock, pic.line(8), std::time_t(0)};
  I8042 kbc{pic.line(1), pic.line(12)};
  Port92 port92;
  Uart com1{Uart::kCom1Base, pic.line(Uart::kCom1Irq)};
  Vga vga{clock};
  DiskImage& floppy = ::floppy();
  DiskImage& hd = hard_disk();
  std::unique_ptr<Bios> bios;

  Rig() {
    floppy.discard_writes();
    hd.discard_writes();
    pic.attach(ports);
    pit.attach(ports);
    cmos.attach(ports);
    kbc.attach(ports);
    port92.attach(ports);
    com1.attach(ports);
    vga.attach(ports);
    kbc.on_a20 = [this](bool on) { mem.set_a20(on); };
    port92.on_a20 = [this](bool on) { mem.set_a20(on); };
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  Rig r;
  GuestMemory& mem = r.mem;
  mem.zero_ram();  // only the pages the last input touched cost anything
  mem.set_a20(true);
  r.now = 0;
  BiosConfig cfg;
  cfg.floppy[0] = &r.floppy;
  cfg.hard_disk[0] = &r.hd;
  cfg.now_ns = [&r] { return r.now; };
  cfg.start_time = std::time_t(0);
  cfg.on_teletype = [](char) {};
  cfg.on_message = [](const std::string&) {};
  cfg.verbose = true;
  // The VGA's planes and mode tables, not its CPU window: text stays in guest
  // RAM (through the window, each mode set's 32 KiB clear made the target
  // 50 times slower), fonts and pixels go to the planes.
  Vga* v = &r.vga;
  cfg.video.plane = [v](int index) { return v->plane(index); };
  cfg.video.set_mode = [v](uint8_t mode) {
    std::optional<VgaModeRegs> regs = vga_mode_registers(mode & 0x7F);
    if (!regs) return false;
    vga_program_mode(*v, *regs);
    vga_load_palette(*v, vga_mode_palette(mode & 0x7F));
    return true;
  };
  cfg.font8x16.assign(256 * 16, 0x5A);
  cfg.font8x14.assign(256 * 14, 0x3C);
  cfg.font8x8.assign(256 * 8, 0x18);
  r.bios = std::make_unique<Bios>(mem, cfg);
  r.bios->install(r.ports);
  CpuState boot;
  r.bios->post(boot);

  const uint8_t a20 = in.u8();
  const unsigned patches = in.u8() % 8;
  for (unsigned i = 0; i < patches; ++i) {
    uint32_t addr = in.u32() % uint32_t(mem.ram_size());
    auto b = in.bytes(in.u8());
    (void)mem.write(addr, b);
  }
  mem.set_a20(a20 & 1);

  while (in.left() >= 8) {
    CpuState s;
    uint8_t vector = in.u8();
    if (!(vector & 0x80)) vector = uint8_t(0x10 + (vector & 0x0F));  // mostly the BIOS's own vectors
    for (int g = 0; g < 8; ++g) s.gpr[g] = in.u32();
    s.load_real_segment(ES, in.u16());
    s.load_real_segment(DS, in.u16());
    uint16_t flags = uint16_t(in.u16() | flag::FIXED1);
    BiosCall c{s, flags, vector};
    r.bios->dispatch(c);
    r.now += 1000000;  // time moves on between calls (INT 15h AH=86h waits)
  }
  return 0;
}
