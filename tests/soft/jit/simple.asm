; A short run, for --jit off (nothing may be translated).
%include "snippet.inc"
  mov eax, 1
  add eax, 2
  mov ecx, eax
  hlt
