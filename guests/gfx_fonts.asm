; gfx_fonts: INT 10h's fonts and state services, from a guest. The ROM's
; fonts through AX=1130h (all BH), AH=1Ah/1Bh/1Ch, AX=1112h/1111h/1114h
; (rows fitted to the font: BDA, CR09), a user font (AX=1100h) read back from
; plane 2, hostile font loads (bad height, first character past 255, a count
; past the end), AX=1103h, AX=1123h/1124h, INT 43h and the character height
; of modes 13h, 12h and 10h, AH=08h reading a character back in graphics
; modes, AH=05h pages in 10h and 0Dh. Four screens wait for a key after
; saying so on the debug console (--send-keys xxxx passes them):
;   "50 rows drawn"   mode 03h after AX=1112h: "row 1 of 50" at the top, "row 50 of 50" on row 49
;   "13h text drawn"  mode 13h: t_text13 at (0, 0) in white, 8x8 characters
;   "12h text drawn"  mode 12h: t_text12 at (0, 0) in white, 8x16 characters
;   "10h text drawn"  mode 10h: t_text10 at (0, 0) in white, 8x14 characters
; Ends with the failure count on the exit port.
%include "pxtest.inc"

        PXTEST_START 12

stage2:
        sti
        mov ax, 0x0003
        int 0x10
        call rom_fonts
        call display_state
        call save_restore
        call rows50
        call user_font
        call graphics
        mov ax, 0x0003
        int 0x10
        FINISH

; ---- AX=1130h in mode 03h: where the ROM's fonts are ----
rom_fonts:
        mov bh, 6
        mov di, 0xC000
        call font_is
        jne .f1
        cmp cx, 16
        jne .f1
        cmp dl, 24
.f1:    CHECK e, t_8x16
        mov bh, 2
        mov di, 0xD000
        call font_is
        CHECK e, t_8x14
        mov bh, 3
        mov di, 0xF000
        call font_is
        CHECK e, t_8x8
        mov bh, 4
        mov di, 0xF400
        call font_is
        CHECK e, t_8x8hi
        mov bh, 0                       ; INT 1Fh: the upper half of 8x8
        mov di, 0xF400
        call font_is
        CHECK e, t_int1f
        mov bh, 1                       ; INT 43h: 8x16 in the text modes
        mov di, 0xC000
        call font_is
        CHECK e, t_int43
        mov di, 0xC000 + 'A' * 16
        mov cx, 16
        call glyph_nonblank
        CHECK nz, t_a16
        mov di, 0xD000 + 'A' * 14
        mov cx, 14
        call glyph_nonblank
        CHECK nz, t_a14
        mov di, 0xF000 + 'A' * 8
        mov cx, 8
        call glyph_nonblank
        CHECK nz, t_a8
        mov di, 0xFA6E + 'A' * 8        ; IBM's copy of the first half
        mov cx, 8
        call glyph_nonblank
        CHECK nz, t_a8ibm
        ret

; ---- AH=1Ah and AH=1Bh ----
display_state:
        mov ax, 0x1A00
        int 0x10
        cmp al, 0x1A
        jne .f1
        cmp bx, 0x0008
.f1:    CHECK e, t_1a00
        mov ax, 0x1A01                  ; VGA colour, MDA as the alternate
        mov bx, 0x0108
        int 0x10
        cmp al, 0x1A
        jne .f2
        mov ax, 0x1A00
        int 0x10
        cmp bx, 0x0108
