; The master boot record of a disk pxOS builds from a host folder
; (block/fat_layout.cpp): it moves itself out of the way to 0000:0600, finds
; the active partition in its table, reads that partition's first sector to
; 0000:7C00 with INT 13h AH=42h and jumps there with DL = the boot drive and
; DS:SI = the partition's table entry, as PC MBRs have always done. The
; builder writes the partition table (offset 1BEh) over the zeros below.
bits 16
org 0x600

start:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7C00
  sti
  cld
  mov si, 0x7C00
  mov di, 0x600
  mov cx, 256
  rep movsw
  jmp 0:relocated

relocated:
  mov [drive], dl
  mov si, table
  mov cx, 4
.find:
  test byte [si], 0x80
  jnz .found
  add si, 16
  loop .find
  mov si, msg_none
  jmp fail
.found:
  mov ax, [si + 8]
  mov [dap_lba], ax
  mov ax, [si + 10]
  mov [dap_lba + 2], ax
  push si
  mov si, dap
  mov ah, 0x42
  mov dl, [drive]
  int 0x13
  pop si
  jc .io_error
  cmp word [0x7DFE], 0xAA55
  jne .not_bootable
  mov dl, [drive]
  jmp 0:0x7C00
.io_error:
  mov si, msg_io
  jmp fail
.not_bootable:
  mov si, msg_boot

; Prints the NUL-terminated text at DS:SI and gives up (INT 18h).
fail:
  lodsb
  test al, al
  jz .done
  mov ah, 0x0E
  mov bx, 7
  int 0x10
  jmp fail
.done:
  int 0x18

drive: db 0
dap:   db 16, 0
       dw 1          ; one sector
       dw 0x7C00, 0  ; to 0000:7C00
dap_lba: dd 0, 0

msg_none: db "MBR: no active partition", 13, 10, 0
msg_io:   db "MBR: disk read error", 13, 10, 0
msg_boot: db "MBR: partition is not bootable", 13, 10, 0

  times 0x1BE - ($ - $$) db 0
table:
  times 64 db 0
  dw 0xAA55
