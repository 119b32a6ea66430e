; ADC, SBB, INC and DEC after each kind of flag setter and after each other, a Jcc after
; DEC, 16-bit loads and stores, CMP with memory, CALL, RET and JMP, and SETB/SETA after
; DEC (CF from before it).
%include "snippet.inc"
  mov esi, 0x200000
  mov dword [esi], 0xfffffff0
  mov ebx, 0x7fffffff
  mov eax, 0x80000001
  add eax, ebx
  adc eax, ebx
  pushfd
  mov eax, 0x80000001
  sub eax, ebx
  sbb eax, ebx
  pushfd
  mov eax, 0x80000001
  add eax, eax
  adc eax, 5
  pushfd
  mov eax, 0x80000001
  cmp eax, ebx
  sbb eax, [esi]
  pushfd
  mov eax, 0x80000001
  add eax, ebx
  inc eax
  pushfd
  mov eax, 0x80000001
  sub eax, ebx
  dec eax
  pushfd
  mov eax, 0x80000001
  imul eax, ebx
  inc eax
  pushfd
  mov eax, 0x80000001
  and eax, ebx
  dec eax
  pushfd
  mov eax, 0x80000001
  shl eax, 1
  adc eax, 0
  pushfd
  mov eax, 0x80000001
  shr eax, 1
  sbb eax, 0
  pushfd
  mov eax, 0x80000001
  test eax, eax
  adc eax, 0
  pushfd
  mov eax, 0xffffffff
  add eax, 1
  adc ebx, 0
  adc ecx, 0
  sbb edx, 3
  inc ebx
  adc eax, eax
  dec edx
  sbb edx, ebx
  inc ecx
  pushfd
  mov eax, 1
  xor ecx, ecx
  dec eax
  jz .z
  mov ecx, 1
.z:
  mov [esi+20], cx
  mov word [esi+22], 0x1234
  mov dx, [esi+20]
  cmp [esi], ebx
  setb cl
  cmp dword [esi], 7
  seta ch
  call fn
  jmp .end
fn:
  mov eax, 3
  add eax, 4
  ret
.end:
  mov eax, 0xffffffff
  add eax, 2
  dec eax
  setb cl
  seta ch
  pushfd
  hlt