.f2:    CHECK e, t_1a01
        mov ax, 0x1A01                  ; a combination IBM's table lacks
        mov bx, 0x3355
        int 0x10
        cmp al, 0x1A
        CHECK ne, t_1a01_bad
        mov ax, 0x1A01
        mov bx, 0x0008
        int 0x10
        mov ax, 0x1B00
        xor bx, bx
        mov di, buf
        int 0x10
        cmp al, 0x1B
        CHECK e, t_1b
        les si, [buf]                   ; the static functionality table
        mov al, [es:si]
        mov ah, [es:si + 2]
        xor bx, bx
        mov es, bx
        cmp ax, 0x0FFF                  ; modes 00h-07h, 10h-13h
        CHECK e, t_1b_static
        cmp byte [buf + 4], 3
        jne .f3
        cmp byte [buf + 0x22], 25
        jne .f3
        cmp word [buf + 0x23], 16
        jne .f3
        cmp word [buf + 0x25], 0x0008
        jne .f3
        cmp word [buf + 0x27], 16
        jne .f3
        cmp word [buf + 0x29], 0x0208   ; 8 pages, 400 lines
        jne .f3
        cmp byte [buf + 0x31], 3
.f3:    CHECK e, t_1b_fields
        mov ax, 0x1B00                  ; only BX = 0 is defined
        mov bx, 1
        mov di, buf
        mov byte [buf + 0x22], 0
        int 0x10
        cmp byte [buf + 0x22], 0
        CHECK e, t_1b_bx
        ret

; ---- AH=1Ch: save, change, restore ----
save_restore:
        mov ax, 0x1C00
        mov cx, 7
        int 0x10
        cmp al, 0x1C
        jne .f1
        cmp bx, 14                      ; 65 + 45 + 771 bytes
.f1:    CHECK e, t_1c_size
        mov ax, 0x1C01
        mov cx, 7
        mov bx, state
        int 0x10
        cmp al, 0x1C
        CHECK e, t_1c_save
        mov ax, 0x1010                  ; DAC 1 white
        mov bx, 1
        mov dh, 0x3F
        mov cx, 0x3F3F
        int 0x10
        mov ax, 0x1112                  ; 50 rows: CR09 and the BDA change
        xor bl, bl
        int 0x10
        mov ax, 0x1C02
        mov cx, 7
        mov bx, state
        int 0x10
        mov ax, 0x1015
        mov bx, 1
        int 0x10
        test dh, dh
        jne .f2
        cmp cx, 0x002A                  ; mode 03h's DAC 1: (0, 0, 2Ah)
.f2:    CHECK e, t_1c_dac
        mov al, 0x09
        call crtc_read
        and al, 0x1F
        cmp al, 15
        jne .f3
        cmp byte [0x484], 24
        jne .f3
        cmp word [0x485], 16
.f3:    CHECK e, t_1c_regs
        mov ax, 0x1114                  ; the 8x16 font back in block 0
        xor bl, bl
        int 0x10
        ret

; ---- AX=1112h: 80x50 ----
rows50:
        mov ax, 0x1112
        xor bl, bl
        int 0x10
        cmp byte [0x484], 49
        jne .f1
        cmp word [0x485], 8
        jne .f1
        mov al, 0x09
        call crtc_read
        and al, 0x1F
        cmp al, 7
.f1:    CHECK e, t_1112
        mov bh, 3
        mov di, 0xF000
        call font_is
        jne .f2
        cmp cx, 8
        jne .f2
        cmp dl, 49
.f2:    CHECK e, t_1112_info
        mov bp, t_row1
        mov cx, t_row1_len
        xor dx, dx
        call write_string
        mov bp, t_row50
        mov cx, t_row50_len
        mov dx, 0x3100
        call write_string
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x3104                  ; the '5' of "row 50"
        int 0x10
        mov ah, 0x08
        int 0x10
        cmp ax, 0x1F35
        CHECK e, t_read50
        mov ah, 0x02                    ; the cursor away from the text
        xor bh, bh
        mov dx, 0x1428
        int 0x10
        mov si, d_50
        call drawn
        mov ax, 0x1111
        xor bl, bl
        int 0x10
        cmp byte [0x484], 27            ; 400 / 14 = 28 rows
        jne .f3
        cmp word [0x485], 14
