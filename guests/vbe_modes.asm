; vbe_modes: the VESA BIOS and the VBE display from a guest. In real mode:
; 4F00h (with 'VBE2'), 4F01h for 1024x768x32 (142h), a banked 8-bit mode
; (105h) whose bank window at A000h is written in two banks and read back,
; 4F02h to 1024x768x32 with the linear framebuffer (keeping video memory),
; 4F03h. In 32-bit protected mode: the blocks' fields, the banks' bytes in
; the linear framebuffer at E0000000h, a row and a column of pixels written
; and read back there, and a write past the framebuffer's 16 MiB that reads
; back as nothing (all ones).
; Run: pxos run --boot-sector vbe_modes.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        mov dword [vbe_info], 'VBE2'
        mov ax, 0x4F00
        mov di, vbe_info
        int 0x10
        mov [r_4f00], ax
        mov ax, 0x4F01
        mov cx, 0x142
        mov di, mode_info
        int 0x10
        mov [r_4f01], ax

        mov ax, 0x4F02                  ; 1024x768x8, banked
        mov bx, 0x0105
        int 0x10
        mov [r_4f02b], ax
        mov dx, 1
        call set_bank
        mov [r_4f05], ax
        mov byte [es:0x10], 0x5A        ; bank 1, offset 10h
        xor dx, dx
        call set_bank
        mov byte [es:0x10], 0xA5        ; bank 0, offset 10h
        mov dx, 1
        call set_bank
        mov al, [es:0x10]
        mov [r_bank1], al
        xor dx, dx
        call set_bank
        mov al, [es:0x10]
        mov [r_bank0], al
        xor ax, ax
        mov es, ax

        mov ax, 0x4F02                  ; 1024x768x32, linear, memory kept
        mov bx, 0xC142
        int 0x10
        mov [r_4f02], ax
        mov ax, 0x4F03
        int 0x10
        mov [r_4f03], ax
        mov [r_mode], bx
        PM_ENTER

; DX: the bank window A's position (64 KiB units); ES = A000h after.
        bits 16
set_bank:
        mov ax, 0x4F05
        xor bx, bx
        int 0x10
        push word 0xA000
        pop es
        ret

        bits 32
LFB     equ 0xE0000000
PITCH   equ 1024 * 4
pm_main:
        PM_PUTS s_hello
        EXPECT_EQ [r_4f00], 0x4F, "4F00h: AX = 004Fh"
        EXPECT_EQ [vbe_info], 'VESA', "4F00h: signature"
        movzx eax, word [vbe_info + 4]
        EXPECT_EQ eax, 0x0300, "4F00h: version 3.0"
        movzx eax, word [vbe_info + 18]
        EXPECT_EQ eax, 256, "4F00h: 16 MiB of video memory"
        EXPECT_EQ [r_4f01], 0x4F, "4F01h: AX = 004Fh"
        movzx eax, word [mode_info + 18]
        EXPECT_EQ eax, 1024, "4F01h: width"
        movzx eax, byte [mode_info + 25]
        EXPECT_EQ eax, 32, "4F01h: bits per pixel"
        EXPECT_EQ [mode_info + 40], LFB, "4F01h: PhysBasePtr"
        EXPECT_EQ [r_4f02b], 0x4F, "4F02h: 105h (banked)"
        EXPECT_EQ [r_4f05], 0x4F, "4F05h: bank 1"
        EXPECT_EQ [r_bank1], 0x5A, "bank 1 reads back its byte"
        EXPECT_EQ [r_bank0], 0xA5, "bank 0 reads back its byte"
        movzx eax, byte [LFB + 0x10010]
        EXPECT_EQ eax, 0x5A, "bank 1's byte in the linear framebuffer"
        movzx eax, byte [LFB + 0x10]
        EXPECT_EQ eax, 0xA5, "bank 0's byte in the linear framebuffer"
        EXPECT_EQ [r_4f02], 0x4F, "4F02h: C142h (linear, memory kept)"
        EXPECT_EQ [r_4f03], 0x4F, "4F03h: AX = 004Fh"
        EXPECT_EQ [r_mode], 0x4142, "4F03h: mode 142h with the LFB bit"

        ; Row 767 and column 1023: pixel i gets i * 010203h.
        xor ecx, ecx
.row:   mov eax, ecx
        imul eax, eax, 0x010203
        mov [LFB + 767 * PITCH + ecx * 4], eax
        inc ecx
        cmp ecx, 1024
        jb .row
        xor ecx, ecx
.col:   mov eax, ecx
        imul eax, eax, 0x030201
        mov edx, ecx
        imul edx, edx, PITCH
        mov [LFB + 1023 * 4 + edx], eax
        inc ecx
        cmp ecx, 767
        jb .col
        ; Read them back: count the pixels that differ.
        xor ebx, ebx
        xor ecx, ecx
.rrow:  mov eax, ecx
        imul eax, eax, 0x010203
        cmp [LFB + 767 * PITCH + ecx * 4], eax
        je .rok
        inc ebx
.rok:   inc ecx
        cmp ecx, 1024
        jb .rrow
        xor ecx, ecx
.rcol:  mov eax, ecx
        imul eax, eax, 0x030201
        mov edx, ecx
        imul edx, edx, PITCH
        cmp [LFB + 1023 * 4 + edx], eax
        je .cok
        inc ebx
.cok:   inc ecx
        cmp ecx, 767
        jb .rcol
        EXPECT_EQ ebx, 0, "1791 pixels read back as written"
        EXPECT_EQ [LFB + 767 * PITCH + 1023 * 4], 1023 * 0x010203, "the last pixel"

        mov dword [LFB + 0x1000000], 0x12345678     ; past the 16 MiB
        EXPECT_EQ [LFB + 0x1000000], 0xFFFFFFFF, "past the framebuffer: nothing there"
        EXPECT_EQ [LFB + 0xFFFFFC], 0, "the framebuffer's last dword untouched"

        PM_FINISH

        PM_CODE
s_hello: db "vbe_modes: VBE BIOS, bank window, linear framebuffer", 10, 0
r_4f00:  dd 0
r_4f01:  dd 0
r_4f02b: dd 0
r_4f05:  dd 0
r_4f02:  dd 0
r_4f03:  dd 0
r_mode:  dd 0
r_bank0: dd 0
r_bank1: dd 0
        align 16
vbe_info:  times 512 db 0
mode_info: times 256 db 0
        PM_END
