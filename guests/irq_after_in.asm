; irq_after_in: timer interrupts at 1 kHz land while the guest reads a port
; in a tight loop, so many are delivered right after an IN's exit. Each must
; return to the instruction after the IN, with the IN's result in AL and the
; interrupted code's registers and stack intact. (The KVM engine once
; delivered them before KVM had finished the IN, which then finished on the
; handler's first bytes: DOS crashed in its next interrupt.)
        bits 16
        org 0x7C00

%include "pxtest.inc"

%define N 2000                          ; interrupts

start:
        BOOT_STACK
        mov word [8 * 4], irq0
        mov word [8 * 4 + 2], 0
        mov al, 0x34                    ; PIT channel 0, mode 2, 1193 counts: 1 kHz
        out 0x43, al
        mov ax, 1193
        out 0x40, al
        mov al, ah
        out 0x40, al
        in al, 0x21                     ; IRQ 0 unmasked
        and al, 0xFE
        out 0x21, al
        mov bx, 0x1234
        mov dx, 0x70                    ; CMOS index 0Fh: a byte of CMOS RAM we set
        mov al, 0x0F
        out dx, al
        inc dx
        mov al, 0x5A
        out dx, al
        sti
.loop:  mov al, 0
        in al, dx                       ; 5Ah, every time
        cmp al, 0x5A
        jne .fail
        cmp bx, 0x1234
        jne .fail
        cmp sp, 0x7C00
        jne .fail
        cmp word [ticks], N
        jb .loop
        cli
        PUTS msg_ok
        xor al, al
        out EXITPORT, al
.fail:  cli
        PUTS msg_fail
        mov al, 1
        out EXITPORT, al
        hlt

irq0:   push bx                         ; a handler that changes what it saves
        push ax
        mov bx, 0xABCD
        inc word [cs:ticks]
        mov al, 0x20
        out 0x20, al
        pop ax
        pop bx
        iret

ticks:    dw 0
msg_ok:   db "ok   2000 interrupts after an IN: each returned after it, registers and stack intact", 10, 0
msg_fail: db "FAIL an interrupt after an IN broke the interrupted code", 10, 0

        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
