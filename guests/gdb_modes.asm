; gdb_modes: a boot sector for the GDB stub's stepping test (tests/gdb/
; modes.sh): an INT n in real mode, then a real-to-protected-mode switch, each
; at a fixed address for the debugger script:
;   7C40h  INT 60h           (its handler at 7C80h: MOV AL,'I'; OUT E9h,AL; IRET)
;   7C42h  the instruction after it
;   7C50h  MOV CR0,EAX       (sets PE)
;   7C53h  JMP 0008:7C60h    (the far jump that loads a 32-bit CS)
;   7C60h  32-bit code: loads DS, SS and ESP
;   7C70h  INT 30h           (an interrupt gate to 7C90h: MOV AL,'T'; OUT E9h,AL; IRETD)
;   7C72h  the instruction after it: prints 'P' and exits with status 0
        bits 16
        org 0x7C00
start:  cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        mov word [0x60 * 4], handler
        mov word [0x60 * 4 + 2], 0
        lgdt [gdtr]
        jmp intn
        times 0x40 - ($ - $$) db 0x90
intn:   int 0x60
        mov al, 'R'             ; 7C42h: back from the handler
        out 0xE9, al
        mov eax, cr0
        or al, 1
        lidt [idtr]             ; for protected mode (the IVT is done with)
        times 0x50 - ($ - $$) db 0x90
setpe:  mov cr0, eax
farjmp: jmp 0x08:pm32
        times 0x60 - ($ - $$) db 0x90
        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov ss, ax
        mov esp, 0x7C00
        times 0x70 - ($ - $$) db 0x90
pmint:  int 0x30
        mov al, 'P'             ; 7C72h: back from the handler
        out 0xE9, al
        mov al, 10
        out 0xE9, al
        xor al, al
        out 0xF4, al
        cli
        hlt
        times 0x80 - ($ - $$) db 0x90
        bits 16
handler: mov al, 'I'
        out 0xE9, al
        iret
        times 0x90 - ($ - $$) db 0x90
        bits 32
handler32: mov al, 'T'
        out 0xE9, al
        iretd
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF   ; 08h: code, flat, 32-bit
        dq 0x00CF92000000FFFF   ; 10h: data, flat
gdtr:   dw gdtr - gdt - 1
        dd gdt
idt30:  dw handler32, 0x08, 0x8E00, 0  ; vector 30h: a 32-bit interrupt gate
idtr:   dw 0x30 * 8 + 7         ; the IDT starts 30h entries before idt30: only
        dd idt30 - 0x30 * 8     ; vector 30h is used (the rest is never read)
        times 510 - ($ - $$) db 0
        dw 0xAA55
