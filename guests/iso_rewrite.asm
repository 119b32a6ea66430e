; iso_rewrite: rewrites sectors 16..143 of the boot hard disk forever,
; whole sectors at a time, alternating two patterns: every byte 'B', then
; every byte 'A', and so on (INT 13h AH=43h, 8 sectors per call). The
; image starts with every data sector 'A'. tests/guest/kill_mid_write.sh
; kills the monitor (SIGKILL) while it runs with --writable and checks that
; each sector holds one pattern whole, never a mix.
        bits 16
        org 0x7C00
%include "pxtest.inc"

FIRST   equ 16
SECTORS equ 128
PER     equ 8
BUF     equ 0x1000                      ; segment of the 4 KiB pattern buffer

        cli
        cld
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov [drive], dl
        PUTS msg_start
        mov bl, 'B'
.pass:  mov ax, BUF
        mov es, ax
        xor di, di
        mov al, bl
        mov cx, PER * 512
        rep stosb
        mov dword [dap.lba], FIRST
.chunk: mov si, dap
        mov ah, 0x43
        xor al, al
        mov dl, [drive]
        int 0x13
        jc .failed
        add dword [dap.lba], PER
        cmp dword [dap.lba], FIRST + SECTORS
        jb .chunk
        xor bl, 'A' ^ 'B'               ; the other pattern
        jmp .pass
.failed:
        PUTS msg_failed
        mov al, 1
        out EXITPORT, al
        cli
        hlt

drive:  db 0x80
        align 4
dap:    db 16, 0
        dw PER
        dw 0, BUF                       ; buffer offset, segment
.lba:   dq 0
msg_start:  db "rewriting", 10, 0
msg_failed: db "FAIL INT 13h AH=43h", 10, 0
        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
