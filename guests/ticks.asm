; ticks: prints the BIOS tick count, the RTC time and the PIT counter on the
; debug console five times, halting for a few timer interrupts in between.
; With --deterministic two runs must print the same bytes.
        bits 16
        org 0x7C00

%include "pxtest.inc"

start:
        xor ax, ax
        mov ds, ax
        sti
        mov bp, 5
.round: mov cx, 3
.wait:  hlt
        loop .wait
        mov ah, 0x00                    ; ticks in CX:DX
        int 0x1A
        mov ax, dx
        call pxt_hexw
        mov ah, 0x02                    ; RTC: CH hours, CL minutes, DH seconds
        int 0x1A
        mov ax, cx
        call pxt_hexw
        mov al, dh
        call pxt_hexb
        xor al, al                      ; latch PIT channel 0
        out 0x43, al
        in al, 0x40
        mov ah, al
        in al, 0x40
        xchg al, ah
        call pxt_hexw
        mov al, 10
        out DEBUGCON, al
        dec bp
        jnz .round
        xor al, al
        out EXITPORT, al

        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
