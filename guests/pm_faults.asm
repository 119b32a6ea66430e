; pm_faults: every protected-mode exception that needs no paging or FPU,
; at ring 0 and ring 3, with its vector, error code, saved CS:EIP (fault:
; the faulting instruction; trap: the next one) and, from ring 3, the stack
; switch (the ring-3 SS:ESP pushed on the TSS's ring-0 stack).
; Run: pxos run --boot-sector pm_faults.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

BNDS:   equ 0x30000                     ; BOUND's pair of limits

pm_main:
        PM_PUTS s_hello

; --- #DE -------------------------------------------------------------------
t_de:   TRY
        xor edx, edx
        mov eax, 1
        xor ecx, ecx
.f:     div ecx
        ENDTRY
        EXPECT_FAULT 0, NOERR, t_de.f, KCODE, "#DE: DIV by zero"
        mov eax, [pm_f_efl]
        and eax, 0x10000
        EXPECT_EQ eax, 0x10000, "  pushed EFLAGS has RF (a fault)"
t_de2:  TRY
        mov edx, -1
        mov eax, 0x80000000
        mov ecx, -1
.f:     idiv ecx
        ENDTRY
        EXPECT_FAULT 0, NOERR, t_de2.f, KCODE, "#DE: IDIV overflow (-2^31 / -1)"
t_de3:  TRY
        mov ax, 0x1000
        mov cl, 0x10
.f:     div cl
        ENDTRY
        EXPECT_FAULT 0, NOERR, t_de3.f, KCODE, "#DE: DIV r/m8 quotient too big"

; --- #DB single step --------------------------------------------------------
t_db:   TRY
        xor eax, eax
        mov dr6, eax
        pushfd
        or dword [esp], 0x100
        popfd
        nop                             ; the first instruction with TF set
.n:     nop
        ENDTRY
        EXPECT_FAULT 1, NOERR, t_db.n, KCODE, "#DB: TF single step traps after the instruction"
        mov eax, [pm_f_efl]
        and eax, 0x100
        EXPECT_EQ eax, 0x100, "#DB: pushed EFLAGS has TF"
        mov eax, dr6
        and eax, 0x4000
        EXPECT_EQ eax, 0x4000, "#DB: DR6.BS set"

; --- #BP, #OF, #BR ----------------------------------------------------------
t_bp:   TRY
        int3
.n:     nop
        ENDTRY
        EXPECT_FAULT 3, NOERR, t_bp.n, KCODE, "#BP: INT3 is a trap"
        mov eax, [pm_f_efl]
        and eax, 0x10000
        EXPECT_EQ eax, 0, "  pushed EFLAGS without RF (a trap)"
t_of:   TRY
        mov al, 0x7F
        add al, 1                       ; OF = 1
        into
.n:     nop
        ENDTRY
        EXPECT_FAULT 4, NOERR, t_of.n, KCODE, "#OF: INTO with OF=1 is a trap"
t_of0:  TRY
        xor eax, eax                    ; OF = 0
        into
        int RING3_RET                   ; the marker that INTO fell through
.n:     nop
        ENDTRY
        EXPECT_FAULT RING3_RET, NOERR, t_of0.n, KCODE, "#OF: INTO with OF=0 does nothing"
t_br:   TRY
        mov dword [BNDS], 10
        mov dword [BNDS + 4], 20
        mov eax, 21
.f:     bound eax, [BNDS]
        ENDTRY
        EXPECT_FAULT 5, NOERR, t_br.f, KCODE, "#BR: BOUND above the upper limit"
t_br2:  TRY
        mov eax, 20
        bound eax, [BNDS]               ; in range: no fault
        mov eax, 9
.f:     bound eax, [BNDS]
        ENDTRY
        EXPECT_FAULT 5, NOERR, t_br2.f, KCODE, "#BR: BOUND below the lower limit (in range passes)"

; --- #UD --------------------------------------------------------------------
t_ud:   TRY
.f:     ud2
        ENDTRY
        EXPECT_FAULT 6, NOERR, t_ud.f, KCODE, "#UD: UD2"
t_ud2:  TRY
.f:     db 0xF0, 0x90                   ; LOCK NOP
        ENDTRY
        EXPECT_FAULT 6, NOERR, t_ud2.f, KCODE, "#UD: LOCK NOP"
t_ud3:  TRY
.f:     db 0xF0, 0x01, 0xD8             ; LOCK ADD EAX, EBX: a register destination
        ENDTRY
        EXPECT_FAULT 6, NOERR, t_ud3.f, KCODE, "#UD: LOCK ADD reg, reg"
t_ud4:  TRY
.f:     db 0x8D, 0xC0                   ; LEA EAX, EAX: a register source
        ENDTRY
        EXPECT_FAULT 6, NOERR, t_ud4.f, KCODE, "#UD: LEA with a register operand"

; --- #NP --------------------------------------------------------------------
t_np:   TRY
        mov ax, NP_DATA
.f:     mov ds, ax
        ENDTRY
        EXPECT_FAULT 11, NP_DATA, t_np.f, KCODE, "#NP: MOV DS, not-present data segment"
t_np2:  TRY
        and byte [pm_idt + 0x41 * 8 + 5], 0x7F
.f:     int 0x41
        ENDTRY
        or byte [pm_idt + 0x41 * 8 + 5], 0x80
        EXPECT_FAULT 11, 0x41 * 8 + 2, t_np2.f, KCODE, "#NP: INT 41h, gate not present (IDT bit in the error code)"

; --- #SS --------------------------------------------------------------------
t_ss:   TRY
        mov ax, NP_DATA
.f:     mov ss, ax
        ENDTRY
        EXPECT_FAULT 12, NP_DATA, t_ss.f, KCODE, "#SS: MOV SS, not-present segment"
; --- #GP: selector loads --------------------------------------------------------
t_gp1:  TRY
        mov ax, 0x100                   ; GDT index 20h, past the limit
.f:     mov ds, ax
        ENDTRY
        EXPECT_FAULT 13, 0x100, t_gp1.f, KCODE, "#GP: MOV DS, selector past the GDT limit"
t_gp2:  TRY
        xor eax, eax
        lldt ax                         ; LDTR null (its reset cache is usable)
        mov ax, 0x0C                    ; TI = 1, LDTR null
.f:     mov es, ax
        ENDTRY
        EXPECT_FAULT 13, 0x0C, t_gp2.f, KCODE, "#GP: MOV ES, LDT selector with a null LDTR"
t_gp3:  TRY
        mov ax, TSS_SEL
.f:     mov fs, ax
        ENDTRY
        EXPECT_FAULT 13, TSS_SEL, t_gp3.f, KCODE, "#GP: MOV FS, a TSS descriptor"
t_gp4:  TRY
        mov ax, UDATA | 3
.f:     mov ss, ax
        ENDTRY
        EXPECT_FAULT 13, UDATA, t_gp4.f, KCODE, "#GP: MOV SS, RPL/DPL 3 at CPL 0"
t_gp5:  TRY
        mov ax, KCODE
.f:     mov ss, ax
        ENDTRY
        EXPECT_FAULT 13, KCODE, t_gp5.f, KCODE, "#GP: MOV SS, a code segment"
t_gp6:  TRY
        xor eax, eax
.f:     mov ss, ax
        ENDTRY
        EXPECT_FAULT 13, 0, t_gp6.f, KCODE, "#GP: MOV SS, null selector"
t_gp7:  TRY
        xor eax, eax
        mov ds, ax                      ; a null DS loads fine...
.f:     mov eax, [0x1000]               ; ...and faults on use
        ENDTRY
        EXPECT_FAULT 13, 0, t_gp7.f, KCODE, "#GP: access through a null DS"

; --- #GP: limits and types ------------------------------------------------------
t_gp8:  TRY
        mov ax, SMALL
        mov es, ax
        mov eax, [es:0xFFC]             ; the last dword: fine
.f:     mov eax, [es:0xFFE]             ; crosses the limit
        ENDTRY
        EXPECT_FAULT 13, 0, t_gp8.f, KCODE, "#GP: dword read crossing the segment limit"
t_gp9:  TRY
        mov ax, RO_DATA
        mov es, ax
        mov eax, [es:0x30000]           ; reading is fine
.f:     mov [es:0x30000], eax
        ENDTRY
        EXPECT_FAULT 13, 0, t_gp9.f, KCODE, "#GP: write to a read-only data segment"
t_gp10: TRY
.f:     mov [cs:0x30000], eax
        ENDTRY
        EXPECT_FAULT 13, 0, t_gp10.f, KCODE, "#GP: write through CS"
t_gp11: TRY
.f:     int 0x60                        ; past the IDT limit
        ENDTRY
        EXPECT_FAULT 13, 0x60 * 8 + 2, t_gp11.f, KCODE, "#GP: INT 60h past the IDT limit"
; --- #DF: contributory + contributory -----------------------------------------------
t_df:   TRY
        and byte [pm_idt + 13 * 8 + 5], 0x7F    ; #GP's gate not present
        mov ax, 0x100
.f:     mov ds, ax                      ; #GP -> #NP (gate 13) -> #DF
        ENDTRY
        or byte [pm_idt + 13 * 8 + 5], 0x80
        EXPECT_EQ [pm_f_vec], 8, "#DF: #GP whose gate is not present (vector)"
        EXPECT_EQ [pm_f_err], 0, "#DF: error code 0"
t_df2:  TRY
        and byte [pm_idt + 0 * 8 + 5], 0x7F     ; #DE's gate not present
        xor ecx, ecx
.f:     div ecx                         ; #DE -> #NP (gate 0) -> #DF
        ENDTRY
        or byte [pm_idt + 0 * 8 + 5], 0x80
        EXPECT_EQ [pm_f_vec], 8, "#DF: #DE whose gate is not present (vector)"
t_ndf:  TRY
        and byte [pm_idt + 3 * 8 + 5], 0x7F     ; #BP is benign
.f:     int3                            ; -> #NP(1Ah), no #DF
        ENDTRY
        or byte [pm_idt + 3 * 8 + 5], 0x80
        EXPECT_FAULT 11, 3 * 8 + 2, t_ndf.f, KCODE, "#NP, no #DF: benign #BP whose gate is not present"

; --- ring 3 -------------------------------------------------------------------------
t_r3ok: TRY
        IN_RING3 .r3
.r3:    mov eax, 1
        R3_EXIT
        ENDTRY
        EXPECT_R3_EXIT "ring 3: IRET there, #GP of a HLT back"
        call check_r3_stack
t_r3a:  TRY
        IN_RING3 .r3
.r3:
.f:     cli
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, 0, t_r3a.f, UCODE | 3, "ring 3 #GP: CLI with IOPL 0"
        mov eax, [pm_f_efl]
        and eax, 0x10000
        EXPECT_EQ eax, 0x10000, "  pushed EFLAGS has RF (a fault)"
        call check_r3_stack
t_r3b:  TRY
        IN_RING3 .r3
.r3:
.f:     hlt
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, 0, t_r3b.f, UCODE | 3, "ring 3 #GP: HLT"
        call check_r3_stack
t_r3c:  TRY
        IN_RING3 .r3
.r3:
.f:     mov eax, cr0
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, 0, t_r3c.f, UCODE | 3, "ring 3 #GP: MOV EAX, CR0"
        call check_r3_stack
t_r3d:  TRY
        IN_RING3 .r3
.r3:
.f:     in al, 0x80
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, 0, t_r3d.f, UCODE | 3, "ring 3 #GP: IN with IOPL 0 and no I/O bitmap"
        call check_r3_stack
t_r3h:  TRY
        IN_RING3 .r3
.r3:    mov ax, KDATA
.f:     mov ds, ax                      ; DPL 0 data at CPL 3
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, KDATA, t_r3h.f, UCODE | 3, "ring 3 #GP: MOV DS, DPL 0 data"
        call check_r3_stack
t_r3i:  TRY
        IN_RING3 .r3
.r3:    xor edx, edx
        xor ecx, ecx
.f:     div ecx
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 0, NOERR, t_r3i.f, UCODE | 3, "ring 3 #DE: DIV by zero"
        call check_r3_stack
t_r3j:  TRY
        IN_RING3 .r3
.r3:
.f:     ud2
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 6, NOERR, t_r3j.f, UCODE | 3, "ring 3 #UD: UD2"
        call check_r3_stack
t_r3k:  TRY
        IN_RING3 .r3
.r3:    mov esp, USTACK - 8
        push eax
        R3_EXIT
        ENDTRY
        EXPECT_R3_EXIT "ring 3: back through HLT's #GP after a PUSH"
        EXPECT_EQ [pm_f_esp], USTACK - 12, "  pushed ESP is ring 3's after its PUSH"
t_r3m:  TRY
        IN_RING3 .r3
.r3:    mov ax, USMALL | 3
        mov ss, ax
        mov esp, 0x1002                 ; a dword push crosses the limit
.f:     push eax
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 12, 0, t_r3m.f, UCODE | 3, "ring 3 #SS: PUSH past the stack limit"
        EXPECT_EQ [pm_f_ss], USMALL | 3, "  pushed SS is the small ring-3 stack"
        EXPECT_EQ [pm_f_esp], 0x1002, "  pushed ESP is the faulting one"
t_r3l:  TRY
        IN_RING3 .r3
.r3:
.f:     lgdt [pm_gdt_desc]
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, 0, t_r3l.f, UCODE | 3, "ring 3 #GP: LGDT"
        call check_r3_stack

; --- far transfers (last: an engine that lacks them may stop here) ---------------
t_gp12: TRY
.f:     jmp 0x100:0                     ; far JMP to a selector past the limit
        ENDTRY
        EXPECT_FAULT 13, 0x100, t_gp12.f, KCODE, "#GP: far JMP, selector past the GDT limit"
t_gp13: TRY
.f:     jmp KDATA:0               ; far JMP to a data segment
        ENDTRY
        EXPECT_FAULT 13, KDATA, t_gp13.f, KCODE, "#GP: far JMP to a data segment"

        PM_FINISH

; The state of a ring-3 fault: SS:ESP of ring 3 pushed, the frame on the
; TSS's ring-0 stack.
check_r3_stack:
        EXPECT_EQ [pm_f_ss], UDATA | 3, "  pushed SS is ring 3's"
        EXPECT_EQ [pm_f_esp], USTACK, "  pushed ESP is ring 3's"
        EXPECT_EQ [pm_f_frame], KSTACK1 - 20, "  frame on the TSS ESP0 stack"
        ret

        PM_CODE
s_hello: db "pm_faults: protected-mode exceptions", 10, 0
        PM_END
