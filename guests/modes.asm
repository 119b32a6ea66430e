; modes: a boot sector that walks through video modes, a key press apart,
; for the terminal front end (--display term) to follow: 80x25 text full of
; '8's, 40x25 text full of '4's (INT 10h AX=0001h), graphics mode 13h (INT
; 10h AX=0013h, and the VGA registers written here, for a BIOS that does not
; set it), 80x25 text again (AX=0003h, and the text registers). Esc in the
; last mode ends the run with status 0. Each mode is also named on the
; debug console.
        bits 16
        org 0x7C00

%include "pxtest.inc"

start:
        BOOT_STACK
        sti
        mov ax, 0x0003
        mov bl, '8'
        mov si, msg80
        call text_mode
        mov ax, 0x0001
        mov bl, '4'
        mov si, msg40
        call text_mode
        mov ax, 0x0013                  ; graphics mode 13h
        int 0x10
        mov si, vga13
        call set_registers
        push 0xA000                     ; a stripe of pixels
        pop es
        xor di, di
        mov cx, 320 * 20
        mov al, 0x0E
        rep stosb
        mov si, msg13
        call debug_puts
        call wait_key
        mov ax, 0x0003
        int 0x10
        mov si, vga3
        call set_registers
        mov si, msgtext
        call debug_puts
        mov si, msgtext
        call print
.last:  call wait_key
        cmp al, 0x1B
        jne .last
        xor al, al
        out EXITPORT, al
        cli
        hlt

; Sets mode AX through INT 10h, fills the screen with BL, prints SI at the
; top left (and on the debug console), then waits for a key.
text_mode:
        push bx
        int 0x10
        pop ax                          ; AL = the fill character
        mov ah, 0x09
        mov bx, 0x0007
        mov cx, 80 * 25
        int 0x10
        call debug_puts
        call print
        ; fall through
wait_key:
        xor ah, ah
        int 0x16
        ret

; Prints the zero-terminated string at DS:SI through INT 10h AH=0Eh.
print:  push si
.next:  lodsb
        test al, al
        jz .ret
        mov ah, 0x0E
        xor bx, bx
        int 0x10
        jmp .next
.ret:   pop si
        ret

debug_puts:
        push si
.next:  lodsb
        test al, al
        jz .ret
        out DEBUGCON, al
        jmp .next
.ret:   mov al, 10
        out DEBUGCON, al
        pop si
        ret

; Writes the VGA registers listed at SI: (port, index, value) byte triples
; (port as the low byte of 3xxh), ending with port 0.
set_registers:
        mov dh, 0x03
.next:  lodsb
        test al, al
        jz .ret
        mov dl, al
        cmp dl, 0xC0                    ; the attribute controller: one port, a flip-flop
        jne .pair
        push dx
        mov dl, 0xDA
        in al, dx                       ; the flip-flop to "index"
        pop dx
        lodsb
        out dx, al
        lodsb
        out dx, al
        mov al, 0x20                    ; the screen on again
        out dx, al
        jmp .next
.pair:  lodsb
        out dx, al
        inc dx
        lodsb
        out dx, al
        jmp .next
.ret:   ret

; The registers that tell mode 13h from mode 3 (CR11 first: CR0-7 writable).
vga13:  db 0xD4, 0x11, 0x0E,  0xC4, 0x01, 0x01,  0xC4, 0x04, 0x0E,  0xCE, 0x05, 0x40,  0xCE, 0x06, 0x05
        db 0xC0, 0x10, 0x41,  0xD4, 0x09, 0x41,  0xD4, 0x12, 0x8F,  0xD4, 0x07, 0x1F,  0xD4, 0x17, 0xA3,  0
vga3:   db 0xD4, 0x11, 0x0E,  0xC4, 0x01, 0x00,  0xC4, 0x04, 0x02,  0xCE, 0x05, 0x10,  0xCE, 0x06, 0x0E
        db 0xC0, 0x10, 0x0C,  0xD4, 0x09, 0x4F,  0xD4, 0x12, 0x8F,  0xD4, 0x07, 0x1F,  0xD4, 0x17, 0xA3
        db 0xD4, 0x11, 0x8E,  0

msg80:  db "80x25 text: press a key for 40 columns", 0
msg40:  db "40x25 text: a key for mode 13h", 0
msg13:  db "mode 13h: a key for text", 0
msgtext: db "80x25 text again: Esc quits", 0

        times 510 - ($ - $$) db 0
        dw 0xAA55
