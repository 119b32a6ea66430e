; pm_fpu: x87 exceptions. #NM from CR0.TS and CR0.EM (and WAIT with MP),
; #MF with CR0.NE=1 for an unmasked exception, reported at the next waiting
; FPU instruction (the fault's EIP is that instruction), masked responses.
; Run: pxos run --boot-sector pm_fpu.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

CR0_MP  equ 0x02
CR0_EM  equ 0x04
CR0_TS  equ 0x08
CR0_NE  equ 0x20

%macro CR0SET 2                         ; CR0SET bits-to-set, bits-to-clear
        mov eax, cr0
        or eax, %1
        and eax, ~(%2)
        mov cr0, eax
%endmacro

pm_main:
        PM_PUTS s_hello
        CR0SET CR0_NE | CR0_MP, CR0_EM | CR0_TS
        fninit

; --- #NM ------------------------------------------------------------------------
f_ts:   TRY
        CR0SET CR0_TS, 0
.f:     fld1
        ENDTRY
        clts
        EXPECT_FAULT 7, NOERR, f_ts.f, KCODE, "#NM: FLD1 with CR0.TS"
f_tsw:  TRY
        CR0SET CR0_TS | CR0_MP, 0
.f:     fwait
        ENDTRY
        clts
        EXPECT_FAULT 7, NOERR, f_tsw.f, KCODE, "#NM: WAIT with CR0.TS and CR0.MP"
f_tsw0: TRY
        CR0SET CR0_TS, CR0_MP
        fwait                           ; MP clear: no #NM
        ENDTRY
        CR0SET CR0_MP, CR0_TS
        EXPECT_EQ [pm_f_vec], NONE, "WAIT with CR0.TS but not CR0.MP: no #NM"
f_em:   TRY
        CR0SET CR0_EM, CR0_TS
.f:     fnstsw ax                       ; even a no-wait ESC instruction
        ENDTRY
        CR0SET 0, CR0_EM
        EXPECT_FAULT 7, NOERR, f_em.f, KCODE, "#NM: FNSTSW with CR0.EM"
f_emw:  TRY
        CR0SET CR0_EM, CR0_TS | CR0_MP
        fwait                           ; WAIT ignores EM
        ENDTRY
        CR0SET CR0_MP, CR0_EM
        EXPECT_EQ [pm_f_vec], NONE, "WAIT with CR0.EM: no #NM"
f_r3:   TRY
        CR0SET CR0_TS, 0
        IN_RING3 .r3
.r3:
.f:     fldz
        R3_EXIT
        ENDTRY
        clts
        EXPECT_FAULT 7, NOERR, f_r3.f, UCODE | 3, "#NM: FLDZ with CR0.TS at ring 3"

; --- arithmetic that works ---------------------------------------------------------
        fninit
        fld1
        fld1
        faddp st1, st0
        fistp dword [result]
        EXPECT_EQ [result], 2, "1 + 1 = 2 (after CLTS)"

; --- #MF -----------------------------------------------------------------------------
f_mf:   TRY
        fninit
        fldcw [cw_zm_clear]
        fld1
        fldz
        fdivp st1, st0                  ; 1 / 0: ZE pending, no fault yet
        fnstsw ax                       ; no-wait: no fault either
        mov [result], eax
.f:     fld1                            ; the next waiting FPU instruction
        ENDTRY
        EXPECT_FAULT 16, NOERR, f_mf.f, KCODE, "#MF: 1/0 with ZM clear, at the next FPU instruction"
        mov eax, [result]
        and eax, 0x80BF
        EXPECT_EQ eax, 0x8084, "  FSW after the division: B, ES and ZE"
        fnstsw ax
        and eax, 0x84
        EXPECT_EQ eax, 0x84, "  FSW in the #MF handler: ES and ZE still set"
f_mfw:  TRY
        fnclex
        fld1
        fldz
        fdivp st1, st0
.f:     fwait
        ENDTRY
        EXPECT_FAULT 16, NOERR, f_mfw.f, KCODE, "#MF: reported at WAIT"
f_mfc:  TRY
        fnclex                          ; clears the pending exception
        fld1
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "no #MF after FNCLEX"
f_ie:   TRY
        fninit
        fldcw [cw_im_clear]
        fld1
        fchs
        fsqrt                           ; sqrt(-1): IE
.f:     fstp dword [result]
        ENDTRY
        EXPECT_FAULT 16, NOERR, f_ie.f, KCODE, "#MF: FSQRT of -1 with IM clear"
        fnstsw ax
        and eax, 0x41
        EXPECT_EQ eax, 0x01, "  FSW: IE set, SF clear"

; --- masked responses ------------------------------------------------------------------
f_msk:  TRY
        fninit                          ; all masked
        fld1
        fldz
        fdivp st1, st0
        fstp qword [result]
        fwait
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "masked 1/0: no #MF"
        EXPECT_EQ [result + 4], 0x7FF00000, "  result +infinity (high)"
        EXPECT_EQ [result], 0, "  result +infinity (low)"
        fnstsw ax
        and eax, 0x84
        EXPECT_EQ eax, 0x04, "  FSW: ZE set, ES clear"

        PM_FINISH

        PM_CODE
        align 8
result:       dq 0
cw_zm_clear:  dw 0x037B
cw_im_clear:  dw 0x037E
s_hello: db "pm_fpu: x87 #NM and #MF", 10, 0
        PM_END