.f3:    CHECK e, t_1111
        mov ax, 0x1114
        xor bl, bl
        int 0x10
        cmp byte [0x484], 24
        jne .f4
        cmp word [0x485], 16
.f4:    CHECK e, t_1114
        ret

; ---- AX=1100h and AX=1103h: plane 2 read back ----
user_font:
        mov ax, 0x1100                  ; glyph 'A' of 16 bytes into block 1
        mov bx, 0x1001
        mov cx, 1
        mov dx, 0x41
        mov bp, pattern
        int 0x10
        call plane2_on
        push ds
        mov ax, 0xA000
        mov ds, ax
        mov al, [0x4000 + 0x41 * 32 + 5]
        mov ah, [0x4000 + 0x41 * 32 + 15]
        mov bl, [0x4000 + 0x42 * 32]    ; 'B' of block 1: untouched (0)
        pop ds
        call plane2_off
        cmp ax, 0xF266
        jne .f1
        test bl, bl
.f1:    CHECK e, t_1100
        ; Hostile loads: height 0, first character 1FFh, and a count past the
        ; end from character FFh of 32 bytes into block FFh (block 7).
        mov ax, 0x1100
        mov bx, 0x0000
        mov cx, 1
        xor dx, dx
        int 0x10
        mov ax, 0x1100
        mov bx, 0x1000
        mov cx, 5
        mov dx, 0x1FF
        int 0x10
        mov ax, 0x1100
        mov bx, 0x20FF
        mov cx, 0xFFFF
        mov dx, 0xFF
        mov bp, 0xFFF0
        int 0x10
        call plane2_on
        push ds
        mov ax, 0xA000
        mov ds, ax
        mov al, [0xE000 + 0xFF * 32 + 3]  ; block 7 is at 2000h + 3 * 4000h
        pop ds
        call plane2_off
        cmp al, [0xFFF3]
        CHECK e, t_1100_bad
        mov ax, 0x1103
        mov bl, 0x05
        int 0x10
        mov dx, 0x3C4
        mov al, 3
        out dx, al
        inc dx
        in al, dx
        cmp al, 0x05
        CHECK e, t_1103
        mov ax, 0x1103
        xor bl, bl
        int 0x10
        ret

; ---- graphics modes ----
graphics:
        mov ax, 0x0013
        int 0x10
        mov bh, 1                       ; INT 43h: 8x8
        mov di, 0xF000
        call font_is
        jne .f1
        cmp cx, 8
        jne .f1
        cmp dl, 24
.f1:    CHECK e, t_13_font
        mov bp, t_text13
        mov cx, t_text13_len
        xor dx, dx
        call write_string
        xor dx, dx
        call read_char
        cmp al, [t_text13]
        CHECK e, t_13_read
        mov dx, 0x0003
        call read_char
        cmp al, [t_text13 + 3]
        CHECK e, t_13_read
        mov si, d_13
        call drawn
        mov ah, 0x05                    ; one page only
        mov al, 1
        int 0x10
        cmp byte [0x462], 0
        CHECK e, t_13_page

        mov ax, 0x0012
        int 0x10
        mov bh, 1                       ; INT 43h: 8x16
        mov di, 0xC000
        call font_is
        jne .f2
        cmp cx, 16
        jne .f2
        cmp dl, 29
.f2:    CHECK e, t_12_font
        mov bp, t_text12
        mov cx, t_text12_len
        xor dx, dx
        call write_string
        mov dx, 0x0001
        call read_char
        cmp al, [t_text12 + 1]
        CHECK e, t_12_read
        mov si, d_12
        call drawn
        mov ax, 0x1123                  ; 8x8, 25 rows
        mov bl, 2
        int 0x10
        mov bh, 1
        mov di, 0xF000
        call font_is
        jne .f3
        cmp cx, 8
        jne .f3
        cmp dl, 24
.f3:    CHECK e, t_1123
        mov ax, 0x1124                  ; 8x16, DL = 30 rows
        xor bl, bl
        mov dl, 30
        int 0x10
        cmp byte [0x484], 29
        jne .f4
        cmp word [0x485], 16
