// Paging and the i686 instructions of the software engine, driving soft::Core
// directly: the memory path (read_lin/write_lin, the TLB, the page walk) and
// hand-assembled 32-bit snippets (nasm in the comments) run in a flat, paged
// protected mode.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "engine/soft/cpu_model.h"
#include "engine/soft/exec.h"
#include "rig.h"

namespace pxos {
namespace {

using namespace pxos::testing;

void expect_pf(const std::optional<Fault>& f, uint32_t error) {
  ASSERT_TRUE(f.has_value()) << "no fault";
  EXPECT_EQ(f->vector, 14);
  EXPECT_TRUE(f->has_error);
  EXPECT_EQ(f->error, error);
}

TEST(SoftPaging, FourKiBPageTranslatesAndSetsAccessedThenDirty) {
  PagedRig m;
  m.new_table(0x400000, 0x5000, P | W | U);
  m.map(0x401000, 0x123000, P | W | U);
  m.w32(0x123010, 0xCAFEF00D);
  EXPECT_EQ(m.c.read_lin<uint32_t>(0x401010), 0xCAFEF00Du);
  EXPECT_EQ(m.r32(m.pte_addr(0x401000)) & (A | D), A);  // a read sets A only
  EXPECT_EQ(m.r32(kPageDir + 4) & A, A);                // ... in the PDE too
  m.c.write_lin<uint32_t>(0x401FFC, 0x11223344);        // the first write after a read: D
  EXPECT_EQ(m.r32(0x123FFC), 0x11223344u);
  EXPECT_EQ(m.r32(m.pte_addr(0x401000)) & (A | D), A | D);
  EXPECT_EQ(m.r32(kPageDir + 4) & D, 0u);  // D in a PDE of 4 KiB pages stays clear
}

TEST(SoftPaging, FourMiBPageNeedsCr4Pse) {
  PagedRig m;
  m.c.cr4 = soft::kCr4Pse;
  m.w32(kPageDir + 2 * 4, 0x400000 | PS | P | W);  // 0x800000 -> 0x400000, 4 MiB
  m.w32(0x400000 + 0x3FF000 + 8, 0x5A5A5A5A);
  EXPECT_EQ(m.c.read_lin<uint32_t>(0x800000 + 0x3FF008), 0x5A5A5A5Au);
  EXPECT_EQ(m.r32(kPageDir + 8) & (A | D), A);
  m.c.write_lin<uint16_t>(0x812346, 0xBEEF);
  EXPECT_EQ(m.ram[0x412346] | m.ram[0x412347] << 8, 0xBEEF);
  EXPECT_EQ(m.r32(kPageDir + 8) & (A | D), A | D);  // a large page's D lives in the PDE

  // Without CR4.PSE the PS bit is ignored: the PDE points at a page table (at
  // 0x400000, all zero here), so the same access is a not-present fault.
  PagedRig n;
  n.w32(kPageDir + 2 * 4, 0x400000 | PS | P | W);
  expect_pf(n.fault_of([&] { n.c.read_lin<uint32_t>(0x800000); }), 0);
}

TEST(SoftPaging, NotPresentFaultsWithCr2AndErrorCode) {
  PagedRig m;
  m.new_table(0x400000, 0x5000);
  m.map(0x402000, 0x200000, W | U);  // P clear
  expect_pf(m.fault_of([&] { m.c.read_lin<uint8_t>(0x402345); }), 0);
  EXPECT_EQ(m.c.cr2, 0x402345u);
  expect_pf(m.fault_of([&] { m.c.write_lin<uint32_t>(0xC0000010, 1); }), 2);  // no page table at all
  EXPECT_EQ(m.c.cr2, 0xC0000010u);
  m.to_cpl3();
  expect_pf(m.fault_of([&] { m.c.write_lin<uint8_t>(0x402000, 1); }), 2 | 4);
  // A write that crosses into a missing page changes nothing, and CR2 is the first missing byte.
  m.c.cr2 = 0;
  m.w32(0x3FFFFC, 0);
  expect_pf(m.fault_of([&] { m.c.write_lin<uint32_t>(0x3FFFFE, 0xFFFFFFFF); }), 2 | 4);
  EXPECT_EQ(m.c.cr2, 0x400000u);
  EXPECT_EQ(m.r32(0x3FFFFC), 0u);
}

TEST(SoftPaging, SupervisorWritesToReadOnlyPagesFaultOnlyWithWp) {
  PagedRig m;
  m.new_table(0x400000, 0x5000);
  m.map(0x400000, 0x200000, P | U);      // read-only
  m.c.write_lin<uint32_t>(0x400100, 7);  // WP=0: allowed
  EXPECT_EQ(m.r32(0x200100), 7u);
  EXPECT_EQ(m.r32(m.pte_addr(0x400000)) & D, D);
  m.c.cr0 |= 1u << 16;
  m.c.tlb_flush();  // as MOV CR0 does when WP changes
  expect_pf(m.fault_of([&] { m.c.write_lin<uint32_t>(0x400100, 8); }), 1 | 2);
  EXPECT_EQ(m.r32(0x200100), 7u);
  EXPECT_EQ(m.c.read_lin<uint32_t>(0x400100), 7u);  // reads are fine

  // Through MOV CR0: setting WP makes the write-fault appear (the TLB is flushed).
  PagedRig n;
  n.new_table(0x400000, 0x5000);
  n.map(0x400000, 0x200000, P);
  n.c.write_lin<uint32_t>(0x400000, 1);  // fills a writable TLB entry with WP=0
  // mov eax, cr0 / or eax, 0x10000 / mov cr0, eax / mov dword [0x400000], 2 / hlt
  n.run({0x0F, 0x20, 0xC0, 0x0D, 0x00, 0x00, 0x01, 0x00, 0x0F, 0x22, 0xC0,
         0xC7, 0x05, 0x00, 0x00, 0x40, 0x00, 0x02, 0x00, 0x00, 0x00, 0xF4});
  EXPECT_EQ(n.c.r[EBX] & 0xFF, 14u);     // the #PF handler ran
  EXPECT_EQ(n.r32(kStackTop - 16), 3u);  // error code: present, write, supervisor
  EXPECT_EQ(n.c.cr2, 0x400000u);
  EXPECT_EQ(n.r32(0x200000), 1u);
}

TEST(SoftPaging, UserAccessChecksAndSeparateTlbs) {
  PagedRig m;
  m.new_table(0x400000, 0x5000);
  m.map(0x400000, 0x200000, P | W);      // supervisor only
  m.map(0x401000, 0x201000, P | U);      // user, read-only
  m.map(0x402000, 0x202000, P | W | U);  // user, writable
  m.ram[0x200000] = 0x77;
  // Supervisor fills its TLB with the supervisor-only page...
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x400000), 0x77);
  m.c.write_lin<uint8_t>(0x401000, 0x55);  // WP=0: the supervisor may write a read-only user page
  // ... which must not let CPL 3 in.
  m.to_cpl3();
  expect_pf(m.fault_of([&] { m.c.read_lin<uint8_t>(0x400000); }), 1 | 4);
  EXPECT_EQ(m.c.cr2, 0x400000u);
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x401000), 0x55);
  expect_pf(m.fault_of([&] { m.c.write_lin<uint8_t>(0x401000, 1); }), 1 | 2 | 4);
  m.c.write_lin<uint8_t>(0x402000, 9);
  EXPECT_EQ(m.ram[0x202000], 9);
  // A U/S bit clear in the PDE denies the whole 4 MiB to user mode.
  m.w32(kPageDir + 4, 0x5000 | P | W);
  m.c.tlb_flush();
  expect_pf(m.fault_of([&] { m.c.read_lin<uint8_t>(0x402000); }), 1 | 4);
  // Implicit supervisor accesses (descriptor tables) at CPL 3 use supervisor rights.
  EXPECT_EQ(m.c.read_sys<uint8_t>(0x400000), 0x77);
  EXPECT_EQ(m.c.cpl, 3);
  expect_pf(m.fault_of([&] { m.c.read_sys<uint8_t>(0x403000); }), 0);  // U/S clear in the error code
}

