// INT 11h (equipment list) and INT 12h (conventional memory size).
#include "bios/bios.h"

namespace pxos {

void Bios::int11(BiosCall& c) { c.set_ax(ctx_.bda16(bda::kEquipment)); }

void Bios::int12(BiosCall& c) { c.set_ax(ctx_.bda16(bda::kMemoryKiB)); }

}  // namespace pxos
