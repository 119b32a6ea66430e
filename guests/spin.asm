; spin: a boot sector that loops forever with interrupts on (for --timeout).
        bits 16
        org 0x7C00
        sti
.l:     jmp .l
        times 510 - ($ - $$) db 0
        dw 0xAA55
