; gfx_modes: INT 10h in the graphics modes, from a guest. In each of mode 13h,
; 12h, 04h and mode X (13h with the registers programmed for 320x240
; unchained) it draws known pixels (AH=0Ch, or the CPU for mode X), reads
; them back (AH=0Dh; mode X through the read map select), says "<mode>
; drawn" on the debug console and waits for a key, so that a test can take
; a screenshot in each mode (--send-keys with as many keys as modes to pass,
; --until-text the mode's line). Also: AX=1010h/1015h set and read a DAC
; register, AH=0Eh draws a character from the INT 43h font in mode 12h (its
; set pixels counted through AH=0Dh), AH=0Bh selects CGA palette 0 in 04h,
; AH=0Fh reports each mode. Ends with the failure count on the exit port.
;
; The pixels a screenshot shows (tests/display/CMakeLists.txt):
;   13h  320x200  (10,10) colour 0Ch  (30,20) colour 0Fh by the CPU  (50,40) colour 40h = DAC (3Fh,0,20h)
;   12h  640x480  (100,50) 0Ch XOR 85h = 09h  (639,479) 0Eh
;   04h  320x200  (5,7) 3  (6,7) 1  (7,7) 2, palette 0 (AH=0Bh BH=1 BL=0)
;   X    320x240  (1,2) 0Eh  (319,239) 0Fh
        bits 16
        org 0x7C00

%include "pxtest.inc"

start:
        BOOT_STACK
        mov ax, 0x0211                  ; the 17 sectors after this one, to 0000:7E00
        mov cx, 0x0002
        xor dh, dh
        mov bx, 0x7E00
        int 0x13
        jc load_failed
        jmp stage2
load_failed:
        mov al, 0xFF
        out EXITPORT, al
        cli
        hlt
        times 510-($-$$) db 0
        dw 0xAA55

stage2:
        sti
        call mode13
        call mode12
        call mode04
        call modex
        mov ax, 0x0003
        int 0x10
        FINISH

; ---- mode 13h ----
mode13:
        mov ax, 0x0013
        int 0x10
        mov ah, 0x0F
        int 0x10
        cmp al, 0x13
        CHECK e, m13_f
        mov ax, 0x1010                  ; DAC 40h = (3Fh, 0, 20h)
        mov bx, 0x40
        mov dh, 0x3F
        mov ch, 0
        mov cl, 0x20
        int 0x10
        mov ax, 0x1015
        mov bx, 0x40
        xor cx, cx
        xor dx, dx
        int 0x10
        cmp dh, 0x3F
        jne .dac_bad
        cmp cx, 0x0020
.dac_bad:
        CHECK e, m13_dac
        mov ax, 0x0C0C
        xor bh, bh
        mov cx, 10
        mov dx, 10
        int 0x10
        mov ax, 0x0C40
        mov cx, 50
        mov dx, 40
        int 0x10
        push 0xA000
        pop es
        mov byte [es:20 * 320 + 30], 0x0F
        xor ax, ax
        mov es, ax
        mov cx, 10
        mov dx, 10
        call read_pixel
        cmp al, 0x0C
        CHECK e, m13_px
        mov cx, 30
        mov dx, 20
        call read_pixel
        cmp al, 0x0F
        CHECK e, m13_cpu
        mov si, m13_done
        jmp drawn

; ---- mode 12h ----
mode12:
        mov ax, 0x0012
        int 0x10
        mov ah, 0x0F
        int 0x10
        cmp al, 0x12
        CHECK e, m12_f
        mov ax, 0x0C0C
        xor bh, bh
        mov cx, 100
        mov dx, 50
        int 0x10
        mov ax, 0x0C85                  ; XOR 05h
        int 0x10
        call read_pixel
        cmp al, 0x09
        CHECK e, m12_xor
        mov ax, 0x0C0E
        mov cx, 639
        mov dx, 479
        int 0x10
        call read_pixel
        cmp al, 0x0E
        CHECK e, m12_px
        mov ax, 0x0E41                  ; 'A' at row 0, column 0 in colour 0Fh
        mov bx, 0x000F
        int 0x10
        call count_glyph_bits           ; BX = set bits of 'A' in the INT 43h font
        push bx
        xor bp, bp                      ; BP = pixels of colour 0Fh in the cell
        xor dx, dx
.row:   xor cx, cx
.col:   call read_pixel
        cmp al, 0x0F
        jne .next
        inc bp
.next:  inc cx
        cmp cx, 8
        jb .col
        inc dx
        cmp dx, 16
        jb .row
        pop bx
        test bx, bx
        jz .bad
        cmp bp, bx
.bad:
        CHECK e, m12_text
        mov si, m12_done
        jmp drawn

; ---- mode 04h ----
mode04:
        mov ax, 0x0004
        int 0x10
        mov ah, 0x0F
        int 0x10
        cmp al, 0x04
        CHECK e, m04_f
        xor bh, bh
        mov dx, 7
        mov ax, 0x0C03
        mov cx, 5
        int 0x10
        mov ax, 0x0C01
        mov cx, 6
        int 0x10
        mov ax, 0x0C02
        mov cx, 7
        int 0x10
        mov cx, 5
        call read_pixel
        cmp al, 3
        CHECK e, m04_px3
        mov cx, 6
        call read_pixel
        cmp al, 1
        CHECK e, m04_px1
        mov cx, 4
        call read_pixel
        cmp al, 0
        CHECK e, m04_px0
        mov ah, 0x0B                    ; palette 0: green, red, brown
        mov bx, 0x0100
        int 0x10
        mov si, m04_done
        jmp drawn

; ---- mode X: 320x240, 256 colours, unchained ----
modex:
        cld
        mov ax, 0x0013
        int 0x10
        mov dx, 0x3C4
        mov ax, 0x0604                  ; SR04: chain 4 off
        out dx, ax
        mov ax, 0x0F02                  ; all planes: clear the screen
        out dx, ax
        push 0xA000
        pop es
        xor di, di
        xor ax, ax
        mov cx, 0x8000
        rep stosw
        mov dx, 0x3C2
        mov al, 0xE3                    ; misc output: 25 MHz, 480-line sync polarity
        out dx, al
        mov dx, 0x3D4
        mov si, modex_crtc
        mov cx, modex_crtc_n
.crtc:  lodsw
        out dx, ax
        loop .crtc
        mov dx, 0x3C4                   ; (1,2) colour 0Eh: plane 1, 2 * 80 + 0
        mov ax, 0x0202
        out dx, ax
        mov byte [es:2 * 80], 0x0E
        mov ax, 0x0802                  ; (319,239) colour 0Fh: plane 3, 239 * 80 + 79
        out dx, ax
        mov byte [es:239 * 80 + 79], 0x0F
        mov dx, 0x3CE
        mov ax, 0x0104                  ; read map 1
        out dx, ax
        mov al, [es:2 * 80]
        cmp al, 0x0E
        CHECK e, mx_p1
        mov ax, 0x0304                  ; read map 3
        out dx, ax
        mov al, [es:239 * 80 + 79]
        cmp al, 0x0F
        CHECK e, mx_p3
        xor ax, ax
        mov es, ax
        mov si, mx_done
        ; fall through

; Says [SI] on the debug console and waits for a key.
drawn:
        call pxt_puts
        xor ah, ah
        int 0x16
        ret

; AL = the colour of pixel (CX, DX) of page 0 (AH=0Dh).
read_pixel:
        push bx
        mov ah, 0x0D
        xor bh, bh
        int 0x10
        pop bx
        ret

; BX = the number of set bits in the glyph of 'A' (16 bytes at INT 43h).
count_glyph_bits:
        push ds
        push si
        lds si, [0x43 * 4]
        add si, 'A' * 16
        xor bx, bx
        mov cx, 16
.byte:  lodsb
.bit:   test al, al
        jz .done
        shr al, 1
        adc bx, 0
        jmp .bit
.done:  loop .byte
        pop si
        pop ds
        ret

; Mode X's CRTC: unprotect, 240 lines of 480, byte mode, no doubleword.
modex_crtc:
        dw 0x0011, 0x0D06, 0x3E07, 0x4109, 0xEA10, 0xAC11, 0xDF12, 0x0014, 0xE715, 0x0616, 0xE317
modex_crtc_n equ ($ - modex_crtc) / 2

m13_f:    db "13h: AH=0Fh says 13h", 0
m13_dac:  db "13h: AX=1015h reads what AX=1010h set", 0
m13_px:   db "13h: AH=0Dh reads AH=0Ch's pixel", 0
m13_cpu:  db "13h: AH=0Dh reads the CPU's pixel", 0
m13_done: db "13h drawn", 10, 0
m12_f:    db "12h: AH=0Fh says 12h", 0
m12_xor:  db "12h: colour bit 7 XORs", 0
m12_px:   db "12h: the last pixel", 0
m12_text: db "12h: AH=0Eh draws the INT 43h glyph", 0
m12_done: db "12h drawn", 10, 0
m04_f:    db "04h: AH=0Fh says 04h", 0
m04_px3:  db "04h: pixel 3", 0
m04_px1:  db "04h: pixel 1", 0
m04_px0:  db "04h: its neighbour is 0", 0
m04_done: db "04h drawn", 10, 0
mx_p1:    db "mode X: plane 1 through the read map", 0
mx_p3:    db "mode X: plane 3 through the read map", 0
mx_done:  db "mode X drawn", 10, 0

        PXTEST_CODE