TEST(SoftPaging, GlobalPagesSurviveCr3LoadsAndGoWithInvlpg) {
  PagedRig m;
  m.c.cr4 = soft::kCr4Pge;
  m.new_table(0x400000, 0x5000);
  m.map(0x400000, 0x200000, P | W | G);
  m.map(0x401000, 0x201000, P | W);
  m.ram[0x200000] = 0xA1;
  m.ram[0x201000] = 0xB1;
  m.ram[0x300000] = 0xA2;
  m.ram[0x301000] = 0xB2;
  // A second page directory mapping both pages elsewhere.
  std::memcpy(&m.ram[0x6000], &m.ram[kPageDir], 4096);
  m.w32(0x6000 + 4, 0x7000 | P | W | U);
  std::memset(&m.ram[0x7000], 0, 4096);
  m.w32(0x7000, 0x300000 | P | W | G);
  m.w32(0x7004, 0x301000 | P | W);
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x400000), 0xA1);
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x401000), 0xB1);
  // mov eax, 0x6000 / mov cr3, eax / mov cl, [0x400000] / mov dl, [0x401000]
  // invlpg [0x400000] / mov ch, [0x400000] / hlt
  m.run({0xB8, 0x00, 0x60, 0x00, 0x00, 0x0F, 0x22, 0xD8, 0x8A, 0x0D, 0x00, 0x00, 0x40, 0x00, 0x8A, 0x15, 0x00,
         0x10, 0x40, 0x00, 0x0F, 0x01, 0x3D, 0x00, 0x00, 0x40, 0x00, 0x8A, 0x2D, 0x00, 0x00, 0x40, 0x00, 0xF4});
  EXPECT_EQ(m.c.r[ECX] & 0xFF, 0xA1u);         // the global page kept its old translation
  EXPECT_EQ(m.c.r[EDX] & 0xFF, 0xB2u);         // the non-global one was flushed
  EXPECT_EQ((m.c.r[ECX] >> 8) & 0xFF, 0xA2u);  // INVLPG dropped the global one
  // Toggling CR4.PGE flushes global pages too.
  m.w32(0x7000, 0x200000 | P | W | G);
  m.c.tlb_flush_nonglobal();
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x400000), 0xA2);
  // mov eax, cr4 / and eax, ~0x80 / mov cr4, eax / mov cl, [0x400000] / hlt
  m.run({0x0F, 0x20, 0xE0, 0x25, 0x7F, 0xFF, 0xFF, 0xFF, 0x0F, 0x22, 0xE0, 0x8A, 0x0D, 0x00, 0x00, 0x40, 0x00, 0xF4});
  EXPECT_EQ(m.c.r[ECX] & 0xFF, 0xA1u);
}

