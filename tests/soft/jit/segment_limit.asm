; DS's limit is 0FFFFFh here (the test sets it): DS is not flat, so the run's entry check
; sends it to the thunks, which raise #GP(0) at the MOV from 100000h.
%include "snippet.inc"
  mov esi, 0x100000
  mov eax, 3
  cmp eax, 2
  mov ecx, [esi]
  mov edx, 1
  hlt