.f4:    CHECK e, t_1124

        mov ax, 0x0010
        int 0x10
        mov bh, 1                       ; INT 43h: 8x14
        mov di, 0xD000
        call font_is
        jne .f5
        cmp cx, 14
        jne .f5
        cmp dl, 24
.f5:    CHECK e, t_10_font
        mov bp, t_text10
        mov cx, t_text10_len
        xor dx, dx
        call write_string
        mov dx, 0x0002
        call read_char
        cmp al, [t_text10 + 2]
        CHECK e, t_10_read
        mov si, d_10
        call drawn
        mov ax, 0x0501
        int 0x10
        mov al, 0x0C
        call crtc_read
        mov ah, al
        mov al, 0x0D
        call crtc_read
        cmp ax, 0x8000
        jne .f6
        cmp word [0x44E], 0x8000
        jne .f6
        cmp byte [0x462], 1
.f6:    CHECK e, t_10_page
        mov ax, 0x0502                  ; 10h has two pages
        int 0x10
        cmp byte [0x462], 1
        CHECK e, t_10_nopage
        mov ax, 0x000D
        int 0x10
        mov ax, 0x0507
        int 0x10
        cmp byte [0x462], 7
        jne .f7
        cmp word [0x44E], 0xE000
.f7:    CHECK e, t_0d_page
        ret

; ZF: AX=1130h BH=BH gives ES:BP = F000:DI (CX, DL as the call left them).
font_is:
        push es
        mov ax, 0x1130
        int 0x10
        mov ax, es
        pop es
        cmp ax, 0xF000
        jne .r
        cmp bp, di
.r:     ret

; ZF clear when the CX bytes at F000:DI have a set pixel.
glyph_nonblank:
        push es
        mov ax, 0xF000
        mov es, ax
        xor al, al
.l:     or al, [es:di]
        inc di
        loop .l
        pop es
        test al, al
        ret

; AH=13h AL=01h: the CX characters at ES:BP at DH:DL of page 0 in colour/attribute 1Fh.
write_string:
        mov ax, 0x1301
        mov bx, 0x001F
        int 0x10
        ret

; AL = AH=08h's character at DH:DL of page 0.
read_char:
        mov ah, 0x02
        xor bh, bh
        int 0x10
        mov ah, 0x08
        int 0x10
        ret

; AL = CRTC register AL.
crtc_read:
        mov dx, 0x3D4
        out dx, al
        inc dx
        in al, dx
        ret

; Plane 2 readable at A000:0000 (as font loaders do it), and back to text.
plane2_on:
        mov si, regs_plane2
        jmp set_regs
plane2_off:
        mov si, regs_text
; The (port, index, value) triples at SI, up to a zero port (AX kept).
set_regs:
        push ax
.next:  mov dx, [si]
        test dx, dx
        jz .done
        mov al, [si + 2]
        out dx, al
        inc dx
        mov al, [si + 3]
        out dx, al
        add si, 4
        jmp .next
.done:  pop ax
        ret
regs_plane2: dw 0x3C4
        db 2, 4
        dw 0x3C4
        db 4, 7
        dw 0x3CE
        db 4, 2
        dw 0x3CE
        db 5, 0
        dw 0x3CE
        db 6, 4
        dw 0
regs_text: dw 0x3C4
        db 2, 3
        dw 0x3C4
        db 4, 3
        dw 0x3CE
        db 4, 0
        dw 0x3CE
        db 5, 0x10
        dw 0x3CE
        db 6, 0x0E
        dw 0

; Says [SI] on the debug console and waits for a key.
drawn:
        call pxt_puts
        xor ah, ah
        int 0x16
        ret