// Ring 3 for real: a TSS (28h) with the ring-0 stack, CS/SS/DS at RPL 3, and the
// page directory, IDT, GDT, TSS and ring-0 stack in supervisor-only pages, as in Linux.
void enter_user(PagedRig& m) {
  const uint32_t tss = 0x6000;
  m.put(kGdt + 0x28, x86::busy_tss_descriptor(tss));  // 28h: 32-bit TSS at 0x6000
  m.w32(tss + x86::kTssEsp0, kStackTop);
  m.w32(tss + x86::kTssSs0, 0x10);
  for (uint32_t p : {kPageDir, kIdt, kGdt, tss, kStackTop - 0x1000}) m.map(p, p, P | W);  // supervisor only
  CpuState s = m.core.save_state();
  s.gdt.limit = 6 * 8 - 1;
  s.tr = x86::tss_segment(0x28, tss);
  x86::load_flat_segments(s, 0x1B, 0x23);
  s.gpr[ESP] = 0xA000;
  m.core.load_state(s);
}

// A fault at CPL 3 reads the IDT, the GDT and the TSS with supervisor rights.
TEST(SoftPaging, UserModeFaultReachesItsHandlerThroughSupervisorPages) {
  PagedRig m;
  enter_user(m);
  m.run({0xFA, 0xF4});  // cli at CPL 3 with IOPL 0: #GP(0)
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(m.c.cpl, 0);
  EXPECT_EQ(m.r32(kStackTop - 16), 0x1Bu);  // the user CS
  EXPECT_EQ(m.r32(kStackTop - 4), 0x23u);   // the user SS
  EXPECT_EQ(m.r32(kStackTop - 24), 0u);     // error code
}

