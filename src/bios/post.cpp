// POST: the power-on self test fills the vector table and the BIOS data
// area, programs the PC's chips, clears the screen and sets up the boot
// stack.
#include "bios/post.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>

#include "bios/acpi_tables.h"
#include "bios/mouse.h"
#include "bios/pci_post.h"
#include "bios/system.h"
#include "bios/timer.h"
#include "bios/video.h"
#include "bios/video_state.h"

namespace pxos {

namespace {
// Vectors with a service in the monitor; the rest point at a bare IRET.
// (INT 14h serial, 15h system, 17h printer included; 28h, DOS's idle call,
// until DOS takes it over.)
constexpr uint8_t kServiced[] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x28};

// The BIOS tick count (18.2065 Hz) of the local time now, to the tick (or of
// a fixed start time, deterministic).
uint32_t ticks_since_midnight(std::optional<std::time_t> start) {
  timespec t{start ? *start : 0, 0};
  if (!start) clock_gettime(CLOCK_REALTIME, &t);
  std::tm local{};
  localtime_r(&t.tv_sec, &local);
  uint64_t ns = uint64_t(local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec) * 1'000'000'000 + uint64_t(t.tv_nsec);
  return uint32_t((unsigned __int128)ns * 1193180 / 65536 / 1'000'000'000);
}

// Every vector at the bare IRET, then the services' stubs, the diskette
// parameter table (INT 1Eh) and the hardware interrupts' handlers.
void set_vectors(GuestMemory& mem, const rom::CodeEntries& code) {
  // Written as one block (RAM holds at least 1 MiB): 512 checked writes
  // were a good part of POST.
  const uint8_t dummy[4] = {uint8_t(rom::kDummyIret), uint8_t(rom::kDummyIret >> 8), uint8_t(rom::kSegment),
                            uint8_t(rom::kSegment >> 8)};
  if (uint8_t* ivt = mem.ram_span(0, 1024))
    for (int v = 0; v < 256; ++v) std::memcpy(ivt + 4 * v, dummy, 4);
  for (uint8_t v : kServiced) mem.write16(v * 4u, rom::stub_offset(v));
  mem.write16(0x1E * 4u, rom::kDisketteParams);
  // Hardware interrupts: IRQ 0-7 at 08h-0Fh, IRQ 8-15 at 70h-77h.
  mem.write16(0x08 * 4u, code.int08);
  mem.write16(0x09 * 4u, code.int09);
  for (uint8_t v = 0x0A; v <= 0x0E; ++v) mem.write16(v * 4u, code.irq_master);
  mem.write16(0x0F * 4u, code.irq7);
  mem.write16(0x70 * 4u, code.int70);
  for (uint8_t v = 0x71; v <= 0x77; ++v) mem.write16(v * 4u, code.irq_slave);
  mem.write16(0x74 * 4u, code.int74);
}

// The BIOS data area (and the EBDA): serial ports, equipment, memory, the
// keyboard buffer, the hard disks, the tick count.
void fill_bda(BiosContext& bios) {
  const BiosConfig& config = bios.config;
  bios.set_bda16(bda::kComPorts + 0, 0x3F8);
  bios.set_bda16(bda::kComPorts + 2, 0x2F8);
  int floppies = (config.floppy[0] ? 1 : 0) + (config.floppy[1] ? 1 : 0);
  uint16_t equipment = 0x0020;  // initial video: 80x25 colour
  if (floppies) equipment |= 0x0001 | uint16_t((floppies - 1) << 6);
  equipment |= 2u << 9;  // two serial ports
  equipment |= kEquipmentMouse;
  bios.set_bda16(bda::kEquipment, equipment);
  bios.set_bda16(bda::kMemoryKiB, uint16_t(kEbdaBase / 1024));
  bios.set_bda16(bda::kEbdaSegment, uint16_t(kEbdaBase >> 4));
  if (uint8_t* ebda = bios.mem.ram_span(kEbdaBase, 1024)) std::memset(ebda, 0, 1024);
  bios.mem.write8(kEbdaBase, 1);  // its size in KiB
  bios.mem.write8(kEbdaBase + ebda::kMouseFlags2, 3 - 1);  // mouse packets of 3 bytes until C205h says otherwise
  bios.set_bda16(bda::kKbdBufStart, bda::kKbdBuffer);
  bios.set_bda16(bda::kKbdBufEnd, bda::kKbdBuffer + 32);
  bios.set_bda16(bda::kKbdHead, bda::kKbdBuffer);
  bios.set_bda16(bda::kKbdTail, bda::kKbdBuffer);
  bios.set_bda8(bda::kHardDiskCount, uint8_t((config.hard_disk[0] ? 1 : 0) + (config.hard_disk[1] ? 1 : 0)));
  bios.mem.write32(bda::kBase + bda::kTicks, ticks_since_midnight(config.start_time));
  bios.set_bda8(bda::kDccIndex, kDccVgaColour);
}

// Sets up the interrupt controllers, the timer and the keyboard controller
// through their ports, as the guest would: PICs at vector bases 08h and 70h
// with IRQ 0, 1, the cascade and 12 (the mouse) unmasked; PIT channel 0 in
// mode 3 with the full count (18.2 Hz).
void program_chips(PortBus& p) {
  p.write(0x20, 1, 0x11);  // ICW1: edge, cascade, ICW4 follows
  p.write(0x21, 1, 0x08);  // ICW2: vector base
  p.write(0x21, 1, 0x04);  // ICW3: slave on IRQ 2
  p.write(0x21, 1, 0x01);  // ICW4: 8086 mode
  p.write(0xA0, 1, 0x11);
  p.write(0xA1, 1, 0x70);
  p.write(0xA1, 1, 0x02);
  p.write(0xA1, 1, 0x01);
  p.write(0x21, 1, 0xF8);  // OCW1: IRQ 0, 1, 2 enabled
  p.write(0xA1, 1, 0xEF);  // IRQ 12 enabled
  p.write(0x43, 1, 0x36);  // channel 0, lobyte/hibyte, mode 3
  p.write(0x40, 1, 0x00);
  p.write(0x40, 1, 0x00);
  // Keyboard controller command byte: system flag, translation, the mouse's
  // interface off until INT 15h AX=C200h enables it, and IRQ 1 off then on,
  // so that a byte already waiting raises a fresh edge at the PIC that was
  // just initialised.
  p.write(0x64, 1, 0x60);
  p.write(0x60, 1, kPostKbcCommandByte & ~0x01);
  p.write(0x64, 1, 0x60);
  p.write(0x60, 1, kPostKbcCommandByte);
  p.write(0x64, 1, 0xD1);  // output port: A20 on, reset line released
  p.write(0x60, 1, 0xDF);
}

// The CMOS configuration bytes (drives, equipment, memory), and their
// checksum.
void write_cmos_config(BiosContext& bios) {
  const BiosConfig& config = bios.config;
  const uint64_t ram = bios.mem.ram_size();
  uint32_t ext_kib = uint32_t(std::min<uint64_t>((ram - 0x100000) / 1024, 0xFFFF));
  uint64_t high = ram > (16u << 20) ? (ram - (16u << 20)) / 65536 : 0;
  uint8_t floppy_types = uint8_t((config.floppy[0] ? config.floppy[0]->floppy_type() << 4 : 0) |
                                 (config.floppy[1] ? config.floppy[1]->floppy_type() : 0));
  cmos_write(bios, 0x10, floppy_types);
  cmos_write(bios, 0x12, uint8_t((config.hard_disk[0] ? 0xF0 : 0) | (config.hard_disk[1] ? 0x0F : 0)));
  cmos_write(bios, 0x14, uint8_t(bios.bda16(bda::kEquipment)));
  cmos_write(bios, 0x15, 0x80);  // 640 KiB base memory
  cmos_write(bios, 0x16, 0x02);
  for (uint8_t reg : {uint8_t(0x17), uint8_t(0x30)}) {
    cmos_write(bios, reg, uint8_t(ext_kib));
    cmos_write(bios, uint8_t(reg + 1), uint8_t(ext_kib >> 8));
  }
  cmos_write(bios, 0x34, uint8_t(std::min<uint64_t>(high, 0xFFFF)));
  cmos_write(bios, 0x35, uint8_t(std::min<uint64_t>(high, 0xFFFF) >> 8));
  uint16_t sum = 0;
  for (uint8_t reg = 0x10; reg <= 0x2D; ++reg) sum = uint16_t(sum + cmos_read(bios, reg));
  cmos_write(bios, 0x2E, uint8_t(sum >> 8));
  cmos_write(bios, 0x2F, uint8_t(sum));
}

}  // namespace

void power_on_self_test(BiosContext& bios, const rom::CodeEntries& code, CpuState& cpu) {
  // The first 1 MiB below the ROM starts out zero. (memset: a fill loop
  // costs a compare per byte in the fuzzers' instrumented builds.)
  if (uint8_t* low = bios.mem.ram_span(0, 0x500)) std::memset(low, 0, 0x500);
  set_vectors(bios.mem, code);
  fill_bda(bios);
  video_set_mode(bios, 3);
  if (bios.ports) {
    program_chips(*bios.ports);
    write_cmos_config(bios);
    pci_post(bios);
  }
  video_sync_crtc(bios);
  if (bios.config.acpi) acpi::install_tables(bios.mem, *bios.config.acpi);

  // Boot stack at 0000:7C00, data segments zero.
  for (Sreg s : {ES, SS, DS, FS, GS}) cpu.load_real_segment(s, 0);
  cpu.set_r16(ESP, 0x7C00);
}

}  // namespace pxos
