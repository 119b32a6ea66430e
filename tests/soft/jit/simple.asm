; A short run, for --jit off (nothing may be translated).
; Run by tests/soft/soft_jit_tests.cpp at 10000h in flat, paged 32-bit protected mode,
; translated and interpreted; the two runs must leave the same state.
bits 32
org 0x10000
  mov eax, 1
  add eax, 2
  mov ecx, eax
  hlt
