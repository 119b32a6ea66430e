; gdb_target: a boot sector for the GDB stub's tests (tests/gdb/). Its
; addresses are fixed, for the debugger scripts:
;   7C00h  the first instruction (CLI), 7C01h the next one
;   7C40h  report: prints [value], BL, BH and a newline on the debug console
;   7D00h  counter (a word the code sets to 1234h: a write watchpoint's target)
;   7D02h  value (a byte, 'a' unless the debugger writes it)
;   7D03h  go (a byte; the guest spins with interrupts on until it is nonzero,
;          then exits with it as its status)
        bits 16
        org 0x7C00
start:  cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        mov bx, 0x3F3F          ; "??" unless the debugger sets BX
        mov word [counter], 0x1234
        jmp report
        times 0x40 - ($ - $$) db 0x90
report: mov al, [value]
        out 0xE9, al
        mov al, bl
        out 0xE9, al
        mov al, bh
        out 0xE9, al
        mov al, 10
        out 0xE9, al
        sti
spin:   cmp byte [go], 0
        je spin
        mov al, [go]
        out 0xF4, al
        cli
        hlt
        times 0x100 - ($ - $$) db 0
counter: dw 0
value:   db 'a'
go:      db 0
        times 510 - ($ - $$) db 0
        dw 0xAA55
