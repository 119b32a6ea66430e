; triple_fault: enters 32-bit protected mode with an empty interrupt table,
; then executes an invalid opcode. The CPU can deliver neither the #UD nor the #GP and
; #DF that follow: it shuts down.
        bits 16
        org 0x7C00
        cli
        xor ax, ax
        mov ds, ax
        lgdt [gdt_desc]
        lidt [empty_idt]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm
        bits 32
pm:     mov ax, 0x10
        mov ds, ax
        mov ss, ax
        ud2
        hlt
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF           ; code: base 0, 4 GiB, 32-bit
        dq 0x00CF92000000FFFF           ; data
gdt_desc:  dw 23
           dd gdt
empty_idt: dw 0
           dd 0
        times 510 - ($ - $$) db 0
        dw 0xAA55
