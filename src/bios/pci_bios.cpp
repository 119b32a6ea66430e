#include "bios/pci_bios.h"

#include <array>
#include <vector>

#include "bios/guest_buffer.h"
#include "bios/pci_config.h"
#include "bios/pci_irq_table.h"
#include "vm/pci_regs.h"

namespace pxos {

namespace {

constexpr uint8_t kFuncNotSupported = 0x81, kBadVendorId = 0x83, kDeviceNotFound = 0x86;
constexpr uint8_t kBadRegisterNumber = 0x87, kSetFailed = 0x88, kBufferTooSmall = 0x89;
constexpr uint32_t kPciSignature = 0x20494350;  // "PCI "
constexpr uint16_t kVersion210 = 0x0210;
constexpr uint8_t kMechanism1 = 0x01, kLastBus = 0;
constexpr uint8_t kPinIntA = 0x0A, kPinIntD = 0x0D;

PciLocation caller_location(const BiosCall& c) { return {c.bh(), c.bl()}; }

// AX=B101h: installation check.
void handle_1AB101(BiosCall& c) {
  c.set_edx(kPciSignature);
  c.set_al(kMechanism1);
  c.set_bx(kVersion210);
  c.set_cl(kLastBus);
  c.set_edi(0);  // no protected-mode entry point
  c.success();
}

// Finds the SI'th function for which `match` holds.
template <class Match>
void find_function(BiosContext& bios, BiosCall& c, Match match) {
  uint16_t index = c.si();
  bool found = false;
  pci_for_each_function(bios, [&](PciLocation at) {
    if (!match(at) || index-- != 0) return false;
    c.set_bh(at.bus);
    c.set_bl(at.devfn);
    found = true;
    return true;
  });
  if (!found) return c.fail(kDeviceNotFound);
  c.success();
}

// AX=B102h: find device CX of vendor DX, the SI'th one.
void handle_1AB102(BiosContext& bios, BiosCall& c) {
  if (c.dx() == 0xFFFF) return c.fail(kBadVendorId);
  uint32_t id = uint32_t{c.cx()} << 16 | c.dx();
  find_function(bios, c, [&](PciLocation at) { return pci_config_read(bios, at, pci::kVendorId, 4) == id; });
}

// AX=B103h: find the SI'th function of class code ECX[23:0].
void handle_1AB103(BiosContext& bios, BiosCall& c) {
  uint32_t class_code = c.ecx() & 0xFFFFFF;
  find_function(bios, c,
                [&](PciLocation at) { return pci_config_read(bios, at, pci::kRevision, 4) >> 8 == class_code; });
}

// Whether DI names a register for an access of `size` bytes (else 87h).
bool register_ok(const BiosCall& c, int size) { return c.di() <= 0xFF && (c.di() & (size - 1)) == 0; }

// AX=B108h/B109h/B10Ah: read a configuration byte/word/dword into CL/CX/ECX.
void read_config(BiosContext& bios, BiosCall& c, int size) {
  if (!register_ok(c, size)) return c.fail(kBadRegisterNumber);
  uint32_t v = pci_config_read(bios, caller_location(c), uint8_t(c.di()), size);
  if (size == 1) c.set_cl(uint8_t(v));
  if (size == 2) c.set_cx(uint16_t(v));
  if (size == 4) c.set_ecx(v);
  c.success();
}

// AX=B10Bh/B10Ch/B10Dh: write CL/CX/ECX as a configuration byte/word/dword.
void write_config(BiosContext& bios, BiosCall& c, int size) {
  if (!register_ok(c, size)) return c.fail(kBadRegisterNumber);
  uint32_t v = size == 1 ? c.cl() : size == 2 ? c.cx() : c.ecx();
  pci_config_write(bios, caller_location(c), uint8_t(c.di()), size, v);
  c.success();
}

void handle_1AB108(BiosContext& bios, BiosCall& c) { read_config(bios, c, 1); }
void handle_1AB109(BiosContext& bios, BiosCall& c) { read_config(bios, c, 2); }
void handle_1AB10A(BiosContext& bios, BiosCall& c) { read_config(bios, c, 4); }
void handle_1AB10B(BiosContext& bios, BiosCall& c) { write_config(bios, c, 1); }
void handle_1AB10C(BiosContext& bios, BiosCall& c) { write_config(bios, c, 2); }
void handle_1AB10D(BiosContext& bios, BiosCall& c) { write_config(bios, c, 4); }

// AX=B10Eh: the routing options: ES:DI -> {WORD size; WORD offset; WORD segment}.
void handle_1AB10E(BiosContext& bios, BiosCall& c) {
  std::vector<uint8_t> table = installed_pir_table(bios.mem);
  if (table.empty()) return c.fail(kFuncNotSupported);
  const CpuState& cpu = c.cpu();
  uint32_t header_at = bios.mem.real_linear(c.es(), c.di());
  std::array<uint8_t, 6> header{};
  if (!copy_from_guest_buffer(bios.mem, cpu, header_at, header)) return c.fail(kFuncNotSupported);
  uint16_t room = uint16_t(header[0] | header[1] << 8);
  uint16_t offset = uint16_t(header[2] | header[3] << 8), segment = uint16_t(header[4] | header[5] << 8);
  std::span<const uint8_t> entries = std::span<const uint8_t>(table).subspan(kPirHeaderSize);
  uint16_t needed = uint16_t(entries.size());
  const std::array<uint8_t, 2> size_word = {uint8_t(needed), uint8_t(needed >> 8)};
  if (room < needed) {
    if (!copy_to_guest_buffer(bios.mem, cpu, header_at, size_word)) return c.fail(kFuncNotSupported);
    return c.fail(kBufferTooSmall);
  }
  uint32_t data_at = bios.mem.real_linear(segment, offset);
  if (!guest_buffer_writable(bios.mem, cpu, data_at, needed) ||
      !copy_to_guest_buffer(bios.mem, cpu, header_at, size_word))
    return c.fail(kFuncNotSupported);
  copy_to_guest_buffer(bios.mem, cpu, data_at, entries);
  c.set_bx(kPirPciIrqs);
  c.success();
}

// AX=B10Fh: route pin CL of BH:BL to IRQ CH.
void handle_1AB10F(BiosContext& bios, BiosCall& c) {
  std::vector<uint8_t> table = installed_pir_table(bios.mem);
  uint8_t irq = c.ch();
  if (table.empty() || c.bh() != 0 || c.cl() < kPinIntA || c.cl() > kPinIntD || irq > 15 || !(kPirPciIrqs >> irq & 1))
    return c.fail(kSetFailed);
  int pin = c.cl() - kPinIntA + 1;
  PciLocation router{table[8], table[9]};
  uint8_t link = uint8_t(pci::kPirqRouteBase + pci::pirq_of(caller_location(c).device(), pin));
  pci_config_write(bios, router, link, 1, irq);
  set_level_triggered(bios, uint16_t(1u << irq));
  c.success();
}

}  // namespace

void handle_1AB1(BiosContext& bios, BiosCall& c) {
  if (!pci_present(bios)) {
    bios.log_unimplemented(c);
    return c.fail(kFuncNotSupported);
  }
  switch (c.al()) {
    case 0x01: return handle_1AB101(c);
    case 0x02: return handle_1AB102(bios, c);
    case 0x03: return handle_1AB103(bios, c);
    case 0x08: return handle_1AB108(bios, c);
    case 0x09: return handle_1AB109(bios, c);
    case 0x0A: return handle_1AB10A(bios, c);
    case 0x0B: return handle_1AB10B(bios, c);
    case 0x0C: return handle_1AB10C(bios, c);
    case 0x0D: return handle_1AB10D(bios, c);
    case 0x0E: return handle_1AB10E(bios, c);
    case 0x0F: return handle_1AB10F(bios, c);
    default: bios.log_unimplemented(c); return c.fail(kFuncNotSupported);
  }
}

}  // namespace pxos
