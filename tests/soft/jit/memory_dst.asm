; Read-modify-write forms and the other group forms, 32-bit: ALU operations with a
; memory destination (register and immediate sources, ADC/SBB with the carry of the
; setter before them and of the flags before the run), TEST r/m, imm, NOT and NEG of
; registers and memory, INC/DEC r/m8 (AH too) and r/m32, PUSH r/m inside a block, LODS/STOS without REP and MOV with a
; moffs operand, JECXZ and Jcc with a 16-bit operand not taken (EIP past 64 KiB);
; PUSHF after each setter keeps its flags.
%include "snippet.inc"
  mov esi, 0x200000
  mov edi, 0x200100
  stc
  adc dword [esi+8], 0x11       ; ADC first in the run: CF from the flags before it
  pushfd
  mov eax, 0x7fffffff
  add [esi], eax
  pushfd
  sub dword [esi+4], 0x12345
  pushfd
  adc [esi+12], eax
  pushfd
  sbb dword [esi+16], 3
  pushfd
  and byte [esi+20], 0xf0
  pushfd
  or word [esi+22], 0x8001
  pushfd
  xor [esi+24], al
  pushfd
  test dword [esi+28], 0x80000000
  pushfd
  test ecx, 0x10
  pushfd
  test byte [esi+1], 0x81
  pushfd
  not dword [esi+32]
  not ebx
  neg dword [esi+36]
  pushfd
  neg cx
  pushfd
  neg byte [esi+40]
  pushfd
  mov ah, 0x7f
  inc ah
  pushfd
  dec byte [esi+41]
  pushfd
  inc bl
  pushfd
  inc dword [esi+44]            ; FF /0 and /1 go on inside their block
  pushfd
  dec word [esi+48]
  pushfd
  db 0xff, 0xc9                 ; dec ecx, FF /1 with a register
  pushfd
  push dword [esi+52]           ; FF /6 goes on too (through its thunk)
  pop edx
  add edx, ecx
  lodsd
  lodsb
  lodsw
  stosd
  stosb
  stosw
  mov eax, [0x200030]
  mov [0x200104], eax
  mov al, [0x200031]
  mov [0x200109], al
  mov ax, [0x200032]
  mov [0x20010a], ax
  mov ecx, 1
  add ebx, ecx
  db 0x66                       ; o16 JECXZ, not taken: EIP goes on past 64 KiB
  jecxz .away
  add ebx, ecx
  db 0x66                       ; o16 JNZ, not taken
  jz .away
  add ebx, 7
  hlt
.away:
  mov ebx, 0xdead
  hlt
