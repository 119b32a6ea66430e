; keys_flood: reads the 520 characters of keys_flood.txt through INT 16h
; AH=00h, more slowly than they are typed (a pause of three timer ticks every
; 40 keys, so the BIOS buffer of 15 keys fills up), and checks that every one
; arrives, in order. The test types the same file (--send-keys, or stdin).
; Exit status 0: all arrived; 1: a key was wrong (the debug console says which).
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 2

stage2:
        mov si, text
        xor bp, bp                      ; keys read
.next:  cmp si, text_end
        jae .done
        mov ah, 0x00
        int 0x16
        cmp al, [si]
        jne .wrong
        inc si
        inc bp
        mov cx, 200                     ; a little work per key
.work:  loop .work
        mov ax, bp
        mov bl, 40
        div bl
        test ah, ah
        jnz .next
        mov cx, 3                       ; and now and then a long pause
.pause: hlt
        loop .pause
        jmp .next
.wrong: push ax
        PUTS msg_wrong
        mov ax, bp
        call pxt_hex16
        PUTS msg_got
        pop ax
        call pxt_hex16
        PUTS pxt_nl
        mov al, 1
        out EXITPORT, al
        cli
        hlt
.done:  PUTS msg_ok
        xor al, al
        out EXITPORT, al
        cli
        hlt

msg_wrong: db "FAIL key number (hex) ", 0
msg_got:   db "came as ", 0
msg_ok:    db "ok   all 520 keys arrived in order", 10, 0
text:      incbin "keys_flood.txt"
text_end:
        times 512 * 3 - ($ - $$) db 0
