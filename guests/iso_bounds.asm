; iso_bounds: BIOS calls whose buffers point where they must not, on a
; machine with 1 MiB of RAM. Run it with
;   pxos run --boot-sector iso_bounds.bin --memory 1M
; INT 13h reads whose buffer runs past the end of RAM or into the ROM
; window must fail (CF set) and write nothing; with the A20 gate off a
; buffer above 1 MiB wraps to low memory as on a real PC. INT 15h AH=87h
; block moves whose descriptors point past RAM, into ROM or across 4 GiB
; must fail and copy nothing; a valid one must copy. The monitor must stay
; up throughout; the verdict is the number of failed checks.
        bits 16
        org 0x7C00
%include "pxtest.inc"
        PXTEST_BOOT 6

GDT      equ 0x0600            ; the AH=87h descriptor table (48 bytes)
CANARY   equ 0x1000            ; where a wrapped read lands (0x101000 & ~A20)

stage2:
        cld
        mov ax, 0x2401                  ; A20 on
        int 0x15
        CHECK nc, msg_a20_on

        ; --- INT 13h ---------------------------------------------------------
        mov word [CANARY], 0x5A5A
        ; A20 on: FFFF:1010 = 101000h, past 1 MiB of RAM.
        mov ax, 0xFFFF
        mov es, ax
        mov bx, 0x1010
        call read1
        CHECK c, msg_past_ram
        cmp word [CANARY], 0x5A5A
        CHECK e, msg_past_ram_nothing
        ; FFFF:FE10 = 10FE00h: the very top of the real-mode space.
        mov bx, 0xFE10
        call read1
        CHECK c, msg_top
        ; F000:0000: the ROM window, not RAM.
        mov ax, 0xF000
        mov es, ax
        xor bx, bx
        mov ax, [es:0]
        mov [rom_word], ax
        call read1
        CHECK c, msg_rom
        mov ax, [es:0]
        cmp ax, [rom_word]
        CHECK e, msg_rom_intact
        ; E000:FE00: the last sector below the ROM window reads fine.
        mov ax, 0xE000
        mov es, ax
        mov bx, 0xFE00
        call read1
        CHECK nc, msg_below_rom
        cmp word [es:0xFE00], 0x31FA    ; the boot sector: cli; xor ax, ax
        CHECK e, msg_below_rom_data
        ; Two sectors from E000:FE00 cross a 64 KiB DMA boundary.
        mov ax, 0x0202
        mov cx, 0x0001
        xor dx, dx
        int 0x13
        CHECK c, msg_dma
        ; A20 off: FFFF:1010 wraps to 001000h, as on a real PC.
        mov ax, 0x2400
        int 0x15
        mov ax, 0xFFFF
        mov es, ax
        mov bx, 0x1010
        call read1
        CHECK nc, msg_wrap
        cmp word [CANARY], 0x31FA
        CHECK e, msg_wrap_data
        mov ax, 0x2401
        int 0x15

        ; --- INT 15h AH=87h ----------------------------------------------------
        xor ax, ax
        mov es, ax
        ; valid: 7C00h -> 80000h, 256 bytes
        mov eax, 0x7C00
        mov ebx, 0x80000
        mov cx, 128
        call move
        CHECK nc, msg_move_ok
        push ds
        mov ax, 0x8000
        mov ds, ax
        cmp word [0], 0x31FA
        pop ds
        CHECK e, msg_move_data
        ; destination past RAM
        mov eax, 0x7C00
        mov ebx, 0x100000
        mov cx, 128
        call move
        CHECK c, msg_move_dst_past
        ; destination in the ROM window
        mov eax, 0x7C00
        mov ebx, 0xFFF00
        mov cx, 128
        call move
        CHECK c, msg_move_dst_rom
        ; destination straddling the end of RAM below 4 GiB
        mov eax, 0x7C00
        mov ebx, 0xFFFFFF00
        mov cx, 0x100
        call move
        CHECK c, msg_move_dst_4g
        ; source across 4 GiB (the ROM alias's end)
        mov eax, 0xFFFFFFF0
        mov ebx, 0x80000
        mov cx, 64
        call move
        CHECK c, msg_move_src_4g
        ; source past RAM
        mov eax, 0x00FF0000
        mov ebx, 0x80000
        mov cx, 0x8000
        call move
        CHECK c, msg_move_src_past
        ; CX above 8000h words
        mov eax, 0x7C00
        mov ebx, 0x80000
        mov cx, 0x8001
        call move
        CHECK c, msg_move_cx
        ; the descriptor table itself past RAM: ES:SI = FFFF:FFF0
        mov ax, 0xFFFF
        mov es, ax
        mov si, 0xFFF0
        mov ah, 0x87
        mov cx, 16
        int 0x15
        CHECK c, msg_move_gdt_past
        FINISH

; Reads the boot sector (C0 H0 S1) into ES:BX; CF from INT 13h.
read1:
        mov ax, 0x0201
        mov cx, 0x0001
        xor dx, dx
        int 0x13
        ret

; INT 15h AH=87h: CX words from linear EAX to linear EBX, GDT at 0000:0600.
move:
        push es
        push cx
        xor cx, cx
        mov es, cx
        mov di, GDT
        push eax
        xor eax, eax
        mov cx, 24
        rep stosw
        pop eax
        mov word [GDT + 0x10], 0xFFFF
        mov [GDT + 0x12], ax
        shr eax, 16
        mov [GDT + 0x14], al
        mov byte [GDT + 0x15], 0x93
        mov [GDT + 0x17], ah
        mov word [GDT + 0x18], 0xFFFF
        mov [GDT + 0x1A], bx
        shr ebx, 16
        mov [GDT + 0x1C], bl
        mov byte [GDT + 0x1D], 0x93
        mov [GDT + 0x1F], bh
        pop cx
        mov si, GDT
        mov ah, 0x87
        int 0x15
        pop es
        ret

rom_word:             dw 0
msg_a20_on:           db "INT 15h AX=2401h turns A20 on", 0
msg_past_ram:         db "INT 13h read to FFFF:1010 (past 1 MiB of RAM) fails", 0
msg_past_ram_nothing: db "... and writes nothing (no wrap with A20 on)", 0
msg_top:              db "INT 13h read to FFFF:FE10 (top of the real-mode space) fails", 0
msg_rom:              db "INT 13h read into the ROM window (F000:0000) fails", 0
msg_rom_intact:       db "... and the ROM is unchanged", 0
msg_below_rom:        db "INT 13h read to E000:FE00 (last sector below the ROM) works", 0
msg_below_rom_data:   db "... with the sector's data", 0
msg_dma:              db "INT 13h 2-sector read across a 64 KiB boundary fails", 0
msg_wrap:             db "INT 13h read to FFFF:1010 with A20 off works", 0
msg_wrap_data:        db "... and lands at 0000:1000 (wrap at 1 MiB)", 0
msg_move_ok:          db "INT 15h AH=87h 7C00h -> 80000h works", 0
msg_move_data:        db "... and copies", 0
msg_move_dst_past:    db "INT 15h AH=87h to 100000h (past RAM) fails", 0
msg_move_dst_rom:     db "INT 15h AH=87h into the ROM window fails", 0
msg_move_dst_4g:      db "INT 15h AH=87h to FFFFFF00h (below 4 GiB, not RAM) fails", 0
msg_move_src_4g:      db "INT 15h AH=87h from FFFFFFF0h (across 4 GiB) fails", 0
msg_move_src_past:    db "INT 15h AH=87h from FF0000h (past RAM) fails", 0
msg_move_cx:          db "INT 15h AH=87h with CX = 8001h fails", 0
msg_move_gdt_past:    db "INT 15h AH=87h with its GDT past RAM fails", 0
