; Three hundred short blocks, run three times over: with a small code buffer (the test
; sets 32 KiB) the translator fills it and starts over several times while they run.
%include "snippet.inc"
  mov esi, 0x200000
  mov ebp, 3
again:
%assign k 0
%rep 300
  add eax, ecx
  mov [esi + 4 * (k % 64)], eax
  lea ecx, [eax + k]
  cmp ecx, ebx
  jb $ + 2
%assign k k + 1
%endrep
  dec ebp
  jnz again
  hlt
