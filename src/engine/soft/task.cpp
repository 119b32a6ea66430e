// Hardware task switches (Intel SDM vol. 3, chapter 7): JMP or CALL to a TSS
// or task gate, an interrupt through a task gate, IRET with NT set. 32-bit
// (type 9/B) and 16-bit (type 1/3) TSSs. The new task's TSS is read in full
// before anything changes; faults in loading its segments are raised in the
// new task's context, as on hardware.
#include "engine/soft/handlers.h"

namespace pxos::soft {

namespace {

[[noreturn]] void fault_sel(uint8_t v, uint16_t sel) { raise_fault(v, sel & 0xFFFC, true); }

// The state a TSS holds, in one layout for both TSS sizes.
struct TaskState {
  uint32_t cr3 = 0, eip = 0, eflags = 0;
  uint32_t r[8] = {};
  uint16_t sel[6] = {};  // ES CS SS DS FS GS
  uint16_t ldt = 0;
};

TaskState read_tss(Cpu& c, uint32_t base, bool t32) {
  TaskState t;
  if (t32) {
    t.cr3 = c.sys_read(base + 0x1C, 4);
    t.eip = c.sys_read(base + 0x20, 4);
    t.eflags = c.sys_read(base + 0x24, 4);
    for (int k = 0; k < 8; ++k) t.r[k] = c.sys_read(base + 0x28 + 4 * k, 4);
    for (int k = 0; k < 6; ++k) t.sel[k] = uint16_t(c.sys_read(base + 0x48 + 4 * k, 2));
    t.ldt = uint16_t(c.sys_read(base + 0x60, 2));
  } else {
    t.eip = c.sys_read(base + 0x0E, 2);
    t.eflags = c.sys_read(base + 0x10, 2);
    for (int k = 0; k < 8; ++k) t.r[k] = c.sys_read(base + 0x12 + 2 * k, 2);
    for (int k = 0; k < 4; ++k) t.sel[k] = uint16_t(c.sys_read(base + 0x22 + 2 * k, 2));
    t.ldt = uint16_t(c.sys_read(base + 0x2A, 2));
  }
  return t;
}

void save_tss(Cpu& c, uint32_t base, bool t32, uint32_t eflags) {
  if (t32) {
    c.sys_write(base + 0x20, c.eip, 4);
    c.sys_write(base + 0x24, eflags, 4);
    for (int k = 0; k < 8; ++k) c.sys_write(base + 0x28 + 4 * k, c.r[k], 4);
    for (int k = 0; k < 6; ++k) c.sys_write(base + 0x48 + 4 * k, c.seg[k].sel, 2);
  } else {
    c.sys_write(base + 0x0E, c.eip, 2);
    c.sys_write(base + 0x10, eflags, 2);
    for (int k = 0; k < 8; ++k) c.sys_write(base + 0x12 + 2 * k, c.r[k], 2);
    for (int k = 0; k < 4; ++k) c.sys_write(base + 0x22 + 2 * k, c.seg[k].sel, 2);
  }
}

void set_busy(Cpu& c, uint16_t sel, bool busy) {
  uint32_t a = c.descriptor_address(sel) + 5;
  uint32_t b = c.sys_read(a, 1);
  c.sys_write(a, busy ? (b | 2u) : (b & ~2u), 1);
}

// The new task's LDT, CS, SS and data segments, checked at the new CPL (#TS, #NP, #SS).
// After the first failed check the rest load without checks, and the fault is raised
// then, before the new task's first instruction (Intel SDM vol. 3, 7.3: errors after
// the commit point), so its handler finds usable segments where the TSS had them.
void load_task_segments(Cpu& c, const TaskState& t, bool t32, bool vm86) {
  bool failed = false;
  Fault first{};
  auto step = [&](auto checked, auto unchecked) {
    if (!failed) {
      try {
        checked();
        return;
      } catch (const Fault& f) {
        failed = true;
        first = f;
      }
    }
    try {
      unchecked();
    } catch (const Fault&) {
    }
  };
  // Unchecked: the descriptor as it is, when its table holds it.
  auto raw = [&](uint16_t sel) { return cache_from_descriptor(sel, c.read_descriptor(sel, 10)); };
  step(
      [&] {
        if ((t.ldt & ~3u) == 0) return;
        if (t.ldt & 4) fault_sel(10, t.ldt);
        uint64_t d = c.read_descriptor(t.ldt, 10);
        if ((unsigned(d >> 40) & 0x1F) != 0x02) fault_sel(10, t.ldt);
        if (!((d >> 47) & 1)) fault_sel(10, t.ldt);
        c.ldtr = cache_from_descriptor(t.ldt, d);
      },
      [&] {
        if ((t.ldt & ~3u) != 0 && !(t.ldt & 4)) c.ldtr = raw(t.ldt);
      });
  if (vm86) {  // a virtual-8086 task: its segments are loaded as in real mode, without checks
    c.set_cs_cache(vm86_segment(t.sel[CS]));
    for (unsigned s : {SS, ES, DS, FS, GS}) c.seg[s] = vm86_segment(t.sel[s]);
    if (failed) throw first;
    return;
  }
  uint16_t cs = t.sel[CS];
  step(
      [&] {
        if ((cs & ~3u) == 0) fault_sel(10, cs);
        uint64_t d = c.read_descriptor(cs, 10);
        SegCache cc = cache_from_descriptor(cs, d);
        unsigned dpl = (cc.attrib >> 5) & 3, rpl = cs & 3;
        if ((cc.attrib & 0x18) != 0x18) fault_sel(10, cs);
        if ((cc.attrib & 4) ? dpl > rpl : dpl != rpl) fault_sel(10, cs);
        if (!(cc.attrib & 0x80)) fault_sel(11, cs);
        c.set_accessed(cs, d);
        cc.attrib |= 1;
        c.set_cs_cache(cc);
      },
      [&] {
        if ((cs & ~3u) != 0) c.set_cs_cache(raw(cs));
      });
  for (unsigned s : {SS, ES, DS, FS, GS}) {
    if (!t32 && s >= FS) break;
    uint16_t sel = t.sel[s];
    step(
        [&] {
          if ((sel & ~3u) == 0) {
            if (s == SS) fault_sel(10, sel);
            return;
          }
          c.seg[s] = check_data_segment(c, s, sel, c.read_descriptor(sel, 10), 10);
        },
        [&] {
          if ((sel & ~3u) != 0) c.seg[s] = raw(sel);
        });
  }
  if (failed) throw first;
}

}  // namespace

void Cpu::task_switch(uint16_t sel, uint64_t d, TaskSwitch why, bool has_error, uint32_t err) {
  SegCache nt = cache_from_descriptor(sel, d);
  bool n32 = nt.attrib & 8;
  if (nt.limit < (n32 ? 0x67u : 0x2Bu)) fault_sel(10, sel);
  bool o32 = tr.attrib & 8;
  TaskState t = read_tss(*this, nt.base, n32);

  // The old task: its state, then the busy bits and the back link.
  uint32_t old_flags = get_flags();
  if (why == TaskSwitch::Iret) old_flags &= ~flag::NT;
  save_tss(*this, tr.base, o32, old_flags);
  if (why == TaskSwitch::Jmp || why == TaskSwitch::Iret) set_busy(*this, tr.sel, false);
  if (why == TaskSwitch::Call || why == TaskSwitch::Int) {
    sys_write(nt.base, tr.sel, 2);
    t.eflags |= flag::NT;
  }
  if (why != TaskSwitch::Iret) set_busy(*this, sel, true);

  // The new task: from here on faults belong to it.
  tr = nt;
  tr.attrib |= 2;
  cr0 |= 8;  // TS
  if (n32 && (cr0 & 0x80000000u)) {
    cr3 = t.cr3;
    tlb_flush();
  }
  if (n32)
    std::copy(std::begin(t.r), std::end(t.r), r);
  else
    for (int k = 0; k < 8; ++k) r[k] = (r[k] & 0xFFFF0000u) | t.r[k];
  // A 16-bit TSS cannot hold a virtual-8086 task: VM is cleared, the other high bits stay.
  set_flags(n32 ? t.eflags : ((old_flags & 0xFFFF0000u & ~flag::VM) | (t.eflags & 0xFFFF)));
  const bool vm86 = flags & flag::VM;
  eip = t.eip;
  insn_eip = t.eip;
  for (unsigned s = 0; s < 6; ++s)
    if (n32 || s < FS) seg[s] = SegCache{0, 0, t.sel[s], kNullAttrib};
  ldtr = SegCache{0, 0, t.ldt, 0};
  set_cpl(vm86 ? 3 : uint8_t(t.sel[CS] & 3));
  exit_block = true;
  ++chain_gen;
  load_task_segments(*this, t, n32, vm86);
  if (has_error) {
    if (n32)
      push<uint32_t>(err);
    else
      push<uint16_t>(uint16_t(err));
  }
  if (eip > seg[CS].limit) gp(0);
}

}  // namespace pxos::soft