// The privileged i686 instructions fault at CPL 3 with #GP(0); RDTSC and CPUID do not.
TEST(SoftI686, PrivilegedInstructionsAtCpl3) {
  const std::vector<std::vector<uint8_t>> privileged = {
      {0x0F, 0x09},                       // wbinvd
      {0x0F, 0x08},                       // invd
      {0x0F, 0x32},                       // rdmsr
      {0x0F, 0x30},                       // wrmsr
      {0x0F, 0x01, 0x3D, 0, 0, 0x40, 0},  // invlpg [0x400000]
      {0x0F, 0x22, 0xE0},                 // mov cr4, eax
  };
  for (const auto& insn : privileged) {
    PagedRig m;
    enter_user(m);
    std::vector<uint8_t> code = insn;
    code.push_back(0xF4);
    m.run(code);
    EXPECT_EQ(m.c.r[EBX] & 0xFF, 13u) << "opcode 0F " << std::hex << int(insn[1]);
    EXPECT_EQ(m.r32(kStackTop - 20), kCode) << "the faulting instruction's EIP";
  }
  PagedRig m;
  enter_user(m);
  // rdtsc / xor eax, eax / cpuid / nop / hlt: only the HLT faults
  m.run({0x0F, 0x31, 0x31, 0xC0, 0x0F, 0xA2, 0x90, 0xF4});
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(m.r32(kStackTop - 20), kCode + 7);
}

TEST(SoftPaging, InvlpgDropsAWholeFourMiBPage) {
  PagedRig m;
  m.c.cr4 = soft::kCr4Pse | soft::kCr4Pge;
  m.w32(kPageDir + 2 * 4, 0x400000 | PS | P | W | G);
  m.ram[0x400000 + 0x5000] = 1;
  m.ram[0x800000 + 0x5000] = 2;
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x805000), 1);
  m.w32(kPageDir + 2 * 4, 0x800000 | PS | P | W | G);
  m.c.tlb_flush_nonglobal();
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x805000), 1);  // global: still the old page
  m.c.tlb_flush_page(0x800000);                   // any address inside the large page
  EXPECT_EQ(m.c.read_lin<uint8_t>(0x805000), 2);
}

TEST(SoftPaging, Cr4ReservedBitsRaiseGp) {
  PagedRig m;
  // mov eax, 0x200 (OSFXSR: no FXSR here) / mov cr4, eax / hlt
  m.run({0xB8, 0x00, 0x02, 0x00, 0x00, 0x0F, 0x22, 0xE0, 0xF4});
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(m.c.cr4, 0u);
}

TEST(SoftPaging, SelfModifyingCodeThroughAnAliasMapping) {
  PagedRig m;
  m.new_table(0x800000, 0x5000);
  m.map(0x800000, kCode, P | W);  // a second linear page on the code page
  // 10000: mov ecx, 2
  // 10005: call target (10019)
  // 1000A: mov byte [0x800000 + 0x1A], 0x42   ; patches target's immediate through the alias
  // 10011: dec ecx / jnz 10005 / hlt ... target: mov al, 0x11 / ret
  std::vector<uint8_t> code = {0xB9, 0x02, 0x00, 0x00, 0x00,              // mov ecx, 2
                               0xE8, 0x0F, 0x00, 0x00, 0x00,              // call +15
                               0xC6, 0x05, 0x1A, 0x00, 0x80, 0x00, 0x42,  // mov byte [0x80001A], 0x42
                               0x49,                                      // dec ecx
                               0x75, 0xF1,                                // jnz 10005
                               0x31, 0xD2,                                // xor edx, edx
                               0x88, 0xC2,                                // mov dl, al
                               0xF4,                                      // hlt
                               0xB0, 0x11,                                // 10019: mov al, 0x11
                               0xC3};                                     // ret
  ASSERT_EQ(code.size(), 0x1Cu);
  m.run(code);
  EXPECT_EQ(m.c.r[EDX], 0x42u);  // the second call ran the patched instruction
  EXPECT_EQ(m.ram[kCode + 0x1A], 0x42);
}

