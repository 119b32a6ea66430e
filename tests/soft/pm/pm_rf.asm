; RF (EFLAGS bit 16) in the EFLAGS images the CPU pushes (Intel SDM vol. 3, "RF
; flag"): set for a fault (also one raised while delivering INT n) and for an
; interrupt taken between two iterations of a REP string instruction; clear for
; INT n and for a single-step trap, also right after an IRET that loaded RF=1
; (RF lasts until the next instruction completes). The harness raises external
; interrupt 40h after an OUT to port E0h.
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

RF      equ 0x10000
EXT     equ 0x40                        ; the harness's external interrupt
NOGATE  equ 0x42                        ; a gate of no valid type

pm_main:
        SET_GATE EXT, ext_handler, 0x8E00
        mov dword [pm_idt + NOGATE * 8], 0
        mov dword [pm_idt + NOGATE * 8 + 4], 0

        ; A fault: RF in the image.
        TRY
        ud2
        ENDTRY
        EXPECT_VEC 6, NOERR, "#UD"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, RF, "  a fault: RF in the pushed EFLAGS"

        ; INT n right after an IRET that set RF: RF not in the image.
        TRY
        pushfd
        or dword [esp], RF
        push dword KCODE
        push dword .after_iret
        iretd
.after_iret:
        int 0x41
        ENDTRY
        EXPECT_VEC 0x41, NOERR, "INT 41h right after an IRET that set RF"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, 0, "  INT n: RF not in the pushed EFLAGS"

        ; INT n through a gate of no valid type: the #GP is a fault, RF in the image.
        TRY
        int NOGATE
        ENDTRY
        EXPECT_VEC 13, NOGATE * 8 + 2, "#GP(IDT): INT n through a gate of no valid type"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, RF, "  a fault while delivering INT n: RF in the pushed EFLAGS"

        ; A single-step trap after the instruction that follows an IRET that set
        ; TF and RF: RF was cleared when that instruction completed.
        TRY
        pushfd
        or dword [esp], RF | 0x100
        push dword KCODE
        push dword .stepped
        iretd
.stepped:
        nop
.after_nop:
        ENDTRY
        EXPECT_VEC 1, NOERR, "#DB: single step after an IRET that set TF and RF"
        EXPECT_EQ [pm_f_eip], .after_nop, "  after the first instruction"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, 0, "  RF not in the pushed EFLAGS"

        ; REP OUTSB to port E0h, two bytes: the harness raises vector 40h after the
        ; first, which interrupts the instruction with one iteration left: RF in the
        ; image, EIP at the instruction, ECX = 1.
        TRY
        mov esi, two_bytes
        mov ecx, 2
        mov dx, 0xE0
        cld
.rep_outs:
        rep outsb
        ENDTRY
        EXPECT_VEC EXT, NOERR, "an external interrupt between two iterations of REP OUTSB"
        EXPECT_EQ [pm_f_eip], .rep_outs, "  EIP at the instruction"
        EXPECT_EQ [ecx_seen], 1, "  ECX: one iteration left"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, RF, "  RF in the pushed EFLAGS"

        ; Its last iteration (ESI, ECX as the interrupt left them): 40h arrives
        ; after the instruction completed, RF clear.
        TRY
        mov ecx, [ecx_seen]
        mov dx, 0xE0
        rep outsb
.outs_done:
        nop
        ENDTRY
        EXPECT_VEC EXT, NOERR, "an external interrupt after the last iteration"
        EXPECT_EQ [pm_f_eip], .outs_done, "  EIP after the instruction"
        EXPECT_EQ [ecx_seen], 0, "  ECX 0"
        mov eax, [pm_f_efl]
        and eax, RF
        EXPECT_EQ eax, 0, "  RF not in the pushed EFLAGS"
        PM_FINISH

; Vector 40h: ECX as the interrupt found it, then the recording stub.
ext_handler:
        mov [ecx_seen], ecx
        jmp PM_STUB(EXT)

        PM_CODE
two_bytes: db 0x11, 0x22
        align 4
ecx_seen: dd -1
        PM_END
