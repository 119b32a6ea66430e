; bench_exits: the guest of `pxos bench exits`. Each round runs six loops of
; N iterations and writes a marker to port 510h before each, so the monitor
; can time them: an empty loop, OUT 80h (a raw port-I/O exit), the INT 13h
; loop without and with the INT, the INT 10h loop without and with the INT.
; N comes from reading port 510h; reading it again after a round says
; whether to go on (1) or stop (0).
        bits 16
        org 0x7C00

%include "pxtest.inc"

MARKER equ 0x510

start:
        BOOT_STACK
        sti
        mov dx, MARKER
        in ax, dx
        mov [n], ax
round:
        mov dx, MARKER
        mov al, 1
        out dx, al
        mov cx, [n]
.empty: loop .empty

        mov al, 2
        out dx, al
        mov cx, [n]
.raw:   out 0x80, al
        loop .raw

        mov al, 3
        out dx, al
        mov cx, [n]
.disk0: push cx
        mov ax, 0x0201
        mov cx, 0x0001
        xor dx, dx
        mov bx, 0xA000
        pop cx
        loop .disk0

        mov dx, MARKER
        mov al, 4
        out dx, al
        mov cx, [n]
.disk1: push cx
        mov ax, 0x0201
        mov cx, 0x0001
        xor dx, dx
        mov bx, 0xA000
        int 0x13
        pop cx
        loop .disk1

        mov dx, MARKER
        mov al, 5
        out dx, al
        mov cx, [n]
.tty0:  mov ax, 0x0E2E
        xor bx, bx
        loop .tty0

        mov al, 6
        out dx, al
        mov cx, [n]
.tty1:  mov ax, 0x0E2E
        xor bx, bx
        int 0x10
        loop .tty1

        mov al, 7
        out dx, al
        in ax, dx
        test ax, ax
        jnz round
        xor al, al
        out 0xF4, al
        cli
        hlt

n:      dw 0

        times 510 - ($ - $$) db 0
        dw 0xAA55