TEST(SoftI686, CmovCmpxchg8bBswap) {
  PagedRig m;
  m.w32(0x8000, 0x11111111);
  m.w32(0x8004, 0x22222222);
  // mov eax, 5 / mov ebx, 7 / cmp eax, ebx / cmovl ecx, ebx / cmovg edx, ebx   (ECX=7, EDX=0)
  // mov eax, 0x11111111 / mov edx, 0x22222222 / mov ebx, 0xAAAAAAAA / mov ecx, 0xBBBBBBBB
  // cmpxchg8b [0x8000]    (equal: memory = ECX:EBX, ZF=1) / setz [0x8100]
  // cmpxchg8b [0x8000]    (not equal now: EDX:EAX = memory, ZF=0) / setz [0x8101]
  // mov esi, 0x12345678 / bswap esi / hlt
  m.run({0xB8, 5,    0,    0,    0,    0xBB, 7,    0,    0,    0,    0x39, 0xD8, 0x0F, 0x4C,
         0xCB, 0x31, 0xD2, 0x0F, 0x4F, 0xD3, 0x89, 0x0D, 0x00, 0x82, 0x00, 0x00,  // mov [0x8200], ecx
         0x89, 0x15, 0x04, 0x82, 0x00, 0x00,                                      // mov [0x8204], edx
         0xB8, 0x11, 0x11, 0x11, 0x11, 0xBA, 0x22, 0x22, 0x22, 0x22, 0xBB, 0xAA, 0xAA, 0xAA,
         0xAA, 0xB9, 0xBB, 0xBB, 0xBB, 0xBB, 0x0F, 0xC7, 0x0D, 0x00, 0x80, 0x00, 0x00, 0x0F,
         0x94, 0x05, 0x00, 0x81, 0x00, 0x00, 0x0F, 0xC7, 0x0D, 0x00, 0x80, 0x00, 0x00, 0x0F,
         0x94, 0x05, 0x01, 0x81, 0x00, 0x00, 0xBE, 0x78, 0x56, 0x34, 0x12, 0x0F, 0xCE, 0xF4});
  EXPECT_EQ(m.r32(0x8200), 7u);
  EXPECT_EQ(m.r32(0x8204), 0u);
  EXPECT_EQ(m.r32(0x8000), 0xAAAAAAAAu);
  EXPECT_EQ(m.r32(0x8004), 0xBBBBBBBBu);
  EXPECT_EQ(m.ram[0x8100], 1);
  EXPECT_EQ(m.ram[0x8101], 0);
  EXPECT_EQ(m.c.r[EAX], 0xAAAAAAAAu);
  EXPECT_EQ(m.c.r[EDX], 0xBBBBBBBBu);
  EXPECT_EQ(m.c.r[ESI], 0x78563412u);
}

TEST(SoftI686, CmpxchgRegisterAndMemory) {
  PagedRig m;
  m.w32(0x8000, 5);
  // mov eax, 5 / mov ecx, 9 / cmpxchg [0x8000], ecx (equal: [8000]=9) / setz [0x8100]
  // cmpxchg [0x8000], ecx (EAX=5 != 9: EAX=9) / setz [0x8101] / hlt
  m.run({0xB8, 5,    0,    0,    0,    0xB9, 9,    0,    0,    0,    0x0F, 0xB1, 0x0D,
         0x00, 0x80, 0x00, 0x00, 0x0F, 0x94, 0x05, 0x00, 0x81, 0x00, 0x00, 0x0F, 0xB1,
         0x0D, 0x00, 0x80, 0x00, 0x00, 0x0F, 0x94, 0x05, 0x01, 0x81, 0x00, 0x00, 0xF4});
  EXPECT_EQ(m.r32(0x8000), 9u);
  EXPECT_EQ(m.ram[0x8100], 1);
  EXPECT_EQ(m.ram[0x8101], 0);
  EXPECT_EQ(m.c.r[EAX], 9u);
}

