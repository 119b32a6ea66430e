; mouse_bios: the PS/2 mouse through the BIOS, as a DOS mouse driver uses
; it: INT 11h reports a pointing device; INT 15h AX=C205h (packets of 3),
; C207h (our far handler), C201h (reset: AAh, ID 00h), C204h, C202h/C203h,
; C206h (status), C200h (enable). Then it prints "ready" and the test moves
; the mouse with
;   pxos run --boot-sector mouse_bios.bin --expect ready \
;            --send-keys '{mouse 10 -5 1}{mouse -3 7 0}{mouse 0 0 2}'
; and the handler must be called once per event with status, X, Y and 0 on
; its stack. Last, C200h BH=0 and C207h 0000:0000 turn it off again.
; Assembled with -DDOS_COM (guests/mouse_bios_com.asm) it is a DOS .COM
; program instead, run under FreeDOS (tests/guest/dos_programs.sh).
        bits 16
%include "pxtest.inc"
        PXTEST_START 5

%define WANT 3                          ; packets the test sends

stage2:
        int 0x11
        test al, 0x04
        CHECK nz, msg_equipment

        mov ax, 0xC200                  ; enable without a handler: AH=05h
        mov bh, 1
        int 0x15
        jc .refused
        mov ah, 0xFF                    ; no error at all: fails the check
.refused:
        cmp ah, 0x05
        CHECK e, msg_no_handler

        mov ax, 0xC205                  ; initialize: packets of 3 bytes
        mov bh, 3
        int 0x15
        CHECK nc, msg_init
        push cs
        pop es
        mov bx, handler
        mov ax, 0xC207
        int 0x15
        CHECK nc, msg_set_handler

        mov ax, 0xC201                  ; reset
        int 0x15
        CHECK nc, msg_reset
        cmp bx, 0x00AA                  ; BH = ID 00h, BL = AAh
        CHECK e, msg_reset_bytes
        mov ax, 0xC204
        int 0x15
        CHECK nc, msg_type
        cmp bh, 0
        CHECK e, msg_type_id

        mov ax, 0xC202                  ; 100 per second
        mov bh, 5
        int 0x15
        CHECK nc, msg_rate
        mov ax, 0xC203                  ; 8 counts per mm
        mov bh, 3
        int 0x15
        CHECK nc, msg_resolution
        mov ax, 0xC206
        mov bh, 0
        int 0x15
        CHECK nc, msg_status
        cmp cl, 3
        CHECK e, msg_status_resolution
        cmp dl, 100
        CHECK e, msg_status_rate

        mov ax, 0xC200                  ; enable
        mov bh, 1
        int 0x15
        CHECK nc, msg_enable
        mov ax, 0xC206
        mov bh, 0
        int 0x15
        test bl, 0x20
        CHECK nz, msg_enabled_bit

        PUTS msg_ready
        call ticks
        mov si, ax
.wait:  sti
        hlt
        cmp word [count], WANT
        jae .arrived
        call ticks
        sub ax, si
        cmp ax, 18 * 20                 ; 20 seconds
        jb .wait
.arrived:
        cli
        cmp word [count], WANT
        CHECK e, msg_count

        mov si, packets
        mov di, expected
        mov cx, WANT * 4
.cmp:   mov ax, [si]
        cmp ax, [di]
        jne .differ
        add si, 2
        add di, 2
        loop .cmp
.differ:
        test cx, cx
        CHECK z, msg_values
        jz .off
        PUTS msg_got                    ; what came, for the log
        mov si, packets
        mov cx, WANT * 4
.dump:  lodsw
        call pxt_hex16
        loop .dump
        PUTS pxt_nl

.off:   sti
        mov ax, 0xC200                  ; disable
        mov bh, 0
        int 0x15
        CHECK nc, msg_disable
        xor bx, bx
        mov es, bx
        mov ax, 0xC207                  ; remove the handler
        int 0x15
        CHECK nc, msg_remove
        FINISH

; AX = the low word of the BIOS tick count (0040:006C).
ticks:
        push ds
        mov ax, 0x40
        mov ds, ax
        mov ax, [0x6C]
        pop ds
        ret

; The far handler: status, X, Y, 0 on the stack (the last pushed first).
; Keeps the words of up to 8 calls.
handler:
        push bp
        mov bp, sp
        push ax
        push bx
        push si
        push ds
        push cs                         ; our variables: DS = CS
        pop ds
        mov bx, [count]
        cmp bx, 8
        jae .done
        shl bx, 3
        lea si, [packets + bx]
        mov ax, [bp + 12]               ; status
        mov [si], ax
        mov ax, [bp + 10]               ; X
        mov [si + 2], ax
        mov ax, [bp + 8]                ; Y
        mov [si + 4], ax
        mov ax, [bp + 6]                ; 0
        mov [si + 6], ax
        inc word [count]
.done:  pop ds
        pop si
        pop bx
        pop ax
        pop bp
        retf

; status (bit 3 always, 5 Y negative, 4 X negative, buttons), X, Y, 0
expected:
        dw 0x29, 10, 0xFB, 0            ; {mouse 10 -5 1}: left, Y negative
        dw 0x18, 0xFD, 7, 0             ; {mouse -3 7 0}: X negative, released
        dw 0x0A, 0, 0, 0                ; {mouse 0 0 2}: right

count:   dw 0
packets: times 8 * 4 dw 0

msg_equipment:   db "INT 11h reports a pointing device", 0
msg_no_handler:  db "C200h enable without a handler fails with 05h", 0
msg_init:        db "C205h initialize", 0
msg_set_handler: db "C207h set the handler", 0
msg_reset:       db "C201h reset", 0
msg_reset_bytes: db "reset: BL = AAh, BH = 00h", 0
msg_type:        db "C204h device type", 0
msg_type_id:     db "device ID 00h", 0
msg_rate:        db "C202h sample rate", 0
msg_resolution:  db "C203h resolution", 0
msg_status:      db "C206h status", 0
msg_status_resolution: db "status: resolution 3", 0
msg_status_rate: db "status: 100 per second", 0
msg_enable:      db "C200h enable", 0
msg_enabled_bit: db "status: enabled", 0
msg_ready:       db "ready", 10, 0
msg_count:       db "the handler ran once per event", 0
msg_values:      db "status, X, Y, 0 as sent", 0
msg_got:         db "got: ", 0
msg_disable:     db "C200h disable", 0
msg_remove:      db "C207h remove the handler", 0
%ifndef DOS_COM
        times 512 * 6 - ($ - $$) db 0
%endif
