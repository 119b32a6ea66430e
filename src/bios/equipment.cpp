// INT 11h (equipment list) and INT 12h (conventional memory size).
#include "bios/equipment.h"

namespace pxos {

void handle_11(BiosContext& bios, BiosCall& c) { c.set_ax(bios.bda16(bda::kEquipment)); }

void handle_12(BiosContext& bios, BiosCall& c) { c.set_ax(bios.bda16(bda::kMemoryKiB)); }

}  // namespace pxos