TEST(SoftI686, RdtscIsMonotonicAndFollowsTheClock) {
  PagedRig m;
  uint64_t fake_ns = 1000;
  m.c.clock_ctx = &fake_ns;
  m.c.clock_ns = [](const void* p, uint64_t) { return *static_cast<const uint64_t*>(p); };
  // rdtsc / mov esi, eax / mov edi, edx / rdtsc / hlt
  m.run({0x0F, 0x31, 0x89, 0xC6, 0x89, 0xD7, 0x0F, 0x31, 0xF4});
  uint64_t t0 = uint64_t{m.c.r[EDI]} << 32 | m.c.r[ESI];
  uint64_t t1 = uint64_t{m.c.r[EDX]} << 32 | m.c.r[EAX];
  EXPECT_EQ(t0, 1000u);  // 1 GHz: the TSC counts nanoseconds of guest time
  EXPECT_GT(t1, t0);     // the clock did not move, the TSC still does
  fake_ns = 5'000'000;   // the monitor skipped ahead (a halted guest)
  EXPECT_EQ(m.c.tsc(), 5'000'000u);
  // WRMSR to IA32_TSC sets the counter; it goes on from there.
  // mov ecx, 0x10 / xor edx, edx / mov eax, 0x100 / wrmsr / rdmsr / hlt
  m.run({0xB9, 0x10, 0, 0, 0, 0x31, 0xD2, 0xB8, 0x00, 0x01, 0, 0, 0x0F, 0x30, 0x0F, 0x32, 0xF4});
  EXPECT_EQ(m.c.r[EDX], 0u);
  EXPECT_EQ(m.c.r[EAX], 0x100u);
  fake_ns += 50;
  EXPECT_EQ(m.c.tsc(), 0x100u + 50);
}

TEST(SoftI686, RdtscWithoutAClockCountsInstructions) {
  PagedRig m;
  // nop / rdtsc / mov esi, eax / nop x4 / rdtsc / hlt
  m.run({0x90, 0x0F, 0x31, 0x89, 0xC6, 0x90, 0x90, 0x90, 0x90, 0x0F, 0x31, 0xF4});
  EXPECT_EQ(m.c.r[EAX] - m.c.r[ESI], 6 * soft::kNsPerInstructionNoClock);
}

TEST(SoftI686, MsrsAndTheirFaults) {
  PagedRig m;
  // mov ecx, 0x8B / xor eax, eax / xor edx, edx / wrmsr / rdmsr / mov esi, edx
  // mov ecx, 0x1B (APIC base: no APIC) / rdmsr -> #GP(0) / hlt
  m.run({0xB9, 0x8B, 0,    0,    0,    0x31, 0xC0, 0x31, 0xD2, 0x0F, 0x30, 0x0F,
         0x32, 0x89, 0xD6, 0xB9, 0x1B, 0,    0,    0,    0x0F, 0x32, 0xF4});
  EXPECT_EQ(m.c.r[ESI], 0u);
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(m.r32(kStackTop - 16), 0u);  // error code 0
  EXPECT_EQ(m.c.r[ECX], 0x1Bu);
}

