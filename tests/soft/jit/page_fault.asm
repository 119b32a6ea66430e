; A #PF in the middle of a run: the MOV from 500000h (not mapped). The #PF handler runs
; mov bl, 14 / hlt.
; Run by tests/soft/soft_jit_tests.cpp at 10000h in flat, paged 32-bit protected mode,
; translated and interpreted; the two runs must leave the same state.
bits 32
org 0x10000
  mov esi, 0x200000
  mov eax, 1
  add eax, 2
  mov ecx, eax
  mov ebx, [0x500000]
  mov ecx, 5
  hlt
