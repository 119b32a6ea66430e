; The translator's forms with 16- and 8-bit operands and 16-bit addresses, in real
; mode: ALU operations with registers, immediates and memory, byte registers AH..BH,
; [BX+SI+disp], [BP+disp] (SS), an ES: override, an offset that wraps at 64 KiB,
; PUSH/POP, CALL/RET rel16, shifts, INC/DEC (at a run's start too), TEST, LEA,
; SETcc, the flags of each setter (PUSHF), loops of Jcc and LOOP (CX and ECX), JCXZ,
; memory destinations, TEST/NOT/NEG/INC/DEC of r/m, LODS/STOS and moffs moves.
%include "real16.inc"
  mov ax, 0x1234
  mov bx, 0x2000
  mov si, 0x10
  mov cx, 0xfff0
  mov dx, 0x8001
  mov bp, 0x2100
  mov di, 0
  add ax, bx
  adc dx, ax
  sub cx, dx
  sbb ax, 7
  and dx, 0x0ff0
  or cx, 0x8000
  xor bp, 0x0100
  pushf
  mov [bx+si+4], ax
  mov [bp+2], cx          ; SS:[BP+2]
  add ax, [bx+si+4]
  sub cx, [bp+2]
  pushf
  cmp word [bx+si+4], 0x5000
  pushf
  cmp [bp+2], dx
  pushf
  mov byte [bx+0x40], 0x81
  mov al, [bx+0x40]
  add ah, al
  sub bh, ah
  xor dl, bh
  adc ch, dl
  pushf
  mov [es:bx+0x42], dx
  mov word [bx+0x44], 0xbeef
  mov bx, 0xfff0
  mov si, 0x2050          ; BX+SI = 12040h: wraps to 2040h
  mov cx, [bx+si]
  add cx, [bx+si+2]
  pushf
  mov bx, 0x2000
  lea di, [bx+si+0x7f]
  lea ax, [bp+di-3]
  shl ax, 3
  pushf
  shr cx, 1
  pushf
  sar dx, 5
  pushf
  shl bl, 2
  pushf
  sar bh, 1
  pushf
  test ax, cx
  pushf
  test al, 0x40
  pushf
  inc ax
  dec cx
  pushf
  sete bl
  setl bh
  mov al, 0x7f
  mov ah, 0x80
  mov cl, 5
  push ax
  push cx
  pop dx
  pop di
  call sub16
  mov bx, 0x2000
  mov si, 0x2060
  mov di, 0x20a0
  add [bx+0x50], dx
  pushf
  adc word [bx+0x52], 0x7fff
  pushf
  sub [bx+si+2], cl
  pushf
  sbb byte [bp+di-0x80], 1
  pushf
  xor word [es:bx+0x54], 0x5555
  test word [bx+0x56], 0x8000
  pushf
  not word [bx+0x58]
  neg byte [bx+0x5a]
  pushf
  neg dx
  pushf
  inc byte [bx+0x5b]
  dec dh
  pushf
  inc word [bx+0x5c]
  dec word [bp+di-0x7e]
  pushf
  lodsw
  lodsb
  stosw
  stosb
  mov ax, [0x2062]
  mov [0x20a8], ax
  mov al, [0x2065]
  mov [0x20aa], al
  mov cx, 40
.loop:
  add dx, cx
  adc di, 0
  dec cx
  jnz .loop
  pushf
  mov cx, 25
.loop2:
  add dx, 3
  xor di, dx
  loop .loop2             ; LOOP with CX
  mov ecx, 0x10003
.loop3:
  inc dx
  loop .loop3, ecx        ; LOOP with ECX (an address-size prefix): 10003h times
  jcxz .zero
  mov bx, 1
.zero:
  mov cx, 0
  inc cx
  dec cx
  jcxz .done
  mov bx, 2
.done:
  pushf
  hlt
sub16:
  inc si                  ; INC at the block's start: CF comes from the flags before it
  adc si, si
  pushf
  pop bp                  ; its flags
  ret