TEST(SoftI686, CpuidReportsAPentiumProWithWhatIsImplemented) {
  PagedRig m;
  // xor eax, eax / cpuid / mov [0x8000], ebx / mov [0x8004], edx / mov [0x8008], ecx / mov esi, eax
  // mov eax, 1 / cpuid / mov edi, edx / mov ebp, eax / mov eax, 0x80000000 / cpuid / hlt
  m.run({0x31, 0xC0, 0x0F, 0xA2, 0x89, 0x1D, 0x00, 0x80, 0,    0,    0x89, 0x15, 0x04, 0x80, 0,
         0,    0x89, 0x0D, 0x08, 0x80, 0,    0,    0x89, 0xC6, 0xB8, 1,    0,    0,    0,    0x0F,
         0xA2, 0x89, 0xD7, 0x89, 0xC5, 0xB8, 0,    0,    0,    0x80, 0x0F, 0xA2, 0xF4});
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&m.ram[0x8000]), 12), "GenuineIntel");
  EXPECT_EQ(m.c.r[ESI], soft::kCpuidMaxLeaf);
  EXPECT_EQ((m.c.r[EBP] >> 8) & 0xF, 6u);  // family 6
  uint32_t edx = m.c.r[EDI];
  for (int bit : {3, 4, 5, 8, 13, 15}) EXPECT_TRUE(edx >> bit & 1) << "bit " << bit;  // PSE TSC MSR CX8 PGE CMOV
  for (int bit : {1, 2, 6, 7, 9, 11, 12, 14, 16, 17, 23, 24, 25})
    EXPECT_FALSE(edx >> bit & 1) << "bit " << bit;  // VME DE PAE MCE APIC SEP MTRR MCA PAT PSE36 MMX FXSR SSE
  EXPECT_EQ(edx & 1, soft::kHasFpu ? 1u : 0u);
  EXPECT_LT(m.c.r[EAX], 0x80000001u);  // no extended leaves beyond 0x80000000
}

TEST(SoftI686, LockIsUndefinedExceptOnLockableMemoryForms) {
  PagedRig m;
  // mov eax, 3 / lock add [0x8000], eax / lock cmpxchg8b [0x8010] / mov esi, 1 / lock add eax, ebx / hlt
  m.run({0xB8, 3,    0,    0, 0, 0xF0, 0x01, 0x05, 0x00, 0x80, 0,    0,    0xF0, 0x0F, 0xC7,
         0x0D, 0x10, 0x80, 0, 0, 0xBE, 1,    0,    0,    0,    0xF0, 0x01, 0xD8, 0xF4});
  EXPECT_EQ(m.r32(0x8000), 3u);
  EXPECT_EQ(m.c.r[ESI], 1u);
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 6u);  // LOCK with a register destination: #UD
  EXPECT_EQ(m.c.r[EAX], 0u);         // LOCK CMPXCHG8B ran (not equal: EDX:EAX loaded)
  PagedRig n;
  n.run({0xF0, 0x90, 0xF4});  // lock nop
  EXPECT_EQ(n.c.r[EBX] & 0xFF, 6u);
}

TEST(SoftI686, CpuidGivesTheTscFrequency) {
  PagedRig m;
  // mov eax, 15h / cpuid / mov esi, eax / mov edi, ebx / mov ebp, ecx / hlt
  m.run({0xB8, 0x15, 0, 0, 0, 0x0F, 0xA2, 0x89, 0xC6, 0x89, 0xDF, 0x89, 0xCD, 0xF4});
  ASSERT_NE(m.c.r[ESI], 0u);
  EXPECT_EQ(uint64_t{m.c.r[EBP]} * m.c.r[EDI] / m.c.r[ESI], soft::kTscHz);  // crystal Hz x EBX / EAX
  // mov eax, 16h / cpuid / mov esi, eax / hlt: the base frequency in MHz
  m.run({0xB8, 0x16, 0, 0, 0, 0x0F, 0xA2, 0x89, 0xC6, 0xF4});
  EXPECT_EQ(uint64_t{m.c.r[ESI]} * 1'000'000, soft::kTscHz);
}

TEST(SoftI686, HintNopsAndUd2) {
  PagedRig m;
  // nop dword [eax+eax*1+0] (0F 1F 44 00 00) / mov esi, 1 / ud2 / hlt
  m.run({0x0F, 0x1F, 0x44, 0x00, 0x00, 0xBE, 1, 0, 0, 0, 0x0F, 0x0B, 0xF4});
  EXPECT_EQ(m.c.r[ESI], 1u);
  EXPECT_EQ(m.c.r[EBX] & 0xFF, 6u);
}

}  // namespace
}  // namespace pxos
