; bench_serial: the guest of `pxos bench serial`. For each N the monitor
; gives (a dword read from port 510h; 0 = stop) it sends N bytes to COM1
; three times: with the traditional driver (poll LSR until THR is empty, one OUT to
; THR per byte) and with the pixel device (build WRITE op pixels of a raw PXI
; program at 2000:0000, 64 KiB of data per batch, one doorbell per batch,
; poll the status), once with the ops already in RAM (pixel form, made at
; boot) and once building them before each doorbell. Markers written to
; port 510h (1..4) let the monitor time the three. The bytes are the same each time: a
; counter from 0.
        bits 16
        org 0x7C00

%include "pxtest.inc"
        cpu 386

MARKER   equ 0x510
COM1     equ 0x3F8
PIXEL    equ 0x5A0
PROG_SEG equ 0x2000          ; the program at linear 20000h
BATCH    equ 65536           ; bytes (WRITE ops) per batch at most

start:
        BOOT_STACK
        ; interrupts stay off: polled drivers only, and no timer tick in the timings
        ; COM1: 115200 8N1, FIFO on (what a real driver would set up).
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        mov dx, COM1
        mov al, 1
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 3
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07
        out dx, al
        ; The pixel device: program address, CRC check off (the program is
        ; made in RAM, not read from a file), no interrupt.
        mov dx, PIXEL
        mov eax, PROG_SEG * 16
        out dx, eax
        mov dx, PIXEL + 9
        mov al, 0x40
        out dx, al
        ; The constant header fields.
        mov ax, PROG_SEG
        mov es, ax
        xor di, di
        mov cx, 256
        xor ax, ax
        cld
        rep stosw
        mov dword [es:0], 0x1A495850
        mov word [es:4], 0x0101
        mov word [es:6], 256
        ; The data in pixel form, made once at boot: 64 Ki WRITE ops of the
        ; same counter bytes (what a pixel-native program keeps in RAM).
        mov ecx, BATCH
        call build_ops

next_size:
        mov dx, MARKER
        in eax, dx
        test eax, eax
        jz done
        mov [n], eax

        ; --- the traditional driver: one OUT per byte, LSR polled first
        mov dx, MARKER
        mov al, 1
        out dx, al
        mov ecx, [n]
        xor bl, bl
.byte:  mov dx, COM1 + 5
.lsr:   in al, dx
        test al, 0x20
        jz .lsr
        mov dx, COM1
        mov al, bl
        out dx, al
        inc bl
        dec ecx
        jnz .byte

        ; --- the pixel device, data already in pixel form: one doorbell per batch
        mov dx, MARKER
        mov al, 2
        out dx, al
        xor al, al
        call send_pixel
        ; --- the pixel device, WRITE ops built by the guest before each doorbell
        mov dx, MARKER
        mov al, 3
        out dx, al
        mov al, 1
        call send_pixel
        mov dx, MARKER
        mov al, 4
        out dx, al
        jmp next_size

; Sends [n] bytes through the pixel device in batches of up to BATCH; AL = 1:
; build each batch's ops first (the counter restarts at 0 every batch, as
; BATCH is a multiple of 256, so the bytes equal the per-byte driver's).
send_pixel:
        mov [build], al
        mov esi, [n]                    ; bytes left
.batch: mov ecx, esi
        cmp ecx, BATCH
        jbe .fits
        mov ecx, BATCH
.fits:  sub esi, ecx
        cmp byte [build], 0
        je .ready
        push ecx
        call build_ops
        pop ecx
.ready: mov ax, PROG_SEG
        mov es, ax
        mov [es:8], ecx                 ; op count
        shl ecx, 2
        add ecx, 512                    ; length
        mov dx, PIXEL + 4
        mov eax, ecx
        out dx, eax
        mov dx, PIXEL + 8
        mov al, 1                       ; doorbell
        out dx, al
.poll:  in al, dx
        cmp al, 1
        je .poll
        mov al, 2                       ; acknowledge
        out dx, al
        test esi, esi
        jnz .batch
        ret

; Writes ECX (>= 1) WRITE ops of the bytes 0, 1, 2, ... after the header at PROG_SEG.
build_ops:
        mov ax, PROG_SEG
        mov es, ax
        mov di, 512
        xor bl, bl
.op:    mov eax, 0x01030100             ; WRITE, LCR 03h (8N1), divisor 1
        mov al, bl
        stosd
        inc bl
        test di, di
        jnz .same
        mov ax, es
        add ax, 0x1000
        mov es, ax
.same:  dec ecx
        jnz .op
        ret

done:   xor al, al
        out 0xF4, al
        cli
        hlt

n:      dd 0
build:  db 0

        times 510 - ($ - $$) db 0
        dw 0xAA55
