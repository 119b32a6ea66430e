; The BIOS's own machine code: interrupt handlers that must run as guest
; code, because guests hook and chain them (INT 08h calls INT 1Ch, INT 09h
; calls INT 15h AH=4Fh, DOS takes over IRQ vectors and chains back). Built
; with nasm and copied into the ROM at ROM_CODE_BASE by bios/rom.cpp; the
; table at the start gives the entry points.
        bits 16
        org 0x2000                      ; rom::kCodeBase

TRAP_PORT equ 0xF5
PIC1      equ 0x20
PIC2      equ 0xA0
EOI       equ 0x20

table:
        dw int08                        ; 0: IRQ 0, the timer tick
        dw int09                        ; 1: IRQ 1, the keyboard
        dw int09.trap                   ; 2: the monitor's scancode trap inside int09
        dw irq_master                   ; 3: IRQ 2-6 with no handler
        dw irq7                         ; 4: IRQ 7 (maybe spurious)
        dw irq_slave                    ; 5: IRQ 9-15 with no handler
        dw int70                        ; 6: IRQ 8, the RTC

; IRQ 0: count the tick in the BDA (0040:006C, rolling over at 1800B0h
; ticks = 24 hours and setting the midnight flag), call INT 1Ch, EOI.
int08:
        push ds
        push ax
        mov ax, 0x40
        mov ds, ax
        add word [0x6C], 1
        adc word [0x6E], 0
        cmp word [0x6E], 0x18
        jb .chain
        cmp word [0x6C], 0xB0
        jb .chain
        mov word [0x6C], 0
        mov word [0x6E], 0
        mov byte [0x70], 1
.chain: int 0x1C
        cli
        mov al, EOI
        out PIC1, al
        pop ax
        pop ds
        iret

; IRQ 1: read the scancode, offer it to INT 15h AH=4Fh (a hook that clears
; CF swallows it), let the monitor translate it into the BDA buffer, EOI.
int09:
        push ax
        in al, 0x60
        mov ah, 0x4F
        stc
        int 0x15
        jnc .eoi
.trap:  out TRAP_PORT, al
.eoi:   cli
        mov al, EOI
        out PIC1, al
        pop ax
        iret

irq_master:
        push ax
        mov al, EOI
        out PIC1, al
        pop ax
        iret

; A spurious IRQ 7 leaves no in-service bit: it must not be acknowledged.
irq7:
        push ax
        mov al, 0x0B                    ; OCW3: read ISR
        out PIC1, al
        in al, PIC1
        test al, 0x80
        jz .done
        mov al, EOI
        out PIC1, al
.done:  pop ax
        iret

irq_slave:
        push ax
        mov al, EOI
        out PIC2, al
        out PIC1, al
        pop ax
        iret

; IRQ 8: acknowledge the RTC by reading status register C, then EOI.
int70:
        push ax
        mov al, 0x0C
        out 0x70, al
        in al, 0x71
        mov al, EOI
        out PIC2, al
        out PIC1, al
        pop ax
        iret
