; SHL/SHR/SAR by CL at each width: counts of 0 (no change, flags included: the
; interpreter's), 1 (OF), in between, the width's last bit, and past an 8- or 16-bit
; width (the interpreter's too); the flags of each (PUSHFD) and CL itself shifted.
%include "snippet.inc"
  mov ebx, 0x80000001
  mov edx, 0x12345678
%macro shifts 1
  mov cl, %1
  mov eax, 0x87654321
  add eax, ebx                  ; a setter before, so a count of 0 shows its flags
  shl eax, cl
  pushfd
  mov esi, edx
  shr esi, cl
  pushfd
  mov edi, 0x80f0f00f
  sar edi, cl
  pushfd
  mov ax, 0x8421
  shl ax, cl
  pushfd
  mov si, 0x8001
  shr si, cl
  pushfd
  mov di, 0x9003
  sar di, cl
  pushfd
  mov al, 0x81
  shl al, cl
  pushfd
  mov ah, 0xc3
  shr ah, cl
  pushfd
  mov dl, 0x90
  sar dl, cl
  pushfd
%endmacro
  shifts 0
  shifts 1
  shifts 5
  shifts 7
  shifts 8
  shifts 15
  shifts 16
  shifts 20
  shifts 31
  shifts 33                     ; masked to 1
  mov ecx, 3
  shl ecx, cl                   ; CL itself: 3 << 3
  pushfd
  hlt
