// Fuzzes the GDB packet reader (gdb/packet.h) with a debugger's bytes: every
// event must come back bounded, and a packet re-encoded must read back the same.
#include <cstdlib>

#include "gdb/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pxos::gdb;
  PacketReader reader(1024);
  std::vector<Event> events;
  // In two pieces, to cross the reader's states at a split.
  size_t half = size / 2;
  reader.feed({data, half}, events);
  reader.feed({data + half, size - half}, events);
  for (const Event& e : events) {
    if (e.payload.size() > 1024) std::abort();
    if (e.kind != Event::Packet) continue;
    std::string wire = encode_packet(e.payload);
    PacketReader again(1024);
    std::vector<Event> back;
    again.feed({reinterpret_cast<const uint8_t*>(wire.data()), wire.size()}, back);
    if (back.size() != 1 || back[0].kind != Event::Packet || back[0].payload != e.payload) std::abort();
  }
  return 0;
}
