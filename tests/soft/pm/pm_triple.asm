; A #GP whose gate is not present raises #NP while delivering it (contributory on
; contributory: #DF); the #DF gate is not present either: triple fault, shutdown.
%macro TEST_GDT 0
%endmacro
%include "pm.inc"

test_main:
        mov byte [idt + 13 * 8 + 5], 0x0E      ; vector 13: not present
        mov byte [idt + 8 * 8 + 5], 0x0E       ; vector 8: not present
        mov ax, 0x1000
        mov ds, ax                             ; #GP(1000h)
        mov al, 99
        jmp fail