pattern: db 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xF1, 0xF2
t_row1:  db "row 1 of 50"
t_row1_len equ $ - t_row1
t_row50: db "row 50 of 50"
t_row50_len equ $ - t_row50
t_text13: db "MODE 13H 8X8"
t_text13_len equ $ - t_text13
t_text12: db "MODE 12H 8X16"
t_text12_len equ $ - t_text12
t_text10: db "MODE 10H 8X14"
t_text10_len equ $ - t_text10
d_50:    db "50 rows drawn", 10, 0
d_13:    db "13h text drawn", 10, 0
d_12:    db "12h text drawn", 10, 0
d_10:    db "10h text drawn", 10, 0
t_8x16:  db "AX=1130h BH=6: F000:C000, 16 lines, 25 rows", 0
t_8x14:  db "AX=1130h BH=2: 8x14 at F000:D000", 0
t_8x8:   db "AX=1130h BH=3: 8x8 at F000:F000", 0
t_8x8hi: db "AX=1130h BH=4: 8x8 upper half at F000:F400", 0
t_int1f: db "INT 1Fh at the 8x8 upper half", 0
t_int43: db "INT 43h at 8x16 in mode 03h", 0
t_a16:   db "8x16 'A' has pixels", 0
t_a14:   db "8x14 'A' has pixels", 0
t_a8:    db "8x8 'A' has pixels", 0
t_a8ibm: db "8x8 'A' at F000:FA6E has pixels", 0
t_1a00:  db "AX=1A00h: VGA colour", 0
t_1a01:  db "AX=1A01h sets what AX=1A00h reads", 0
t_1a01_bad: db "AX=1A01h refuses an unknown combination", 0
t_1b:    db "AX=1B00h: AL=1Bh", 0
t_1b_static: db "AX=1B00h: the static table lists the modes", 0
t_1b_fields: db "AX=1B00h: mode, rows, height, DCC, colours, pages, lines, memory", 0
t_1b_bx: db "AX=1B00h BX=1 writes nothing", 0
t_1c_size: db "AX=1C00h CX=7: 14 blocks", 0
t_1c_save: db "AX=1C01h: AL=1Ch", 0
t_1c_dac: db "AX=1C02h restores the DAC", 0
t_1c_regs: db "AX=1C02h restores CR09 and the BDA", 0
t_1112:  db "AX=1112h: 50 rows of 8 lines, CR09 = 7", 0
t_1112_info: db "AX=1130h after AX=1112h: 8 lines, 50 rows", 0
t_read50: db "AH=08h reads row 49", 0
t_1111:  db "AX=1111h: 28 rows of 14 lines", 0
t_1114:  db "AX=1114h: 25 rows of 16 lines", 0
t_1100:  db "AX=1100h: a user glyph in block 1 of plane 2", 0
t_1100_bad: db "AX=1100h: bad height, first char, count cut at FFh", 0
t_1103:  db "AX=1103h: SR03 = BL", 0
t_13_font: db "13h: INT 43h at 8x8, 25 rows", 0
t_13_read: db "13h: AH=08h reads the drawn character", 0
t_13_page: db "13h: AH=05h AL=1 refused (one page)", 0
t_12_font: db "12h: INT 43h at 8x16, 30 rows", 0
t_12_read: db "12h: AH=08h reads the drawn character", 0
t_1123:  db "12h: AX=1123h BL=2: 8x8, 25 rows", 0
t_1124:  db "12h: AX=1124h BL=0 DL=30: 8x16, 30 rows", 0
t_10_font: db "10h: INT 43h at 8x14, 25 rows", 0
t_10_read: db "10h: AH=08h reads the drawn character", 0
t_10_page: db "10h: AH=05h AL=1: page 1 at 8000h, CRTC start", 0
t_10_nopage: db "10h: AH=05h AL=2 refused", 0
t_0d_page: db "0Dh: AH=05h AL=7 at E000h", 0

buf     equ 0x6000                  ; 64 bytes, AH=1Bh's table
state   equ 0x6100                  ; AH=1Ch's saved state (below the stack)
