; apm_off: switches the machine off the way DOS's power-off tools do, through
; APM's real-mode interface: connect (5301h), say the driver speaks APM 1.2
; (530Eh), set all devices (BX=0001h) to off (CX=0003h). pxOS must end with
; exit status 0 there; should the call come back, the guest exits with 1.
        bits 16
        org 0x7C00

%include "pxtest.inc"

        BOOT_STACK
        sti
        mov ax, 0x5301
        xor bx, bx
        int 0x15
        jc fail
        mov ax, 0x530E
        xor bx, bx
        mov cx, 0x0102
        int 0x15
        jc fail
        mov si, msg_off
        call pxt_puts
        mov ax, 0x5307
        mov bx, 0x0001
        mov cx, 0x0003
        int 0x15
fail:   mov si, msg_back
        call pxt_puts
        mov al, 1
        out EXITPORT, al
        cli
        hlt

        PXTEST_CODE
msg_off:  db "apm_off: switching off", 10, 0
msg_back: db "apm_off: FAIL: the machine is still on", 10, 0
        times 510 - ($ - $$) db 0
        dw 0xAA55
