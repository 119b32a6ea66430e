; pixel_bad: hands the pixel device bad descriptors (an address past RAM, a
; length that wraps past 4 GiB, an address that wraps) and checks that each
; ends with the error status and code, and that the device and the monitor
; still work afterwards: a good in-RAM program (CRC check off) then runs and
; writes "OK\n" to COM1. Exit status: the number of failed checks.
%include "pxtest.inc"
        bits 16
        org 0x7C00
        cpu 386

PIXEL   equ 0x5A0
PROG    equ 0x9000              ; a small program at 0000:9000 (after this code)

        PXTEST_BOOT 3

stage2:

        ; 1: an address past the end of RAM.
        mov eax, 0x7FF00000
        mov ebx, 0x1000
        call submit
        cmp al, 3
        CHECK e, m_past_status
        call error_code
        cmp al, 0x40
        CHECK e, m_past_code
        ; 2: a length that wraps past 4 GiB.
        mov eax, 0x00010000
        mov ebx, 0xFFFFFFF0
        call submit
        cmp al, 3
        CHECK e, m_len_status
        call error_code
        cmp al, 0x41
        CHECK e, m_len_code
        ; 3: an address + length that wraps.
        mov eax, 0xFFFFFF00
        mov ebx, 0x400
        call submit
        cmp al, 3
        CHECK e, m_wrap_status
        call error_code
        cmp al, 0x40
        CHECK e, m_wrap_code
        ; Three completions so far, nothing sent.
        mov dx, PIXEL + 0x10
        in eax, dx
        cmp eax, 3
        CHECK e, m_count
        mov dx, PIXEL + 0x18
        in eax, dx
        cmp eax, 0
        CHECK e, m_nothing

        ; 4: a good program, made here: "OK\n" at 9600 8N1.
        mov di, PROG
        mov cx, 256
        xor ax, ax
        cld
        rep stosw
        mov dword [PROG], 0x1A495850
        mov word [PROG + 4], 0x0101
        mov word [PROG + 6], 256
        mov dword [PROG + 8], 3
        mov dword [PROG + 512], 0x01030C4F     ; WRITE 'O', divisor 12, LCR 03h
        mov dword [PROG + 516], 0x01030C4B     ; WRITE 'K'
        mov dword [PROG + 520], 0x01030C0A     ; WRITE LF
        mov dx, PIXEL + 9
        mov al, 0x40                           ; no CRC check
        out dx, al
        mov eax, PROG
        mov ebx, 512 + 12
        call submit
        cmp al, 2
        CHECK e, m_good_status
        mov dx, PIXEL + 0x18
        in eax, dx
        cmp eax, 3
        CHECK e, m_good_bytes
        mov dx, 0x3F8 + 3                       ; the device programmed COM1's line
        in al, dx
        cmp al, 3
        CHECK e, m_good_lcr
        FINISH

; EAX = address, EBX = length: submits and polls; AL = the final status.
submit:
        mov dx, PIXEL
        out dx, eax
        mov dx, PIXEL + 4
        mov eax, ebx
        out dx, eax
        mov dx, PIXEL + 8
        mov al, 1
        out dx, al
.poll:  in al, dx
        cmp al, 1
        je .poll
        ret

error_code:
        mov dx, PIXEL + 0x0A
        in al, dx
        ret

m_past_status: db "an address past RAM ends with the error status", 0
m_past_code:   db "... and error 40h (bad address)", 0
m_len_status:  db "a length that wraps past 4 GiB ends with the error status", 0
m_len_code:    db "... and error 41h (bad length)", 0
m_wrap_status: db "an address + length that wraps ends with the error status", 0
m_wrap_code:   db "... and error 40h (bad address)", 0
m_count:       db "three completions counted", 0
m_nothing:     db "no bytes sent", 0
m_good_status: db "a good program afterwards is done", 0
m_good_bytes:  db "... and wrote 3 bytes", 0
m_good_lcr:    db "... and set COM1 to 8N1", 0

        times 512 * 4 - ($ - $$) db 0
