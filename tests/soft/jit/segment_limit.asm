; DS's limit is 0FFFFFh here (the test sets it): DS is not flat, so the run's entry check
; sends it to the thunks, which raise #GP(0) at the MOV from 100000h.
; Run by tests/soft/soft_jit_tests.cpp at 10000h in flat, paged 32-bit protected mode,
; translated and interpreted; the two runs must leave the same state.
bits 32
org 0x10000
  mov esi, 0x100000
  mov eax, 3
  cmp eax, 2
  mov ecx, [esi]
  mov edx, 1
  hlt
