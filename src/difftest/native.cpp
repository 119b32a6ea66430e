// The native oracle: a program runs as 32-bit code on the host CPU itself, in
// the compatibility mode of a child process (x86-64 Linux). The child maps
// the code and data at the guest's addresses, loads the start registers,
// far-jumps to the 32-bit user code segment (kUserCode), and the exception
// that ends the program arrives as a signal whose context (registers, trap
// number, error code) the handler copies to memory shared with the parent.
//
// Between the far jump and the end, FS and GS hold a flat data selector, so
// the handler must not use thread-local storage: this file is built without
// the stack protector and the handler calls nothing but a raw exit.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "difftest/runner.h"

namespace pxos::difftest {

#if defined(__x86_64__) && defined(__linux__)

namespace {

// What the child reports.
struct Shared {
  int state;  // 0: nothing yet, 1: a signal arrived, 2: setup failed
  int signo;
  uint64_t trapno, err, rip, eflags;
  uint32_t gpr[8];
  uint8_t data[kCheckedEnd - kCheckedBase];
  char why[120];
};

Shared* g_shared;

}  // namespace

// The start registers and the far pointer, read by pxos_difftest_enter32.
struct Entry {
  uint32_t gpr[8];  // EAX ECX EDX EBX ESP EBP ESI EDI
  uint64_t eflags;
};
struct __attribute__((packed)) FarPointer {
  uint32_t offset;
  uint16_t selector;
};
extern "C" {
Entry pxos_difftest_entry;
FarPointer pxos_difftest_far;
}

namespace {

[[noreturn]] void raw_exit(int status) {
  for (;;) asm volatile("syscall" : : "a"(231), "D"(status) : "rcx", "r11", "memory");  // exit_group
}

void on_signal(int signo, siginfo_t*, void* ctx) {
  const auto* uc = static_cast<const ucontext_t*>(ctx);
  const greg_t* g = uc->uc_mcontext.gregs;
  Shared* s = g_shared;
  s->signo = signo;
  s->trapno = uint64_t(g[REG_TRAPNO]);
  s->err = uint64_t(g[REG_ERR]);
  s->rip = uint64_t(g[REG_RIP]);
  s->eflags = uint64_t(g[REG_EFL]);
  const int order[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI};
  for (int r = 0; r < 8; ++r) s->gpr[r] = uint32_t(g[order[r]]);
  const volatile uint8_t* src = reinterpret_cast<const volatile uint8_t*>(uintptr_t(kCheckedBase));
  for (size_t k = 0; k < sizeof s->data; ++k) s->data[k] = src[k];
  s->state = 1;
  raw_exit(0);
}

}  // namespace

extern "C" [[noreturn]] void pxos_difftest_enter32();
asm(R"(
  .text
  .globl pxos_difftest_enter32
  .type pxos_difftest_enter32, @function
pxos_difftest_enter32:
  mov $0x2b, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %fs
  mov %eax, %gs
  lea pxos_difftest_entry(%rip), %rdi
  pushq 32(%rdi)
  popfq
  mov 0(%rdi), %eax
  mov 4(%rdi), %ecx
  mov 8(%rdi), %edx
  mov 12(%rdi), %ebx
  mov 16(%rdi), %esp
  mov 20(%rdi), %ebp
  mov 24(%rdi), %esi
  mov 28(%rdi), %edi
  ljmpl *pxos_difftest_far(%rip)
)");

View run_native(const std::vector<uint8_t>& code, uint64_t seed, double timeout_s) {
  View v;
  void* shm = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shm == MAP_FAILED) {
    v.problem = "cannot map shared memory";
    return v;
  }
  auto* sh = new (shm) Shared{};
  Start st = make_start(seed);
  pid_t pid = fork();
  if (pid < 0) {
    munmap(shm, sizeof(Shared));
    v.problem = "fork failed";
    return v;
  }
  if (pid == 0) {
    g_shared = sh;
    void* want = reinterpret_cast<void*>(uintptr_t(kCodeBase));
    void* got = mmap(want, kCheckedEnd - kCodeBase, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got != want) {
      std::snprintf(sh->why, sizeof sh->why, "cannot map %#x..%#x in the child (vm.mmap_min_addr?): %s", kCodeBase,
                    kCheckedEnd, std::strerror(errno));
      sh->state = 2;
      raw_exit(1);
    }
    std::memcpy(want, code.data(), code.size());
    std::memcpy(reinterpret_cast<void*>(uintptr_t(kCheckedBase)), st.data.data(), st.data.size());
    static uint8_t altstack[1 << 16];
    stack_t ss{};
    ss.ss_sp = altstack;
    ss.ss_size = sizeof altstack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    for (int sig : {SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP}) sigaction(sig, &sa, nullptr);
    std::memcpy(pxos_difftest_entry.gpr, st.gpr, sizeof st.gpr);
    pxos_difftest_entry.eflags = st.eflags;
    pxos_difftest_far.offset = kCodeBase;
    pxos_difftest_far.selector = kUserCode;
    pxos_difftest_enter32();
  }
  // The parent: wait, with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      v.problem = "timeout";
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  if (v.problem.empty()) {
    if (sh->state == 2) {
      v.problem = sh->why;
    } else if (sh->state != 1) {
      v.problem = WIFSIGNALED(status) ? "the child died of signal " + std::to_string(WTERMSIG(status))
                                      : "the child ended without a signal";
    } else {
      v.ok = true;
      if (sh->rip < kCodeBase || sh->rip >= kCodeLimit) {  // the far jump itself failed
        v.ok = false;
        v.problem = "the host cannot run 32-bit user code (no IA32 emulation?): signal " + std::to_string(sh->signo);
      }
      v.vector = int(sh->trapno);
      bool has_error = v.vector == 8 || (v.vector >= 10 && v.vector <= 14) || v.vector == 17;
      v.error = has_error ? uint32_t(sh->err) : 0;
      v.eip = uint32_t(sh->rip);
      v.eflags = uint32_t(sh->eflags);
      std::memcpy(v.gpr, sh->gpr, sizeof v.gpr);
      v.data.assign(sh->data, sh->data + sizeof sh->data);
    }
  }
  sh->~Shared();
  munmap(shm, sizeof(Shared));
  return v;
}

#else

View run_native(const std::vector<uint8_t>&, uint64_t, double) {
  View v;
  v.problem = "the native oracle needs an x86-64 Linux host";
  return v;
}

#endif

}  // namespace pxos::difftest
