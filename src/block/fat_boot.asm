; The boot sector of the FAT partition pxOS builds from a host folder
; (block/fat_layout.cpp). It loads a DOS kernel the builder laid out in one
; piece (KERNEL.SYS, FreeDOS's name) by FreeDOS's load protocol: the whole
; file at linear 600h, entered at 0060:0000 with BL = the BIOS drive it came
; from and SS:BP (and DS:BP) pointing at this sector with its BPB. Since the
; kernel may reach past 7C00h, the sector first moves itself to 1FE0:7C00.
; The builder fills the BPB (bytes 3-59h) and the kernel's place: its first
; sector (an LBA on the disk) at 1F8h and its length in sectors at 1FCh; a
; length of 0 means no kernel was found, and the sector says so.
bits 16
org 0x7C00

  jmp short start
  nop
  times 0x5A - ($ - $$) db 0  ; the OEM name and the (FAT16 or FAT32) BPB

kRelocSeg equ 0x1FE0         ; 1FE0:7C00 = linear 27A00h
kLoadSeg  equ 0x0060
kChunk    equ 64             ; sectors per INT 13h call (32 KiB)

start:
  cli
  xor ax, ax
  mov ds, ax
  mov ax, kRelocSeg
  mov es, ax
  mov ss, ax
  mov sp, 0x7C00
  sti
  cld
  mov si, 0x7C00
  mov di, si
  mov cx, 256
  rep movsw
  jmp kRelocSeg:relocated

relocated:
  mov ds, ax
  mov [drive], dl
  mov cx, [kernel_sectors]
  test cx, cx
  jz .no_kernel
  mov eax, [kernel_lba]
  mov [dap_lba], eax
.next:
  mov ax, cx
  cmp ax, kChunk
  jbe .count_ok
  mov ax, kChunk
.count_ok:
  mov [dap_count], ax
  push cx
  mov si, dap
  mov ah, 0x42
  mov dl, [drive]
  int 0x13
  pop cx
  jc .io_error
  mov ax, [dap_count]
  sub cx, ax
  movzx eax, ax
  add [dap_lba], eax
  shl ax, 5                  ; 32 paragraphs a sector
  add [dap_seg], ax
  test cx, cx
  jnz .next
  mov bl, [drive]
  mov bp, 0x7C00
  jmp kLoadSeg:0
.no_kernel:
  mov si, msg_none
  jmp fail
.io_error:
  mov si, msg_io

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

drive:     db 0
dap:       db 16, 0
dap_count: dw 0
           dw 0          ; offset
dap_seg:   dw kLoadSeg
dap_lba:   dd 0, 0

msg_none: db "No KERNEL.SYS on this disk", 13, 10, 0
msg_io:   db "Disk read error loading KERNEL.SYS", 13, 10, 0

  times 0x1F8 - ($ - $$) db 0
kernel_lba:     dd 0
kernel_sectors: dw 0
  dw 0xAA55
