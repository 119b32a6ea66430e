#include "bios/pci_irq_table.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "bios/rom.h"
#include "vm/pci_regs.h"

namespace pxos {

namespace {
constexpr uint16_t kVersion = 0x0100;
constexpr size_t kSizeField = 6, kChecksumField = 31;

void put16(std::vector<uint8_t>& t, size_t at, uint16_t v) {
  t[at] = uint8_t(v);
  t[at + 1] = uint8_t(v >> 8);
}
uint16_t get16(std::span<const uint8_t> t, size_t at) { return uint16_t(t[at] | t[at + 1] << 8); }
}  // namespace

std::vector<uint8_t> build_pir_table(std::span<const uint8_t> devices, const PirRouter& router) {
  std::vector<uint8_t> t(kPirHeaderSize + kPirEntrySize * devices.size(), 0);
  std::memcpy(t.data(), "$PIR", 4);
  put16(t, 4, kVersion);
  put16(t, kSizeField, uint16_t(t.size()));
  t[8] = router.bus;
  t[9] = router.devfn;
  put16(t, 10, kPirPciIrqs);
  put16(t, 12, router.vendor);
  put16(t, 14, router.device);
  for (size_t i = 0; i < devices.size(); ++i) {
    size_t e = kPirHeaderSize + kPirEntrySize * i;
    uint8_t device = devices[i] & 31;
    t[e] = 0;  // bus
    t[e + 1] = uint8_t(device << 3);
    for (int pin = 1; pin <= 4; ++pin) {
      size_t link = e + 2 + 3 * size_t(pin - 1);
      t[link] = uint8_t(pci::kPirqRouteBase + pci::pirq_of(device, pin));
      put16(t, link + 1, kPirPciIrqs);
    }
    t[e + 14] = device < 2 ? 0 : device;  // the bridges are built in; others get their device number
  }
  t[kChecksumField] = uint8_t(-std::accumulate(t.begin(), t.end(), 0u));
  return t;
}

bool pir_table_valid(std::span<const uint8_t> t) {
  if (t.size() < kPirHeaderSize || std::memcmp(t.data(), "$PIR", 4) != 0 || get16(t, 4) != kVersion) return false;
  size_t size = get16(t, kSizeField);
  if (size < kPirHeaderSize || size > t.size() || (size - kPirHeaderSize) % kPirEntrySize != 0) return false;
  return uint8_t(std::accumulate(t.begin(), t.begin() + ptrdiff_t(size), 0u)) == 0;
}

bool install_pir_table(GuestMemory& mem, std::span<const uint8_t> table) {
  if (table.size() > rom::kPirTableRoom) return false;
  std::span<uint8_t> room = mem.rom().subspan(rom::kPirTable, rom::kPirTableRoom);
  std::fill(room.begin(), room.end(), uint8_t{0});
  std::copy(table.begin(), table.end(), room.begin());
  return true;
}

std::vector<uint8_t> installed_pir_table(GuestMemory& mem) {
  const uint8_t* room = mem.readable_span(GuestMemory::kRomBase + rom::kPirTable, rom::kPirTableRoom);
  if (!room) return {};
  std::span<const uint8_t> t(room, rom::kPirTableRoom);
  if (!pir_table_valid(t)) return {};
  return {t.begin(), t.begin() + get16(t, kSizeField)};
}

}  // namespace pxos
