; RF (EFLAGS bit 16) in the EFLAGS images the CPU pushes (Intel SDM vol. 3, "RF
; flag"): set for a fault (also one raised while delivering INT n) and for an
; interrupt taken between two iterations of a REP string instruction; clear for
; INT n and for a single-step trap, also right after an IRET that loaded RF=1
; (RF lasts until the next instruction completes).
%macro TEST_GDT 0
%endmacro
%include "pm.inc"

RF equ 0x10000

test_main:
        mov eax, 0x40                          ; the harness's external interrupt (port E0h)
        mov ebx, stub_40
        mov edx, 0x8E00
        call set_gate
        mov eax, 0x41
        mov ebx, stub_41
        mov edx, 0x8E00
        call set_gate

        ; A fault: RF in the image.
        TRY
        ud2
        CATCH 1, 6, -1
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 2, eax, RF

        ; INT n right after an IRET that set RF: RF not in the image.
        TRY
        pushfd
        or dword [esp], RF
        push dword SEL_CODE0
        push dword .after_iret
        iretd
.after_iret:
        int 0x41
        CATCH 3, 0x41, -1
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 4, eax, 0

        ; INT n through a gate of no valid type: the #GP is a fault, RF in the image.
        TRY
        int 0x42
        CATCH 5, 13, 0x42 * 8 + 2
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 6, eax, RF

        ; A single-step trap after the instruction that follows an IRET that set
        ; TF and RF: RF was cleared when that instruction completed.
        TRY
        pushfd
        or dword [esp], RF | 0x100
        push dword SEL_CODE0
        push dword .stepped
        iretd
.stepped:
        nop
.after_nop:
        CATCH 7, 1, -1
        CHECK_EQ 8, [last_eip], .after_nop
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 9, eax, 0

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
        CATCH 10, 0x40, -1
        CHECK_EQ 11, [last_eip], .rep_outs
        CHECK_EQ 12, [ecx_seen], 1
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 13, eax, RF

        ; Its last iteration (ESI, ECX as the interrupt left them): 40h arrives
        ; after the instruction completed, RF clear.
        TRY
        mov ecx, [ecx_seen]
        mov dx, 0xE0
        rep outsb
.outs_done:
        nop
        CATCH 14, 0x40, -1
        CHECK_EQ 15, [last_eip], .outs_done
        CHECK_EQ 16, [ecx_seen], 0
        mov eax, [last_flags]
        and eax, RF
        CHECK_EQ 17, eax, 0
        PASS

stub_40:
        mov [ecx_seen], ecx
        push dword -1
        push dword 0x40
        jmp fault_common
stub_41:
        push dword -1
        push dword 0x41
        jmp fault_common

two_bytes: db 0x11, 0x22
        align 4
ecx_seen: dd -1
