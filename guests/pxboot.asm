; pxboot: boots from a floppy made by `pxos pxi floppy`, reads the raw PXI
; driver stored from LBA 8 with INT 13h, hands it to the pixel device (ports
; 5A0h..5BFh, docs/PIXEL_DEVICE.md), waits for its completion interrupt
; (IRQ 5; the status register is polled too), prints the device's statistics
; on the debug console (port E9h) and exits through port F4h: 0 when the
; batch is done, 1 when the device reports an error, 2-4 for load failures.
; The driver's output goes to COM1 through the device, not through this code.
%include "pxtest.inc"
        bits 16
        org 0x7C00
        cpu 386

DRIVER_LBA  equ 8           ; where `pxos pxi floppy` puts the raw driver
BUF_SEG     equ 0x1000      ; the driver is loaded at 1000:0000 (linear 10000h)
MAX_SECTORS equ 1023        ; ops sectors that fit below A0000h
PIXEL       equ 0x5A0
P_ADDR      equ PIXEL+0x00
P_LEN       equ PIXEL+0x04
P_CMD       equ PIXEL+0x08  ; write: command; read: status
P_CTL       equ PIXEL+0x09
P_ERR       equ PIXEL+0x0A
P_BACKEND   equ PIXEL+0x0B
P_ERROP     equ PIXEL+0x0C
P_DONE      equ PIXEL+0x10
P_OPS       equ PIXEL+0x14
P_BYTES     equ PIXEL+0x18
P_LINES     equ PIXEL+0x1C
IRQ         equ 5
IRQVEC      equ 0x08 + IRQ

        PXTEST_BOOT 3

stage2:
        mov [drive], dl
        ; The header sector, then ceil(op count / 128) sectors of ops.
        mov ax, DRIVER_LBA
        mov bx, BUF_SEG
        call read_sector
        jc disk_error
        mov ax, BUF_SEG
        mov fs, ax
        cmp dword [fs:0], 0x1A495850    ; 'P' 'X' 'I' 1Ah
        jne not_pxi
        cmp word [fs:4], 0x0101         ; version 1, UART class
        jne not_pxi
        mov eax, [fs:8]
        add eax, 127
        shr eax, 7
        cmp eax, MAX_SECTORS
        ja too_big
        mov [op_sectors], ax
        mov cx, ax
        mov ax, DRIVER_LBA + 1
        mov bx, BUF_SEG + 0x20
.read:  jcxz .loaded
        push cx
        push ax
        push bx
        call read_sector
        pop bx
        pop ax
        pop cx
        jc disk_error
        inc ax
        add bx, 0x20
        dec cx
        jmp .read
.loaded:
        PUTS msg_loaded

        ; The completion interrupt: IRQ 5 (vector 0Dh), unmasked at the PIC.
        cli
        mov word [IRQVEC * 4], irq_handler
        mov word [IRQVEC * 4 + 2], 0
        in al, 0x21
        and al, ~(1 << IRQ)
        out 0x21, al
        sti

        ; The descriptor, the control register, the doorbell.
        mov dx, P_ADDR
        mov eax, BUF_SEG * 16
        out dx, eax
        mov dx, P_LEN
        movzx eax, word [op_sectors]
        inc eax
        shl eax, 9
        out dx, eax
        mov dx, P_CTL
        mov al, 0x80 | IRQ              ; IRQ enable, line 5, CRCs checked
        out dx, al
        mov dx, P_CMD
        mov al, 1
        out dx, al

        ; Wait for the interrupt; the status is polled after every wake-up too.
wait_done: cli
        cmp byte [irq_seen], 0
        jne finished
        sti
        hlt
        mov dx, P_CMD
        in al, dx
        cmp al, 1                       ; busy
        je wait_done
        mov cx, 1000                    ; done: let a pending interrupt in
.spin:  cmp byte [irq_seen], 0
        jne finished
        loop .spin
