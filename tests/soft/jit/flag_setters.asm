; Each flag setter the translator compiles, each followed by PUSHFD: the PUSHFD ends the
; run, and its image of the lazy flags lands on the stack, which is compared.
%include "snippet.inc"
  mov esi, 0x200000
  mov dword [esi], 0x80000001
  mov ebx, 0x7fffffff
%macro T 1+
  mov eax, 0x80000001
  %1
  pushfd
%endmacro
  T add eax, ebx
  T sub eax, ebx
  T cmp eax, ebx
  T and eax, ebx
  T or eax, ebx
  T xor eax, eax
  T test eax, ebx
  T imul eax, ebx
  T imul eax, ebx, 3
  T imul eax, [esi]
  T imul ecx, eax, 1
  T shl eax, 3
  T shl eax, 1
  T shr eax, 1
  T shr eax, 5
  T sar eax, 1
  T sar eax, 31
  T add eax, [esi]
  T cmp eax, [esi]
  T sub eax, 0x7f
  T add eax, 0x12345678
  T cmp eax, -1
  T sub ebx, eax
  hlt
