; A #PF in the middle of a run: the MOV from 500000h (not mapped). The #PF handler runs
; mov bl, 14 / hlt.
%include "snippet.inc"
  mov esi, 0x200000
  mov eax, 1
  add eax, 2
  mov ecx, eax
  mov ebx, [0x500000]
  mov ecx, 5
  hlt
