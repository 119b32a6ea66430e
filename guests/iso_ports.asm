; iso_ports: a guest that reads every I/O port 0..FFFFh (byte, word and
; dword) and writes every port but the exit port F4h, twice: 00h, then FFh
; (in that pass the reset ports 64h and 92h are skipped, where FFh would
; reset the machine: that is a guest's right, not a fault). The BIOS trap
; port F5h is written too: the monitor must ignore traps that do not come
; from its ROM. The monitor must survive; the guest then writes its verdict,
; 0, to F4h. Run it with
;   pxos run --boot-sector iso_ports.bin
        bits 16
        org 0x7C00
%include "pxtest.inc"

        cli
        cld
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        PUTS msg_reads
        xor dx, dx
.read:  in al, dx
        in ax, dx
        in eax, dx
        inc dx
        jnz .read
        PUTS msg_writes0
        xor dx, dx
.w0:    cmp dx, EXITPORT
        je .w0n
        xor al, al
        out dx, al
.w0n:   inc dx
        jnz .w0
        xor ax, ax                      ; the segments, again: nothing
        mov ds, ax                      ; above may change them, but be sure
        mov ss, ax
        mov sp, 0x7C00
        PUTS msg_writesff
        xor dx, dx
.wf:    cmp dx, EXITPORT
        je .wfn
        cmp dx, 0x64
        je .wfn
        cmp dx, 0x92
        je .wfn
        mov al, 0xFF
        out dx, al
.wfn:   inc dx
        jnz .wf
        cli
        PUTS msg_done
        mov al, 0
        out EXITPORT, al
        hlt

msg_reads:    db "ports: reading 0..FFFFh", 10, 0
msg_writes0:  db "ports: writing 00h to 0..FFFFh but F4h", 10, 0
msg_writesff: db "ports: writing FFh to 0..FFFFh but F4h, 64h, 92h", 10, 0
msg_done:     db "ports: done", 10, 0
        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
