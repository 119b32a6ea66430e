; A store into its own block: the two MOVs at target become four NOPs before they run.
; Run by tests/soft/soft_jit_tests.cpp at 10000h in flat, paged 32-bit protected mode,
; translated and interpreted; the two runs must leave the same state.
bits 32
org 0x10000
  mov eax, 0x90909090
  mov ebx, target
  mov ecx, 3
  mov [ebx], eax
  add ecx, 4
target:
  mov cl, 7
  mov dl, 9
  sub ecx, 1
  hlt
