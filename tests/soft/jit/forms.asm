; Every translated form; each result lands in memory (EDI), which is compared. The data at
; ESI is a pattern with sign bits set and clear (fill_data).
%include "snippet.inc"
  mov esi, 0x200000
  mov edi, 0x200100
  mov eax, [esi]
  mov [edi], eax
  movzx ebx, byte [esi+1]
  mov [edi+4], ebx
  movsx ecx, byte [esi+2]
  mov [edi+8], ecx
  movzx edx, word [esi+3]
  mov [edi+12], edx
  movsx ebp, word [esi+2]
  mov [edi+16], ebp
  mov al, [esi+7]
  mov [edi+20], eax
  mov [edi+24], bh
  mov byte [edi+25], 0x81
  mov dword [edi+28], 0xdeadbeef
  mov word [edi+112], 0x8765
  mov [edi+118], cx
  mov dx, [esi+9]
  mov [edi+36], edx
  lea ebp, [esi+ecx*4+8]
  mov [edi+40], ebp
  lea ebp, [ecx*8+3]
  mov [edi+44], ebp
  mov eax, 0x12345678
  mov ebx, 0x9abcdef0
  mov ecx, eax
  add ecx, ebx
  sub edx, 5
  xor ebp, ebp
  or ebp, edx
  and ebp, 0xff00ff
  cmp eax, ebx
  setb cl
  setl ch
  cmovbe edx, eax
  cmova ebp, [esi+4]
  mov [edi+48], ecx
  mov [edi+52], edx
  mov [edi+56], ebp
  imul ecx, ebx
  imul edx, [esi], 77
  imul eax, ebx, -3
  sete ah
  mov [edi+60], ecx
  mov [edi+64], edx
  mov [edi+68], eax
  shl eax, 3
  shr ebx, 1
  sar edx, 7
  sete al
  mov [edi+72], eax
  mov [edi+76], ebx
  mov [edi+80], edx
  xor ebx, 0xc0c0
  movzx ecx, bl
  movsx edx, bh
  mov [edi+88], edx
  mov edx, 0x1234f00d
  movzx eax, cx
  movsx ebp, dx
  mov [edi+84], ecx
  mov [edi+92], eax
  mov [edi+96], ebp
  push eax
  push ebx
  pop ecx
  pop edx
  mov [edi+104], ecx
  mov [edi+108], edx
  test ecx, edx
  add eax, [esi+12]
  and ebx, [esi+4]
  cmp eax, 1000
  jb .x
  add eax, 1
.x:
  sub eax, ebx
  jl .y
  xor eax, eax
.y:
  mov ebp, [esi+0xffe]
  mov [edi+100], ebp
  pushfd
  pop ebx
  hlt
