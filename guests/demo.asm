; demo: the guest that `make demo` boots. A boot sector that greets the
; user through the BIOS, shows what the BIOS reports, and echoes keys until
; Esc, then ends the run with status 0.
        bits 16
        org 0x7C00

%include "pxtest.inc"

start:
        BOOT_STACK
        sti
        mov si, banner
        call print
        int 0x12                        ; conventional memory in KiB
        call print_dec
        mov si, kib
        call print
        mov si, prompt
        call print
.key:   xor ah, ah                      ; wait for a key
        int 0x16
        cmp al, 0x1B                    ; Esc ends the demo
        je .done
        cmp al, 13
        jne .echo
        mov al, 13
        call putc
        mov al, 10
.echo:  call putc
        jmp .key
.done:  mov si, bye
        call print
        xor al, al
        out EXITPORT, al
        cli
        hlt

; Prints the zero-terminated string at DS:SI through INT 10h AH=0Eh.
print:  lodsb
        test al, al
        jz .ret
        call putc
        jmp print
.ret:   ret

putc:   mov ah, 0x0E
        xor bx, bx
        int 0x10
        ret

; Prints AX in decimal.
print_dec:
        mov bx, 10
        xor cx, cx
.div:   xor dx, dx
        div bx
        push dx
        inc cx
        test ax, ax
        jnz .div
.out:   pop ax
        add al, '0'
        call putc
        loop .out
        ret

banner: db "pxOS demo guest: booted from F000:FFF0 through our BIOS.", 13, 10, 0
kib:    db " KiB conventional memory (INT 12h).", 13, 10, 0
prompt: db "Type, and press Esc to quit.", 13, 10, 0
bye:    db 13, 10, "Bye.", 13, 10, 0

        times 510 - ($ - $$) db 0
        dw 0xAA55
