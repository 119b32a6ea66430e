; A store into its own block: the two MOVs at target become four NOPs before they run.
%include "snippet.inc"
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
