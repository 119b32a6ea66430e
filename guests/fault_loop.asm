; fault_loop: a guest whose invalid-opcode handler lies past the end of
; RAM (FFFF:0010 = 100000h with 1 MiB of RAM), where every fetch reads all
; ones (FFh FFh: an invalid opcode), so the CPU delivers #UD for ever and
; retires no instruction. The monitor must still end the run at --timeout
; (status 124), in deterministic mode too, where guest time comes from the
; instruction count (found by fuzz_soft_cpu: that run never returned).
; Run it with
;   pxos run --boot-sector fault_loop.bin --memory 1M --engine soft --deterministic --timeout 1
        bits 16
        org 0x7C00
        cli
        mov ax, 0x9000                  ; a stack of its own: the pushes of each
        mov ss, ax                      ; delivery wrap within 9000h:0000..FFFF
        xor sp, sp
        xor ax, ax
        mov ds, ax
        mov word [6 * 4], 0x0010        ; INT 06h (#UD) -> FFFF:0010
        mov word [6 * 4 + 2], 0xFFFF
        ud2
        times 510 - ($ - $$) db 0
        dw 0xAA55
