; iso_flood: floods the debug console, port E9h, with 10 MiB of bytes
; (REP OUTSB of a 64 KiB buffer, 160 times), then exits with 0; it stops
; early after 20 s of BIOS ticks, where each byte is an exit that costs
; microseconds (KVM nested in a VM), and prints the KiB written. The
; monitor must keep bounded memory (it keeps only the last 64..128 KiB of
; console text, for --until-text) and exit normally. Run it with
;   pxos run --boot-sector iso_flood.bin --debugcon file:/dev/null
        bits 16
        org 0x7C00
%include "pxtest.inc"

        cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7C00
        mov ds, ax
        mov ax, [0x46C]                 ; BIOS ticks (18.2 Hz)
        mov [start_ticks], ax
        sti
        mov ax, 0x1000                  ; 1000:0000..FFFF, all 'x'
        mov es, ax
        mov ds, ax
        xor di, di
        mov cx, 0x8000
        mov ax, 'xx'
        rep stosw
        mov dx, DEBUGCON
        mov bp, 160                     ; 160 x 64 KiB = 10 MiB
.round: xor si, si
        mov cx, 0xFFFF
        rep outsb
        mov al, 10
        out dx, al                      ; one more byte: 64 KiB per round
        push ds
        xor ax, ax
        mov ds, ax
        mov ax, [0x46C]
        sub ax, [start_ticks]
        pop ds
        cmp ax, 364                     ; 20 s
        jae .stop
        dec bp
        jnz .round
.stop:  xor ax, ax
        mov ds, ax
        PUTS msg_done
        mov ax, 160
        sub ax, bp
        shl ax, 6                       ; KiB written
        call pxt_hex16
        PUTS msg_kib
        cli
        mov al, 0
        out EXITPORT, al
        hlt

start_ticks: dw 0
msg_done: db 10, "flood: done, KiB written (hex): ", 0
msg_kib:  db 10, 0
        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
