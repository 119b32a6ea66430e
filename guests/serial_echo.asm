; serial_echo: a line-at-a-time shell on COM1, polled: prints "ready> ",
; echoes what arrives until CR, then prints "got: LINE". The line "exit"
; ends the run through port F4h with status 0. Tests drive it with
; --expect/--send-keys on serial output (tests/linux/serial_script.sh).
        bits 16
        org 0x7C00
COM1    equ 0x3F8
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        mov dx, COM1 + 3
        mov al, 0x80            ; DLAB
        out dx, al
        mov dx, COM1
        mov al, 1               ; 115200 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03            ; 8N1
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FIFO on, both cleared
        out dx, al
prompt:
        mov si, msg_ready
        call puts
        mov di, line
read:
        mov dx, COM1 + 5
.wait:  in al, dx
        test al, 1
        jz .wait
        mov dx, COM1
        in al, dx
        cmp al, 13
        je .eol
        cmp di, line + 60
        jae read
        stosb
        call putc
        jmp read
.eol:   mov byte [di], 0
        mov si, msg_got
        call puts
        mov si, line
        call puts
        mov si, msg_crlf
        call puts
        cmp dword [line], 'exit'
        jne prompt
        cmp byte [line + 4], 0
        jne prompt
        xor al, al
        out 0xF4, al
        cli
        hlt
; puts: the NUL-terminated string at DS:SI to COM1
puts:   lodsb
        test al, al
        jz .done
        call putc
        jmp puts
.done:  ret
; putc: AL to COM1 once the transmitter holds nothing
putc:   push ax
        mov dx, COM1 + 5
.wait:  in al, dx
        test al, 0x20
        jz .wait
        pop ax
        mov dx, COM1
        out dx, al
        ret
msg_ready db 13, 10, "ready> ", 0
msg_got   db 13, 10, "got: ", 0
msg_crlf  db 13, 10, 0
line:
        times 510 - ($ - $$) db 0
        dw 0xAA55
