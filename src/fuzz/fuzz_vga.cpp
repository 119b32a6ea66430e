// libFuzzer target: the VGA as a hostile guest drives it, through its ports
// and its memory window, with renders in between. Each step is an opcode
// byte and its operands:
//   op & 7 == 0  port write: port (byte index into kPorts), value
//            1  port read: port index
//            2  memory write through the MMIO bus: bits 4-5 size (1, 2, 4,
//               8), address u32 (mostly inside A0000h-BFFFFh), bytes
//            3  memory read through the MMIO bus: size bits as above, address
//            4  a whole mode from the BIOS tables (number u8), its palette
//            5  the clock moves on by u16 * 100 us (cursor and text blink)
//            6  render into the frame (at most kRenders per input; an input
//               that asks for none gets one at its end)
//            7  a direct plane write: plane u8, offset u16, value
// After every render the frame must be within the size bounds, hold
// width * height pixels and have its dirty rectangle inside it, and a
// second render right after it must draw nothing.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "devices/vga.h"
#include "devices/vga_modes.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"

using namespace pxos;

namespace {

constexpr uint16_t kPorts[] = {0x3C0, 0x3C1, 0x3C2, 0x3C3, 0x3C4, 0x3C5, 0x3C6, 0x3C7, 0x3C8, 0x3C9, 0x3CA,
                               0x3CC, 0x3CE, 0x3CF, 0x3D4, 0x3D5, 0x3DA, 0x3B4, 0x3B5, 0x3BA, 0x3BF, 0x3DF};
constexpr int kRenders = 2;  // a render is most of an input's time

void check(const Frame& f) {
  bool ok = f.width >= 1 && f.height >= 1 && f.width <= Vga::kMaxWidth && f.height <= Vga::kMaxHeight &&
            f.pixels.size() == size_t(f.width) * size_t(f.height);
  if (!f.dirty.empty())
    ok =
        ok && f.dirty.x >= 0 && f.dirty.y >= 0 && f.dirty.x + f.dirty.w <= f.width && f.dirty.y + f.dirty.h <= f.height;
  if (!ok) std::abort();
}

// A render, then another with nothing changed in between, which must draw
// nothing (the clock stands still, so the blink cannot flip either).
void render_twice(Vga& vga, Frame& frame) {
  (void)vga.render(frame);
  check(frame);
  if (vga.render(frame) || !frame.dirty.empty()) std::abort();
}

uint64_t mmio_address(fuzz::Input& in) {
  uint32_t a = in.u32();
  return (a & 0x80000000u) ? a : Vga::kWindowBase + a % (Vga::kWindowSize + 16);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint64_t now = 0;
  Vga vga{GuestClock{[&now] { return now; }}};
  PortBus ports;
  MmioBus mmio;
  vga.attach(ports);
  vga.attach_memory(mmio);
  Frame frame;
  int renders = 0;
  unsigned steps = 0;
  while (!in.empty() && steps++ < 8192) {
    uint8_t op = in.u8();
    size_t width = size_t(1) << ((op >> 4) & 3);
    switch (op & 7) {
      case 0: ports.write(kPorts[in.u8() % std::size(kPorts)], 1, in.u8()); break;
      case 1: (void)ports.read(kPorts[in.u8() % std::size(kPorts)], 1); break;
      case 2: {
        uint64_t address = mmio_address(in);
        std::vector<uint8_t> bytes(width);
        for (uint8_t& b : bytes) b = in.u8();
        (void)mmio.access(address, bytes, true);
        break;
      }
      case 3: {
        std::vector<uint8_t> bytes(width);
        (void)mmio.access(mmio_address(in), bytes, false);
        break;
      }
      case 4: {
        int mode = (op & 0x80) ? kVgaModeX : in.u8();
        if (auto regs = vga_mode_registers(mode)) {
          vga_program_mode(vga, *regs);
          vga_load_palette(vga, vga_mode_palette(mode));
        }
        break;
      }
      case 5: now += uint64_t(in.u16()) * 100'000; break;
      case 6:
        if (renders++ < kRenders) render_twice(vga, frame);
        break;
      default: {
        int plane = in.u8() % 5;  // 4 is out of range: an empty span
        uint16_t offset = in.u16();
        uint8_t value = in.u8();
        std::span<uint8_t> p = vga.plane(plane);
        if (!p.empty()) p[offset] = value;
        break;
      }
    }
  }
  if (renders == 0) render_twice(vga, frame);
  return 0;
}
