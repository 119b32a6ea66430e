// libFuzzer target: configuration-space and port traffic against PCI bus 0
// (the host and ISA bridges, and three functions with I/O and memory BARs
// and INTx pins, one of them multi-function), after the BIOS's POST
// enumerated it, as a hostile guest would drive it. Each step is an opcode
// byte and its operands:
//   op & 7 == 0  a dword to the address register (CF8h): u32
//             1  a data port access: bits 3-4 the offset in CFCh-CFFh, bits
//                5-6 the size (1, 2, 4, 4), bit 7 write; then a u32 for a write
//             2  a configuration write straight to the bus: device u8,
//                function u8, register u8, size as above, value u32
//             3  any port access: port u16, bits 5-6 the size, bit 7 write, u32
//             4  an MMIO access: address u32, 1-8 bytes, bit 7 write
//             5  a function's INTx: which u8, level bit 7
//             6  INT 1Ah AX=B1xxh: AL, BX, ECX, DI, ES, and for B10Eh a buffer
//                header at ES:DI (size, offset, segment) from the input
//             7  POST again (it sizes and reassigns every BAR; twice an input at most)
// After each step the interrupt router's levels must be what the functions'
// pins say (the OR of each PIRQ's functions, through the routes), and every
// BAR that decodes must sit where its register points.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bios/bios.h"
#include "devices/pci_bridges.h"
#include "devices/pci_bus.h"
#include "devices/pic.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"
#include "vm/memory.h"
#include "vm/pci_regs.h"

using namespace pxos;

namespace {

GuestMemory& memory() {
  static GuestMemory mem(GuestMemory::kMinRam);
  return mem;
}

struct FuzzFunction {
  PciFunction fn;
  int device;
  FuzzFunction(const char* name, int dev, uint8_t pin, uint32_t io_size, uint32_t mem_size)
      : fn(name, {.vendor = 0x1AF4, .device = uint16_t(0x1000 + dev)}), device(dev) {
    IoCallback echo = [](uint64_t off, std::span<uint8_t> d, bool w) {
      if (!w) std::fill(d.begin(), d.end(), uint8_t(off));
    };
    fn.set_bar(0, {.kind = PciBar::Kind::Io, .size = io_size, .access = echo});
    fn.set_bar(1, {.kind = PciBar::Kind::Memory, .size = mem_size, .access = echo});
    fn.set_bar(5, {.kind = PciBar::Kind::Memory, .size = 16, .prefetchable = true, .access = echo});
    fn.set_interrupt_pin(pin);
    fn.init_register(0x40, 4, 0x12345678, 0xFFFF00FF, 0x0000FF00);
  }
};

void check(bool ok) {
  if (!ok) std::abort();
}

// The router drives what the pins and routes say.
void check_interrupts(PciBus& bus) {
  bool pirq[pci::kPirqCount] = {};
  for (int d = 0; d < pci::kDevices; ++d)
    for (int f = 0; f < pci::kFunctions; ++f)
      if (PciFunction* fn = bus.function(d, f); fn && fn->interrupt_pin() && fn->intx_to_router())
        pirq[pci::pirq_of(d, fn->interrupt_pin())] = true;
  bool irq[PciIrqRouter::kIrqs] = {};
  for (int p = 0; p < pci::kPirqCount; ++p) {
    check(bus.router().pirq_level(p) == pirq[p]);
    if (int n = bus.router().irq_of(p); n >= 0 && pirq[p]) irq[n] = true;
  }
  for (int n = 0; n < PciIrqRouter::kIrqs; ++n) check(bus.router().irq_level(n) == irq[n]);
}

// Every BAR that decodes is where its register points, with its space on.
void check_bars(PciFunction& fn) {
  for (int i = 0; i < pci::kBarCount; ++i) {
    if (!fn.mapped_at(i)) continue;
    check(*fn.mapped_at(i) == fn.bar_address(i) && fn.bar_address(i) != 0);
    uint16_t space = fn.bar(i).kind == PciBar::Kind::Io ? pci::kCommandIo : pci::kCommandMemory;
    check(fn.command() & space);
  }
}

uint8_t size_of(uint8_t op) { return uint8_t(std::min(4, 1 << ((op >> 5) & 3))); }

void bios_call(Bios& bios, GuestMemory& mem, fuzz::Input& in) {
  CpuState s;
  s.gpr[EAX] = 0xB100u | in.u8();
  s.gpr[EBX] = in.u16();
  s.gpr[ECX] = in.u32();
  s.gpr[EDX] = in.u16();
  s.gpr[ESI] = in.u16();
  s.gpr[EDI] = in.u16();
  s.load_real_segment(ES, in.u16());
  if ((s.gpr[EAX] & 0xFF) == 0x0E) {
    uint32_t at = mem.real_linear(uint16_t(s.seg[ES].selector), uint16_t(s.gpr[EDI]));
    for (int k = 0; k < 6; k += 2) mem.write16(at + k, in.u16());
  }
  BiosCall c{s, flag::FIXED1, 0x1A};
  bios.dispatch(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  GuestMemory& mem = memory();
  mem.zero_ram();
  PortBus ports;
  MmioBus mmio;
  Pic pic;
  pic.attach(ports);
  PciBus bus{mmio, [&pic](int irq) { return pic.line(irq); }};
  bus.attach(ports);
  PciHostBridge host{bus};
  PciIsaBridge isa{bus};
  FuzzFunction a{"a", 3, 1, 32, 0x1000}, b{"b", 7, 1, 256, 0x4000}, c{"c", 7, 3, 4, 16};
  FuzzFunction* functions[] = {&a, &b, &c};
  bus.add(3, 0, a.fn);
  bus.add(7, 0, b.fn);
  bus.add(7, 2, c.fn);
  mmio.add("vga-window", 0xA0000, 0x20000, [](uint64_t, std::span<uint8_t>, bool) {});
  Bios bios(mem, BiosConfig{});
  bios.install(ports);
  CpuState cpu;
  bios.post(cpu);

  unsigned steps = 0, posts = 0;
  while (!in.empty() && steps++ < 4096) {
    uint8_t op = in.u8();
    switch (op & 7) {
      case 0: ports.write(pci::kAddressPort, 4, in.u32()); break;
      case 1: {
        uint16_t port = uint16_t(pci::kDataPort + ((op >> 3) & 3));
        if (op & 0x80)
          ports.write(port, size_of(op), in.u32());
        else
          (void)ports.read(port, size_of(op));
        break;
      }
      case 2: {
        int device = in.u8() % 40, function = in.u8() % 10;  // some out of range
        uint8_t reg = in.u8();
        bus.write(device, function, reg, size_of(op), in.u32());
        break;
      }
      case 3: {
        uint16_t port = in.u16();
        uint32_t v = in.u32();
        if (op & 0x80)
          ports.write(port, size_of(op), v);
        else
          (void)ports.read(port, size_of(op));
        break;
      }
      case 4: {
        uint8_t buf[8] = {};
        uint64_t address = in.u32();
        std::span<uint8_t> d(buf, 1 + in.u8() % 8);
        (void)mmio.access(address, d, op & 0x80);
        break;
      }
      case 5: functions[in.u8() % 3]->fn.set_intx(op & 0x80); break;
      case 6: bios_call(bios, mem, in); break;
      case 7:
        if (posts++ < 2) bios.post(cpu);
        break;
    }
    check_interrupts(bus);
    for (FuzzFunction* f : functions) check_bars(f->fn);
  }
  return 0;
}
