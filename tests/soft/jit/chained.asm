; Loops and calls whose translated block ends chain to the next block themselves; the
; test runs it plainly and with a deterministic quantum of 100 instructions.
%include "snippet.inc"
  mov esi, 0x200000
  mov ecx, 3000
  xor eax, eax
.l:
  add eax, ecx
  mov [esi], eax
  lea ebx, [eax+ecx*2]
  dec ecx
  jnz .l
  call f
  cmp eax, 100
  ja .m
  hlt
.m:
  sub eax, 1
  cmp eax, 7
  jmp .n
.n:
  add eax, 2
  jnz .m2
.m2:
  shr eax, 2
  jnz .m
  hlt
f:
  add eax, 5
  ret
