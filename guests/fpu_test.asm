; fpu_test: the x87 FPU in real mode. Detection as Linux does it, precision
; and rounding control, the memory formats (packed BCD, integer overflow),
; FPREM's partial remainder, FXAM, FCOMI/FCMOV, a stack fault, #NM with
; CR0.TS, #MF with CR0.NE, FNSAVE/FRSTOR. Besides its checks it prints the
; bits of every transcendental result and of the FNSTENV images, so that a run
; on KVM (the host's own FPU) and one on the software engine can be compared
; line by line (tests/guest/parity.sh). Run it with
;   pxos run --boot-sector fpu_test.bin --display none
        bits 16
        org 0x7C00
%include "pxtest.inc"
        PXTEST_BOOT 14

stage2:
        PUTS msg_start
        call test_detect
        call test_precision
        call test_rounding
        call test_formats
        call test_fprem
        call test_functions
        call test_fxam
        call test_compare
        call test_stack_fault
        call test_nm
        call test_mf
        call test_save
        FINISH

; Prints the 80-bit value at SI: the sign/exponent word, then the significand from its top word down.
show80:
        push ax
        mov ax, [si + 8]
        call pxt_hex16
        mov ax, [si + 6]
        call pxt_hex16
        mov ax, [si + 4]
        call pxt_hex16
        mov ax, [si + 2]
        call pxt_hex16
        mov ax, [si]
        call pxt_hex16
        PUTS pxt_nl
        pop ax
        ret

; Pops ST(0) into t0 and prints it after the label given.
%macro POPSHOW 1
        fstp tword [t0]
        PUTS %1
        mov si, t0
        call show80
%endmacro

; Prints CX words from SI.
show_words:
        lodsw
        call pxt_hex16
        loop show_words
        PUTS pxt_nl
        ret

; --- detection, control word ------------------------------------------------
test_detect:
        mov word [w0], 0xFFFF
        fninit
        fnstsw [w0]
        cmp word [w0], 0
        CHECK e, m_detect_sw
        fnstcw [w0]
        cmp word [w0], 0x037F
        CHECK e, m_detect_cw
        mov ax, 0x1234
        fnstsw ax
        test ax, ax
        CHECK z, m_fnstsw_ax
        PUTS m_cw_bits
        fldcw [zero16]
        fnstcw [w0]
        mov ax, [w0]
        call pxt_hex16
        fldcw [ones16]
        fnstcw [w0]
        mov ax, [w0]
        call pxt_hex16
        PUTS pxt_nl
        fninit
        ret

; --- precision control: 1/3 with 24, 53 and 64 bits ---------------------------
%macro THIRD 1
        fldcw [%1]
        fld1
        fild word [i3]
        fdivp st1, st0
        fstp tword [t0]
        fldcw [cw_default]
%endmacro
test_precision:
        THIRD cw_pc24
        PUTS v_pc24
        mov si, t0
        call show80
        cmp word [t0 + 4], 0xAB00
        CHECK e, m_pc24
        THIRD cw_pc53
        PUTS v_pc53
        mov si, t0
        call show80
        cmp word [t0], 0xA800
        CHECK e, m_pc53
        THIRD cw_pc64
        PUTS v_pc64
        mov si, t0
        call show80
        cmp word [t0], 0xAAAB
        CHECK e, m_pc64
        fstsw ax
        test al, 0x20
        CHECK nz, m_pe
        fnclex
        ret

; --- rounding control: FISTP of 2.5 and -2.5 in the four modes -----------------
test_rounding:
        xor bx, bx
.next:  fldcw [cw_rc + bx]
        fld qword [d2_5]
        fistp word [w0]
        fld qword [d2_5]
        fchs
        fistp word [w1]
        fldcw [cw_default]
        mov ax, [w0]
        cmp ax, [rc_pos + bx]
        jne .bad
        mov ax, [w1]
        cmp ax, [rc_neg + bx]
.bad:   CHECK e, m_rc
        add bx, 2
        cmp bx, 8
        jb .next
        ; FRNDINT rounds up with RC = up.
        fldcw [cw_rc + 4]
        fld qword [d2_5]
        frndint
        fistp word [w0]
        fldcw [cw_default]
        cmp word [w0], 3
        CHECK e, m_frndint
        ret

; --- memory formats -------------------------------------------------------------
test_formats:
        cld
        fild dword [i123456789]
        fbstp [t0]
        mov si, t0
        mov di, bcd123456789
        mov cx, 10
        repe cmpsb
        CHECK e, m_fbstp
        fbld [t0]
        fistp dword [d0]
        cmp dword [d0], 123456789
        CHECK e, m_fbld
        fld dword [f1_5]
        fstp qword [q0]
        cmp dword [q0 + 4], 0x3FF80000
        CHECK e, m_f32_f64
        fld qword [d1e10]
        fist word [w0]
        fistp dword [d0]
        fnstsw ax
        fnclex
        cmp word [w0], 0x8000
        jne .bad
        cmp dword [d0], 0x80000000
        jne .bad
        test al, 1
.bad:   CHECK nz, m_indefinite
        fld qword [d1e10]
        fistp qword [q0]
        cmp dword [q0], 1410065408
        CHECK e, m_i64
        ret

; --- FPREM: 1e30 mod 3 needs several partial remainders --------------------------
test_fprem:
        fild word [i3]
        fld qword [d1e30]
        xor cx, cx
.again: inc cx
        fprem
        fnstsw ax
        sahf
        jp .again
        fistp word [w0]
        fstp st0
        mov ax, cx
        PUTS v_fprem
        call pxt_hex16
        PUTS pxt_nl
        cmp cx, 1
        CHECK a, m_fprem_passes
        cmp word [w0], 1
        CHECK e, m_fprem
        ret

; --- the functions and constants (bits printed for the comparison with KVM) -------
test_functions:
        fld qword [d0_5]
        fsin
        POPSHOW v_fsin
        fld qword [d0_5]
        fcos
        POPSHOW v_fcos
        fld qword [d0_5]
        fsincos
        POPSHOW v_fsincos
        POPSHOW v_fsincos
        fld qword [d0_5]
        fptan
        fld1
        fcomip st1
        CHECK e, m_fptan_one
        fstp st0
        POPSHOW v_fptan
        fld1
        fld qword [d0_5]
        fpatan
        POPSHOW v_fpatan
        fld1
        fild word [i3]
        fyl2x
        POPSHOW v_fyl2x
        fld1
        fld qword [d0_5]
        fyl2xp1
        POPSHOW v_fyl2xp1
        fld qword [d0_5]
        f2xm1
        POPSHOW v_f2xm1
        fild word [i3]
        fsqrt
        POPSHOW v_fsqrt
        fild word [i3]
        fld qword [d2_5]
        fscale
        POPSHOW v_fscale
        fstp st0
        fild word [i3]
        fxtract
        POPSHOW v_fxtract
        POPSHOW v_fxtract
        fldpi
        POPSHOW v_fldpi
        fldl2e
        POPSHOW v_fldl2e
        fldl2t
        POPSHOW v_fldl2t
        fldlg2
        POPSHOW v_fldlg2
        fldln2
        POPSHOW v_fldln2
        fldcw [cw_rc + 2]
        fldpi
        fldcw [cw_default]
        POPSHOW v_fldpi_down
        cmp word [t0], 0xC234
        CHECK e, m_fldpi_down
        ret

; --- FXAM --------------------------------------------------------------------------
test_fxam:
        fninit
        fxam                            ; empty
        fnstsw ax
        and ax, 0x4500
        cmp ax, 0x4100
        CHECK e, m_fxam_empty
        fldz
        fchs
        fxam
        fnstsw ax
        and ax, 0x4700
        cmp ax, 0x4200
        CHECK e, m_fxam_zero
        fstp st0
        fld tword [denormal]
        fxam
        fnstsw ax
        and ax, 0x4700
        cmp ax, 0x4400
        CHECK e, m_fxam_denormal
        fstp st0
        fld tword [unnormal]
        fxam
        fnstsw ax
        and ax, 0x4700
        cmp ax, 0x0000
        CHECK e, m_fxam_unsupported
        fstp st0
        fld1
        fldz
        fdivp st1, st0                  ; +inf (ZE masked)
        fxam
        fnstsw ax
        and ax, 0x4700
        cmp ax, 0x0500
        CHECK e, m_fxam_inf
        fsub st0, st0                   ; inf - inf: the indefinite (a NaN)
        fxam
        fnstsw ax
        and ax, 0x4700
        cmp ax, 0x0300
        CHECK e, m_fxam_nan
        fstp st0
        fnclex
        ret

; --- compares ------------------------------------------------------------------------
test_compare:
        fild word [i3]
        fld1
        fcomi st0, st1                  ; 1 < 3: CF
        pushf
        pop ax
        and ax, 0x45
        cmp ax, 0x01
        CHECK e, m_fcomi
        fcom st1
        fnstsw ax
        and ax, 0x4500
        cmp ax, 0x0100
        CHECK e, m_fcom
        stc
        fcmovb st0, st1                 ; CF: ST(0) = 3
        fild word [i3]
        fucomip st0, st1
        CHECK e, m_fcmov
        fcompp
        fnstsw ax
        and ax, 0x4500
        cmp ax, 0x4000
        CHECK e, m_fcompp
        ret

; --- stack fault --------------------------------------------------------------------
test_stack_fault:
        fninit
        fadd st0, st1
        fnstsw ax
        and ax, 0x0241
        cmp ax, 0x0041
        CHECK e, m_underflow
        fninit
        ret

; --- #NM with CR0.TS ------------------------------------------------------------------
test_nm:
        cli
        mov word [7 * 4], nm_handler
        mov word [7 * 4 + 2], 0
        mov eax, cr0
        or al, 8                        ; TS
        mov cr0, eax
        fld1                            ; #NM, the handler clears TS, FLD1 runs again
        fstp st0
        cmp byte [nm_count], 1
        CHECK e, m_nm
        mov eax, cr0
        or al, 8
        mov cr0, eax
        fwait                           ; MP = 0: no #NM
        cmp byte [nm_count], 1
        CHECK e, m_nm_wait
        clts
        sti
        ret
nm_handler:
        clts
        inc byte [nm_count]
        iret

; --- #MF with CR0.NE, at the next waiting instruction -----------------------------
test_mf:
        cli
        push word [16 * 4]
        push word [16 * 4 + 2]
        mov word [16 * 4], mf_handler
        mov word [16 * 4 + 2], 0
        mov eax, cr0
        or al, 0x20                     ; NE
        mov cr0, eax
        fninit
        fldcw [cw_zm]
        fld1
        fldz
        fdivp st1, st0                  ; 1 / 0 with ZE unmasked: pending, no fault yet
        fnstsw ax
        mov [w0], ax
        cmp byte [mf_count], 0
        CHECK e, m_mf_pending
        fwait                           ; #MF here
        cmp byte [mf_count], 1
        CHECK e, m_mf
        mov ax, [w0]
        and ax, 0x8084
        cmp ax, 0x8084
        CHECK e, m_mf_es
        fld1                            ; the destination, ST(2) now, kept 1
        fcomip st0, st2
        CHECK e, m_mf_unchanged
        fninit
        mov eax, cr0
        and al, ~0x20
        mov cr0, eax
        pop word [16 * 4 + 2]
        pop word [16 * 4]
        sti
        ret
mf_handler:
        inc byte [mf_count]
        fnclex
        iret

; --- FNSAVE / FRSTOR, FNSTENV images ---------------------------------------------------
test_save:
        fninit
        fild word [i3]
        fld qword [d2_5]
        fadd dword [f1_5]               ; the pointers: this instruction and its operand
        fnstenv [env]
        PUTS m_env16
        mov si, env
        mov cx, 7
        call show_words
        fldcw [cw_default]
        o32 fnstenv [env]
        PUTS m_env32
        mov si, env
        mov cx, 14
        call show_words
        fldcw [cw_default]
        fnsave [save]
        fnstsw ax
        fnstcw [w0]
        cmp word [w0], 0x037F
        jne .bad
        test ax, ax
.bad:   CHECK e, m_fnsave_init
        frstor [save]
        fistp word [w0]                 ; 2.5 + 1.5 = 4
        fistp word [w1]
        cmp word [w0], 4
        jne .bad2
        cmp word [w1], 3
.bad2:  CHECK e, m_frstor
        fild word [i3]
        o32 fnsave [save]
        fild word [i3]
        o32 frstor [save]
        fnstsw ax
        fistp word [w0]
        and ax, 0x3800                  ; TOP back to 7
        cmp ax, 0x3800
        jne .bad3
        cmp word [w0], 3
.bad3:  CHECK e, m_frstor32
        fninit
        ret

msg_start:          db "fpu_test: the x87", 10, 0
m_detect_sw:        db "FNINIT; FNSTSW m16 stores 0", 0
m_detect_cw:        db "FNSTCW after FNINIT: 037Fh", 0
m_fnstsw_ax:        db "FNSTSW AX: 0", 0
m_cw_bits:          db "FLDCW 0, FFFFh -> FNSTCW: ", 0
m_pc24:             db "1/3 rounded to 24 bits", 0
m_pc53:             db "1/3 rounded to 53 bits", 0
m_pc64:             db "1/3 rounded to 64 bits", 0
v_pc24:             db "= 1/3, 24-bit precision: ", 0
v_pc53:             db "= 1/3, 53-bit precision: ", 0
v_pc64:             db "= 1/3, 64-bit precision: ", 0
m_pe:               db "PE set by an inexact division", 0
m_rc:               db "FISTP 2.5 / -2.5 in a rounding mode", 0
m_frndint:          db "FRNDINT 2.5 rounding up: 3", 0
m_fbstp:            db "FBSTP 123456789", 0
m_fbld:             db "FBLD back", 0
m_f32_f64:          db "FLD m32 1.5, FSTP m64", 0
m_indefinite:       db "FIST m16/m32 of 1e10: the integer indefinite, IE", 0
m_i64:              db "FISTP m64 of 1e10", 0
m_fprem:            db "FPREM 1e30 mod 3 = 1", 0
v_fprem:            db "= FPREM passes: ", 0
m_fprem_passes:     db "FPREM partial remainders (C2)", 0
v_fsin:             db "= fsin 0.5     ", 0
v_fcos:             db "= fcos 0.5     ", 0
v_fsincos:          db "= fsincos 0.5  ", 0
m_fptan_one:        db "FPTAN pushes 1.0", 0
v_fptan:            db "= fptan 0.5    ", 0
v_fpatan:           db "= fpatan 1/.5  ", 0
v_fyl2x:            db "= fyl2x 3      ", 0
v_fyl2xp1:          db "= fyl2xp1 0.5  ", 0
v_f2xm1:            db "= f2xm1 0.5    ", 0
v_fsqrt:            db "= fsqrt 3      ", 0
v_fscale:           db "= fscale 2.5,3 ", 0
v_fxtract:          db "= fxtract 3    ", 0
v_fldpi:            db "= fldpi        ", 0
v_fldl2e:           db "= fldl2e       ", 0
v_fldl2t:           db "= fldl2t       ", 0
v_fldlg2:           db "= fldlg2       ", 0
v_fldln2:           db "= fldln2       ", 0
m_fldpi_down:       db "FLDPI rounded down", 0
v_fldpi_down:       db "= fldpi (down) ", 0
m_fxam_empty:       db "FXAM empty", 0
m_fxam_zero:        db "FXAM -0", 0
m_fxam_denormal:    db "FXAM denormal", 0
m_fxam_unsupported: db "FXAM unnormal: unsupported", 0
m_fxam_inf:         db "FXAM +inf", 0
m_fxam_nan:         db "FXAM NaN", 0
m_fcomi:            db "FCOMI 1 < 3: CF", 0
m_fcom:             db "FCOM 1 < 3: C0", 0
m_fcmov:            db "FCMOVB with CF", 0
m_fcompp:           db "FCOMPP 3 = 3: C3", 0
m_underflow:        db "stack underflow: IE SF, C1 = 0", 0
m_nm:               db "#NM with CR0.TS, FLD1 restarted", 0
m_nm_wait:          db "WAIT with TS but not MP: no #NM", 0
m_mf_pending:       db "unmasked ZE: no fault on the FDIV itself", 0
m_mf:               db "#MF at the next WAIT (CR0.NE)", 0
m_mf_es:            db "ZE ES B set", 0
m_mf_unchanged:     db "unmasked ZE leaves the destination", 0
m_env16:            db "fnstenv 16: ", 0
m_env32:            db "fnstenv 32: ", 0
m_fnsave_init:      db "FNSAVE reinitialises", 0
m_frstor:           db "FRSTOR brings the stack back", 0
m_frstor32:         db "FNSAVE/FRSTOR 32-bit layout", 0

align 8
zero16:             dw 0
ones16:             dw 0xFFFF
cw_default:         dw 0x037F
cw_pc24:            dw 0x007F
cw_pc53:            dw 0x027F
cw_pc64:            dw 0x037F
cw_zm:              dw 0x037B
cw_rc:              dw 0x037F, 0x077F, 0x0B7F, 0x0F7F
rc_pos:             dw 2, 2, 3, 2
rc_neg:             dw -2, -3, -2, -2
i3:                 dw 3
i123456789:         dd 123456789
bcd123456789:       db 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0
f1_5:               dd 1.5
d0_5:               dq 0.5
d2_5:               dq 2.5
d1e10:              dq 1.0e10
d1e30:              dq 1.0e30
denormal:           dq 1
                    dw 0
unnormal:           dq 0x4000000000000000
                    dw 0x3FFF
nm_count:           db 0
mf_count:           db 0
align 8
w0:                 dw 0
w1:                 dw 0
d0:                 dd 0
q0:                 dq 0
t0:                 times 10 db 0
env:                times 28 db 0
save:               times 108 db 0

        times 15 * 512 - ($ - $$) db 0