finished:
        sti
        PUTS msg_status
        mov dx, P_CMD
        in al, dx
        mov [status], al
        movzx bx, al
        and bx, 3
        shl bx, 1
        PUTS [status_names + bx]
        PUTS msg_backend
        mov dx, P_BACKEND
        in al, dx
        movzx bx, al
        and bx, 3
        shl bx, 1
        PUTS [backend_names + bx]
        PUTS msg_done
        mov dx, P_DONE
        in eax, dx
        call print_dec
        PUTS msg_ops
        mov dx, P_OPS
        in eax, dx
        call print_dec
        PUTS msg_bytes
        mov dx, P_BYTES
        in eax, dx
        call print_dec
        PUTS msg_lines
        mov dx, P_LINES
        in eax, dx
        call print_dec
        PUTS msg_err
        mov dx, P_ERR
        in al, dx
        movzx eax, al
        call print_dec
        PUTS msg_errop
        mov dx, P_ERROP
        in eax, dx
        cmp eax, 0xFFFFFFFF
        je .noop
        call print_dec
        jmp .irq
.noop:  PUTS msg_none
.irq:   PUTS msg_irq
        mov si, msg_irq_no
        cmp byte [irq_seen], 0
        je .irqp
        mov si, msg_irq_yes
.irqp:  call pxt_puts
        mov dx, P_CMD                   ; acknowledge: idle, IRQ line low
        mov al, 2
        out dx, al
        xor al, al
        cmp byte [status], 2
        je .exit
        mov al, 1
.exit:  out EXITPORT, al
        cli
        hlt

disk_error:
        PUTS msg_disk
        mov al, 2
        jmp fail
not_pxi:
        PUTS msg_not_pxi
        mov al, 3
        jmp fail
too_big:
        PUTS msg_too_big
        mov al, 4
fail:   out EXITPORT, al
        cli
        hlt

; Reads LBA AX of the boot floppy (18 sectors, 2 heads) to BX:0000. CF on error.
read_sector:
        push es
        mov es, bx
        xor dx, dx
        mov si, 18
        div si
        mov cl, dl
        inc cl
        mov dh, al
        and dh, 1
        shr ax, 1
        mov ch, al
        mov dl, [drive]
        xor bx, bx
        mov di, 3
.try:   mov ax, 0x0201
        push dx
        int 0x13
        pop dx
        jnc .ok
        dec di
        jnz .try
        stc
.ok:    pop es
        ret

; Prints EAX in decimal.
print_dec:
        push eax
        push ecx
        push edx
        push bx
        mov ecx, 10
        xor bx, bx
.div:   xor edx, edx
        div ecx
        push dx
        inc bx
        test eax, eax
        jnz .div
.out:   pop ax
        add al, '0'
        out DEBUGCON, al
        dec bx
        jnz .out
        pop bx
        pop edx
        pop ecx
        pop eax
        ret

irq_handler:
        push ax
        mov byte [cs:irq_seen], 1
        mov al, 0x20                    ; EOI
        out 0x20, al
        pop ax
        iret

drive:       db 0
irq_seen:    db 0
status:      db 0
op_sectors:  dw 0
msg_loaded:  db "pxboot: driver loaded, submitting to the pixel device", 10, 0
msg_status:  db "pxboot: status ", 0
msg_backend: db ", backend ", 0
msg_done:    db ", completions ", 0
msg_ops:     db ", ops ", 0
msg_bytes:   db ", bytes ", 0
msg_lines:   db ", line changes ", 0
msg_err:     db ", error ", 0
msg_errop:   db " at op ", 0
msg_none:    db "none", 0
msg_irq:     db ", irq ", 0
msg_irq_yes: db "taken", 10, 0
msg_irq_no:  db "not taken (polled)", 10, 0
msg_disk:    db "pxboot: disk read error", 10, 0
msg_not_pxi: db "pxboot: no PXI v1 UART driver at LBA 8", 10, 0
msg_too_big: db "pxboot: the driver is larger than 512 KiB", 10, 0
st_idle:     db "idle", 0
st_busy:     db "busy", 0
st_done:     db "done", 0
st_error:    db "error", 0
status_names: dw st_idle, st_busy, st_done, st_error
be_none:     db "?", 0
be_cpu:      db "cpu", 0
be_vulkan:   db "vulkan", 0
be_cuda:     db "cuda", 0
backend_names: dw be_none, be_cpu, be_vulkan, be_cuda

        times 512 * 4 - ($ - $$) db 0
