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
        dw int74                        ; 7: IRQ 12, the PS/2 mouse

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
; Nothing is read unless the output buffer holds a keyboard byte: a stale
; request must not take a mouse byte (or an old byte) for a key.
int09:
        push ax
        in al, 0x64
        and al, 0x21                    ; output buffer full, AUX data
        cmp al, 0x01
        jne .eoi
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

; IRQ 12: one byte from the PS/2 mouse (bios/mouse.h). It is gathered in
; the EBDA (its segment at 0040:000E): 26h bits 2-0 the index of the next
; byte, 27h bits 2-0 the packet size - 1 and bit 7 "handler installed",
; 28h the bytes. Once a packet is complete the guest's handler (the far
; pointer at 22h, from INT 15h AX=C207h) is far-called, interrupts on, with
; status, X, Y and 0 pushed; it returns with RETF and the words are popped
; here. A byte with no handler installed, or a first byte without bit 3
; (out of step), is dropped. Then EOI to both PICs.
int74:
        push ds
        push es
        pusha
        in al, 0x64
        and al, 0x21                    ; output buffer full, AUX data
        cmp al, 0x21
        jne .eoi
        in al, 0x60
        mov bx, 0x40
        mov ds, bx
        mov ds, [0x0E]
        test byte [0x27], 0x80
        jz .eoi
        mov bl, [0x26]
        and bx, 7
        jnz .store
        test al, 0x08                   ; a packet starts with bit 3 set
        jz .eoi
.store: mov [bx + 0x28], al
        mov al, [0x27]
        and al, 7
        cmp bl, al
        jae .call
        inc bx                          ; more to come
        and byte [0x26], 0xF8
        or [0x26], bl
        jmp .eoi
.call:  and byte [0x26], 0xF8
        xor ah, ah
        mov al, [0x28]
        push ax                         ; status
        mov al, [0x29]
        push ax                         ; X
        mov al, [0x2A]
        push ax                         ; Y
        xor al, al
        push ax                         ; 0
        sti
        call far [0x22]
        cli
        add sp, 8
.eoi:   mov al, EOI
        out PIC2, al
        out PIC1, al
        popa
        pop es
        pop ds
        iret
