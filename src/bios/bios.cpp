// The BIOS dispatcher: the trap port, which service serves which vector,
// the call counts. The services live one per file beside this one.
#include "bios/bios.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <ostream>

#include "bios/boot.h"
#include "bios/disk.h"
#include "bios/equipment.h"
#include "bios/keyboard.h"
#include "bios/post.h"
#include "bios/printer.h"
#include "bios/rom.h"
#include "bios/serial.h"
#include "bios/system.h"
#include "bios/timer.h"
#include "bios/video.h"
#include "vm/paging.h"

namespace pxos {

namespace {
constexpr uint32_t kRomLinear = uint32_t{rom::kSegment} << 4;
}

Bios::Bios(GuestMemory& mem, BiosConfig config) : ctx_{mem, std::move(config)} {}

void Bios::install(PortBus& ports) {
  ctx_.ports = &ports;
  rom::build(ctx_.mem.rom());
  code_ = rom::code_entries(ctx_.mem.rom());
  // The VGA's character sets, where INT 43h, INT 1Fh and INT 10h AH=11h point.
  std::span<uint8_t> rom = ctx_.mem.rom();
  auto put = [&](const std::vector<uint8_t>& font, size_t size, uint16_t at) {
    if (font.size() == size) std::copy(font.begin(), font.end(), rom.begin() + at);
  };
  put(ctx_.config.font8x16, rom::kFont8x16Size, rom::kFont8x16);
  put(ctx_.config.font8x14, rom::kFont8x14Size, rom::kFont8x14);
  put(ctx_.config.font8x8, rom::kFont8x8Size, rom::kFont8x8);
  if (ctx_.config.font8x8.size() == rom::kFont8x8Size)
    std::copy_n(ctx_.config.font8x8.begin(), rom::kFont8x8Size / 2, rom.begin() + rom::kFont8x8Ibm);
  ports.add("bios-trap", rom::kTrapPort, 1, [this](uint64_t, std::span<uint8_t>, bool is_write) {
    if (is_write) on_trap();
  });
}

// A write to the trap port. Only the ROM's own stubs may trap, in real
// mode: any other write (a guest probing ports) is counted and ignored.
void Bios::on_trap() {
  if (!vcpu_) return;
  CpuState s = vcpu_->state();
  uint32_t ip_linear = s.seg[CS].base + s.eip;
  bool vm86 = (s.eflags & flag::VM) != 0;
  if (((s.cr0 & 1) && !vm86) || s.seg[CS].base != kRomLinear) {
    ++bad_traps_;
    return;
  }
  // KVM reports the IP of the OUT, the software engine the IP after it.
  auto at = [&](uint16_t off) { return ip_linear == kRomLinear + off || ip_linear == kRomLinear + off + 2; };
  if (at(rom::kPostEntry)) {
    post(s);
    s.eip = rom::kPostEntry + 2;
    if (ctx_.config.boot) ctx_.config.boot(s);
    vcpu_->set_state(s);
    return;
  }
  if (at(code_.int09_trap)) {  // INT 09h hands over the scancode in AL
    keyboard_irq(s.r8lo(EAX));
    s.eip = code_.int09_trap + 2u;
    vcpu_->set_state(s);
    return;
  }
  uint32_t off = ip_linear - (kRomLinear + rom::kStubBase);
  if (off >= 256u * rom::kStubSize || (off % rom::kStubSize != 0 && off % rom::kStubSize != 2)) {
    ++bad_traps_;
    return;
  }
  uint8_t vector = uint8_t(off / rom::kStubSize);
  uint16_t sp = s.r16(ESP);
  uint32_t frame = s.seg[SS].base;  // IP, CS, FLAGS pushed by INT
  // Where the word at SS:SP+k lies; in virtual-8086 mode through the guest's
  // paging (an EMM's page tables), nullopt when a page is not present.
  auto stack = [&](uint16_t k) -> std::optional<uint64_t> {
    uint32_t linear = frame + uint16_t(sp + k);
    if (!vm86) return linear;
    std::optional<uint64_t> lo = translate_linear(ctx_.mem, PagingRegs{s.cr0, s.cr3, s.cr4}, linear);
    std::optional<uint64_t> hi = translate_linear(ctx_.mem, PagingRegs{s.cr0, s.cr3, s.cr4}, linear + 1);
    if (!lo || !hi || *hi != *lo + 1) return std::nullopt;  // a word split over two pages: not served
    return lo;
  };
  std::optional<uint64_t> ip_at = stack(0), cs_at = stack(2), flags_at = stack(4);
  if (!ip_at || !cs_at || !flags_at) {
    ++bad_traps_;
    return;
  }
  BiosCall c{s, ctx_.mem.read16(*flags_at), vector};
  ++calls_;
  ++calls_by_function_[uint16_t(vector << 8 | c.ah())];
  dispatch(c);
  if (c.waiting()) {
    ctx_.mem.write16(*flags_at, c.flags());
    s.eip = rom::stub_offset(vector) + rom::kStubWait;
  } else if (vm86) {
    // The stub's IRET returns: run by the CPU under IOPL 3, emulated by the
    // EMM's #GP handler under a lower IOPL (which keeps its virtual IF).
    ctx_.mem.write16(*flags_at, c.flags());
    s.eip = rom::stub_offset(vector) + rom::kStubIret;
  } else {
    // Return to the caller here, as the stub's IRET would: pop IP, CS and
    // FLAGS. This saves the guest one instruction, which a nested KVM
    // emulates slowly.
    s.eip = ctx_.mem.read16(*ip_at);
    s.load_real_segment(CS, ctx_.mem.read16(*cs_at));
    s.eflags = (s.eflags & ~0xFFFFu) | c.flags() | flag::FIXED1;
    s.set_r16(ESP, uint16_t(sp + 6));
  }
  vcpu_->set_state(s);
}

namespace {
// Calls a guest makes while it waits: they neither start nor end an idle
// streak by themselves (idle.h): keyboard polls and shift state, clock reads.
bool idle_neutral(const BiosCall& c) {
  uint8_t ah = c.ah();
  if (c.vector() == 0x16) return ah == 0x01 || ah == 0x02 || ah == 0x11 || ah == 0x12;
  if (c.vector() == 0x1A) return ah == 0x00 || ah == 0x02 || ah == 0x04;
  return c.vector() == 0x28;
}
}  // namespace

void Bios::dispatch(BiosCall& c) {
  if (!idle_neutral(c)) keyboard_.idle().work();
  switch (c.vector()) {
    case 0x10: return handle_10(ctx_, c);
    case 0x11: return handle_11(ctx_, c);
    case 0x12: return handle_12(ctx_, c);
    case 0x13: return handle_13(ctx_, c);
    case 0x14: return handle_14(ctx_, c);
    case 0x15: return handle_15(ctx_, system_, c);
    case 0x16: return handle_16(ctx_, keyboard_, c);
    case 0x17: return handle_17(ctx_, c);
    case 0x18: return handle_18(ctx_, c);
    case 0x19: return handle_19(ctx_, c);
    case 0x1A: return handle_1A(ctx_, c);
    case 0x28: return handle_28(ctx_, keyboard_, c);
    default:
      ctx_.log_unimplemented(c);
      c.set_cf(true);
      return;
  }
}

void Bios::post(CpuState& cpu) {
  system_ = SystemState{};  // as POST leaves the chips
  power_on_self_test(ctx_, code_, cpu);
}

void Bios::print_calls(std::ostream& os) const {
  char line[48];
  for (const auto& [key, n] : calls_by_function_) {
    std::snprintf(line, sizeof line, "  INT %02Xh AH=%02Xh: %llu\n", key >> 8, key & 0xFF, (unsigned long long)n);
    os << line;
  }
}

}  // namespace pxos
