; apm_idle: a guest that idles through APM's CPU idle call (INT 15h AX=5305h)
; in a loop, as DOS's idle drivers (FDAPM's APMDOS, POWER.EXE) do between
; keyboard polls. Each call must halt until the next interrupt: over 54 timer
; ticks (3 s) the loop may make a few calls a tick (under 500 in all; a call
; that returns at once makes hundreds of thousands). tests/guest/apm_idle.sh
; checks the host CPU time the run took.
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 1

%define TICKS 0x46C                     ; the BIOS tick count, DS = 0
%define DURATION 54

stage2:
        mov ax, 0x5301                  ; connect APM's real-mode interface
        xor bx, bx
        int 0x15
        CHECK nc, msg_connect
        xor cx, cx                      ; calls, DX:CX
        xor dx, dx
        mov si, [TICKS]
.loop:  mov ax, 0x5305
        int 0x15
        jc .failed
        add cx, 1
        adc dx, 0
        mov ax, [TICKS]
        sub ax, si
        cmp ax, DURATION
        jb .loop
        clc
.failed:
        CHECK nc, msg_idle
        PUTS msg_calls
        mov ax, dx
        call pxt_hex16
        mov ax, cx
        call pxt_hex16
        PUTS pxt_nl
        test dx, dx
        jnz .many
        cmp cx, 500
.many:  CHECK b, msg_few
        FINISH

msg_connect: db "APM connect", 0
msg_idle:    db "5305h CPU idle succeeds", 0
msg_calls:   db "5305h calls in 54 ticks: ", 0
msg_few:     db "each CPU idle call waits for an interrupt", 0
        times 512 * 2 - ($ - $$) db 0
