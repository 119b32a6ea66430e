; FS (base 200000h, limit 0FFFh, set by the test) is not flat: each access checks it. The
; loop's third pass reads past the limit (#GP(0)) where the TLB already holds the page.
%include "snippet.inc"
  mov dword [0x200010], 0x11223344
  mov edi, [0x201000]
  mov esi, 0x10
.l:
  mov eax, 3
  mov ecx, [fs:esi]
  add ecx, eax
  mov [fs:esi+4], ecx
  add esi, 0x7f8
  jmp .l
