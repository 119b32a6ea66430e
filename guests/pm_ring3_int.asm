; pm_ring3_int: software interrupts from ring 3 (INT n through a DPL 3 gate,
; INT n / INT3 / INTO through DPL 0 gates: #GP(vector*8+2)) and a #SS whose
; frame goes to a stack segment with a nonzero base.
; The nested KVM of our test machines gets these wrong (it raises #UD for INT
; n at CPL 3 and loses the #SS frame on a based stack), so this guest is a
; soft-engine test only; Bochs 2.7 passes all of it.
; Run: pxos run --boot-sector pm_ring3_int.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

pm_main:
        PM_PUTS s_hello
t_r3ok: TRY
        IN_RING3 .r3
.r3:    mov eax, 1
        int RING3_RET
.n:     nop
        ENDTRY
        EXPECT_FAULT RING3_RET, NOERR, t_r3ok.n, UCODE | 3, "ring 3: INT 30h through a DPL 3 gate"
        call check_r3_stack
t_r3o:  TRY
        IN_RING3 .r3
.r3:    mov al, 0x7F
        add al, 1
.f:     into                            ; a DPL 0 gate
        int RING3_RET
        ENDTRY
        EXPECT_FAULT 13, 4 * 8 + 2, t_r3o.f, UCODE | 3, "ring 3 #GP: INTO (OF=1) to a DPL 0 gate"
        call check_r3_stack
t_ss2:  TRY
        mov ax, SMALL
        mov ss, ax
        mov esp, 0xF00
        mov ebp, 0x1000
.f:     mov eax, [ebp]                  ; SS-relative, past the limit
        ENDTRY
        EXPECT_FAULT 12, 0, t_ss2.f, KCODE, "#SS: [EBP] past the stack limit"
        EXPECT_EQ [pm_f_esp], 0xF00, "#SS: frame pushed on the small stack"

t_r3e:  TRY
        IN_RING3 .r3
.r3:
.f:     int 0x40                        ; a DPL 0 gate
        int RING3_RET
        ENDTRY
        EXPECT_FAULT 13, 0x40 * 8 + 2, t_r3e.f, UCODE | 3, "ring 3 #GP: INT 40h to a DPL 0 gate"
        call check_r3_stack
t_r3f:  TRY
        IN_RING3 .r3
.r3:
.f:     int 3                           ; CD 03: the gate's DPL is checked
        int RING3_RET
        ENDTRY
        EXPECT_FAULT 13, 3 * 8 + 2, t_r3f.f, UCODE | 3, "ring 3 #GP: INT 3 (CD 03) to a DPL 0 gate"
        call check_r3_stack
t_r3g:  TRY
        IN_RING3 .r3
.r3:
.f:     int3                            ; CC: the gate's DPL is checked too
        int RING3_RET
        ENDTRY
        EXPECT_FAULT 13, 3 * 8 + 2, t_r3g.f, UCODE | 3, "ring 3 #GP: INT3 (CC) to a DPL 0 gate"
        call check_r3_stack
t_r3k:  TRY
        IN_RING3 .r3
.r3:    mov esp, USTACK - 8
.f:     push eax
        int RING3_RET
.n:     nop
        ENDTRY
        EXPECT_FAULT RING3_RET, NOERR, t_r3k.n, UCODE | 3, "ring 3: ESP pushed is the ring-3 one"
        EXPECT_EQ [pm_f_esp], USTACK - 12, "ring 3: pushed ESP after a PUSH"

        PM_FINISH

check_r3_stack:
        EXPECT_EQ [pm_f_ss], UDATA | 3, "  pushed SS is ring 3's"
        EXPECT_EQ [pm_f_esp], USTACK, "  pushed ESP is ring 3's"
        EXPECT_EQ [pm_f_frame], KSTACK1 - 20, "  frame on the TSS ESP0 stack"
        ret

        PM_CODE
s_hello: db "pm_ring3_int: software interrupts from ring 3", 10, 0
        PM_END
