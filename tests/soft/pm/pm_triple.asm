; A #GP whose gate is not present raises #NP while delivering it (contributory on
; contributory: #DF); the #DF gate is not present either: triple fault, shutdown.
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

pm_main:
        and byte [pm_idt + 13 * 8 + 5], 0x7F   ; vector 13: not present
        and byte [pm_idt + 8 * 8 + 5], 0x7F    ; vector 8: not present
        mov ax, 0x1000
        mov ds, ax                             ; #GP(1000h)
        PM_PUTS s_went_on
        inc byte [pm_failures]
        PM_FINISH

        PM_CODE
s_went_on: db "FAIL the guest went on after the triple fault", 10, 0
        PM_END
