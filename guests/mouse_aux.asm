; mouse_aux: the PS/2 mouse driven directly through the 8042, as Linux's
; i8042 and psmouse drivers do: enable and test the AUX interface (A8h,
; A9h), then through 64h D4h: reset (FAh AAh 00h), get ID (00h), the
; IntelliMouse knock (rates 200, 100, 80), get ID (03h), status, enable.
; Then IRQ 12 on (command byte bit 1), our own INT 74h handler, "ready",
; and the test sends
;   pxos run --boot-sector mouse_aux.bin --expect ready \
;            --send-keys '{mouse 4 -2 4 1}x{mouse -300 0 0}'
; The two 4-byte packets must arrive on IRQ 12 with the right bytes (the
; second with X overflow), and the key typed between them through IRQ 1 and
; the BIOS: mouse and keyboard share the controller without losing either.
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 5

%define TICKS 0x46C                     ; the BIOS tick count, DS = 0
%define WANT 8                          ; bytes the test sends: two packets

stage2:
        cli
        mov word [0x74 * 4], irq12      ; our IRQ 12 handler
        mov word [0x74 * 4 + 2], 0
        in al, 0xA1                     ; IRQ 12 unmasked at the slave
        and al, 0xEF
        out 0xA1, al
        ; Interrupts stay off while we talk to the controller: its replies
        ; raise IRQ 1, and the BIOS's INT 09h would take them for keys.

        mov al, 0xA8                    ; enable the AUX interface
        call kbc_cmd
        mov al, 0xA9                    ; and test it: 00h
        call kbc_cmd
        call read_byte
        cmp al, 0x00
        CHECK e, msg_a9

        mov al, 0xFF                    ; reset: FAh AAh 00h
        call mouse_cmd
        cmp al, 0xFA
        CHECK e, msg_reset_ack
        call read_aux
        cmp al, 0xAA
        CHECK e, msg_reset_bat
        call read_aux
        cmp al, 0x00
        CHECK e, msg_reset_id

        mov al, 0xF2                    ; get ID: 00h
        call mouse_cmd
        call read_aux
        cmp al, 0x00
        CHECK e, msg_id0

        mov si, knock                   ; the IntelliMouse knock
        mov cx, 3
.knock: mov al, 0xF3
        call mouse_cmd
        cmp al, 0xFA
        jne .knocked
        lodsb
        call mouse_cmd
        cmp al, 0xFA
        jne .knocked
        loop .knock
.knocked:
        test cx, cx
        CHECK z, msg_knock
        mov al, 0xF2                    ; get ID: 03h, the wheel mouse
        call mouse_cmd
        call read_aux
        cmp al, 0x03
        CHECK e, msg_id3

        mov al, 0xF4                    ; enable reporting
        call mouse_cmd
        cmp al, 0xFA
        CHECK e, msg_enable
        mov al, 0xE9                    ; status: enabled, resolution 2, rate 80
        call mouse_cmd
        call read_aux
        cmp al, 0x20
        CHECK e, msg_status_flags
        call read_aux
        cmp al, 2
        CHECK e, msg_status_resolution
        call read_aux
        cmp al, 80
        CHECK e, msg_status_rate

        mov al, 0x20                    ; command byte: IRQ 12 on, AUX enabled
        call kbc_cmd
        call read_byte
        or al, 0x02
        and al, 0xDF
        mov bl, al
        mov al, 0x60
        call kbc_cmd
        mov al, bl
        out 0x60, al
        sti                             ; the IRQ 1 requests our replies left find nothing to read

        PUTS msg_ready
        mov si, [TICKS]
.wait:  sti
        hlt
        cmp word [count], WANT
        jae .arrived
        mov ax, [TICKS]
        sub ax, si
        cmp ax, 18 * 20                 ; 20 seconds
        jb .wait
.arrived:
        cmp word [count], WANT
        CHECK e, msg_count
        mov si, bytes
        mov di, expected
        mov cx, WANT
        cld
        repe cmpsb
        CHECK e, msg_values
        je .key
        PUTS msg_got
        mov si, bytes
        mov cx, WANT
.dump:  lodsb
        call pxt_hexb
        loop .dump
        PUTS pxt_nl

.key:   mov si, [TICKS]                 ; the key typed between the packets
.poll:  mov ah, 0x01
        int 0x16
        jnz .got
        mov ax, [TICKS]
        sub ax, si
        cmp ax, 18 * 5
        jb .poll
.got:   cmp al, 'x'
        CHECK e, msg_key
        FINISH

; Writes the controller command in AL to 64h.
kbc_cmd:
        call wait_input
        out 0x64, al
        ret

; Sends AL to the mouse (64h D4h, then 60h) and returns its first answer
; in AL (FFh: none came).
mouse_cmd:
        push ax
        mov al, 0xD4
        call kbc_cmd
        call wait_input
        pop ax
        out 0x60, al
        jmp read_aux

; Waits until the controller's input buffer is empty (status bit 1).
wait_input:
        push ax
        push cx
        mov cx, 0xFFFF
.loop:  in al, 0x64
        test al, 0x02
        loopnz .loop
        pop cx
        pop ax
        ret

; The next byte from the controller in AL (FFh if none came in time).
read_byte:
        push cx
        mov cx, 0xFFFF
.loop:  in al, 0x64
        test al, 0x01
        jnz .got
        loop .loop
        pop cx
        mov al, 0xFF
        ret
.got:   in al, 0x60
        pop cx
        ret

; The next byte from the mouse in AL (status bit 5 set); FFh if none came.
read_aux:
        push cx
        mov cx, 0xFFFF
.loop:  in al, 0x64
        and al, 0x21
        cmp al, 0x21
        je .got
        loop .loop
        pop cx
        mov al, 0xFF
        ret
.got:   in al, 0x60
        pop cx
        ret

; IRQ 12: keep the mouse's byte, EOI both PICs.
irq12:
        push ax
        push bx
        push ds
        xor ax, ax
        mov ds, ax
        in al, 0x64
        and al, 0x21
        cmp al, 0x21
        jne .eoi
        in al, 0x60
        mov bx, [count]
        cmp bx, 16
        jae .eoi
        mov [bytes + bx], al
        inc word [count]
.eoi:   mov al, 0x20
        out 0xA0, al
        out 0x20, al
        pop ds
        pop bx
        pop ax
        iret

knock:    db 200, 100, 80
; {mouse 4 -2 4 1}: middle, Y negative; X 4, Y -2, wheel 1.
; {mouse -300 0 0}: X negative and overflowed: X -256.
expected: db 0x2C, 0x04, 0xFE, 0x01, 0x58, 0x00, 0x00, 0x00
count:    dw 0
bytes:    times 16 db 0

msg_a9:          db "A9h: the AUX interface tests good", 0
msg_reset_ack:   db "reset: FAh", 0
msg_reset_bat:   db "reset: AAh", 0
msg_reset_id:    db "reset: 00h", 0
msg_id0:         db "ID 00h", 0
msg_knock:       db "rates 200, 100, 80 each acknowledged", 0
msg_id3:         db "ID 03h after the IntelliMouse knock", 0
msg_enable:      db "F4h enable", 0
msg_status_flags: db "status: reporting on, stream mode", 0
msg_status_resolution: db "status: resolution 2", 0
msg_status_rate: db "status: rate 80", 0
msg_ready:       db "ready", 10, 0
msg_count:       db "eight bytes on IRQ 12", 0
msg_values:      db "the two wheel packets as sent", 0
msg_got:         db "got: ", 0
msg_key:         db "the key typed between them came through INT 16h", 0
        times 512 * 6 - ($ - $$) db 0
