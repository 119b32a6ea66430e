; gdb_target: a boot sector for the GDB stub's tests (tests/gdb/). Its
; addresses are fixed, for the debugger scripts:
;   7C00h  the first instruction (CLI), 7C01h the next one
;   7C80h  report: prints [value], BL, BH and a newline on the debug console
;   7D00h  counter (a word the code sets to 1234h: a write watchpoint's target)
;   7D02h  value (a byte, 'a' unless the debugger writes it)
;   7D03h  go (a byte; the guest spins with interrupts on until it is nonzero,
;          then exits with it as its status)
; Before report it prints, as 8 hex digits, how many times it went round a
; loop until the BIOS's timer tick changed: a number that depends on exactly
; when the timer interrupt came, for the --deterministic test.
        bits 16
        org 0x7C00
start:  cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        mov bx, 0x3F3F          ; "??" unless the debugger sets BX
        mov word [counter], 0x1234
        sti
        xor cx, cx              ; DX:CX counts the rounds
        xor dx, dx
        mov ax, [0x46C]
.wait:  add cx, 1
        adc dx, 0
        cmp ax, [0x46C]
        je .wait
        mov ax, dx
        call hex16
        mov ax, cx
        call hex16
        mov al, 10
        out 0xE9, al
        jmp report
hex16:  push cx                 ; AX as 4 hex digits on the debug console
        mov cx, 4
.digit: rol ax, 4
        push ax
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'A' - '0' - 10
.out:   out 0xE9, al
        pop ax
        loop .digit
        pop cx
        ret
        times 0x80 - ($ - $$) db 0x90
report: mov al, [value]
        out 0xE9, al
        mov al, bl
        out 0xE9, al
        mov al, bh
        out 0xE9, al
        mov al, 10
        out 0xE9, al
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
