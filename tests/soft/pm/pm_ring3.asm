; Ring 3: IRET to an outer ring (data segments of an inner ring are nulled), INT to
; DPL-3 trap and interrupt gates with the stack switch through TSS.SS0:ESP0,
; the privileged and IOPL-sensitive instructions, the I/O bitmap, far transfers
; that break the rules. Ring-3 code comes back with INT RING3_RET.
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

NP_DATA3  equ GDT_FREE                  ; not-present ring-3 data
TINY3     equ GDT_FREE + 8              ; a 16-byte ring-3 stack
TRAP3     equ 0x44                      ; DPL 3 trap gate to int_trap
INTR3     equ 0x45                      ; DPL 3 interrupt gate to int_intr
INTR0     equ 0x46                      ; DPL 0 interrupt gate to int_intr
UCODE3    equ UCODE | 3

%macro PM_GDT_EXTRA 0
        DESC 0, 0xFFFFF, 0x72, 0xC
        DESC 0, 0x0F, 0xF2, 0x4
%endmacro

; TRY, then run `target` in ring 3 (IF set, DS as it is: IRET nulls a DPL-0 DS).
%macro TRY_RING3 1
        TRY
        push dword UDATA | 3
        push dword USTACK
        push dword 0x202
        push dword UCODE | 3
        push dword %1
        iretd
%endmacro

pm_main:
        SET_GATE TRAP3, int_trap, 0xEF00
        SET_GATE INTR3, int_intr, 0xEE00
        SET_GATE INTR0, int_intr, 0x8E00
        PM_IO_ALLOW 0x80

        ; IRET to ring 3 with DS = ring-0 data: DS becomes null, SS:ESP and CS as pushed
        mov ax, KDATA
        mov ds, ax
        mov fs, ax
        mov ax, UDATA | 3
        mov gs, ax
        TRY_RING3 user1
        ENDTRY
        EXPECT_VEC RING3_RET, NOERR, "ring 3 and back"
        EXPECT_EQ [obs_cs], UCODE | 3, "  IRET to ring 3: CS"
        EXPECT_EQ [obs_ds], 0, "  DS (DPL 0) nulled"
        EXPECT_EQ [obs_fs], 0, "  FS (DPL 0) nulled"
        EXPECT_EQ [obs_gs], UDATA | 3, "  GS (DPL 3) kept"
        EXPECT_EQ [obs_ss], UDATA | 3, "  SS"
        ; the INT TRAP3 frame on the ring-0 stack
        EXPECT_EQ [ft_ss], UDATA | 3, "INT through a DPL 3 trap gate: pushed SS"
        EXPECT_EQ [ft_esp], USTACK, "  pushed ESP"
        EXPECT_EQ [ft_cs], UCODE | 3, "  pushed CS"
        EXPECT_EQ [ft_eip], after_int_trap, "  pushed EIP"
        EXPECT_EQ [ft_myesp], KSTACK1 - 20, "  the handler's ESP: TSS.ESP0 less the frame"
        EXPECT_EQ [ft_myss], KDATA, "  the handler's SS: TSS.SS0"
        mov eax, [ft_flags]
        and eax, 0x200
        EXPECT_EQ eax, 0x200, "  pushed EFLAGS: IF was set"
        mov eax, [fi_flags]
        and eax, 0x200
        EXPECT_EQ eax, 0, "interrupt gate: IF cleared"
        mov eax, [ft_inflags]
        and eax, 0x200
        EXPECT_EQ eax, 0x200, "trap gate: IF stays set"
        EXPECT_EQ [back_cs], UCODE | 3, "IRET from the handler came back to ring 3"

        ; privileged and IOPL-sensitive instructions in ring 3 (IOPL 0)
        TRY_RING3 u_cli
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): CLI"
        EXPECT_EQ [pm_f_cs32], UCODE | 3, "  CS (the frame's dword)"
        EXPECT_EQ [pm_f_eip], u_cli, "  EIP"
        TRY_RING3 u_hlt
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): HLT"
        TRY_RING3 u_in
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): IN"
        TRY_RING3 u_cr0
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): MOV from CR0"
        TRY_RING3 u_intr0
        ENDTRY
        EXPECT_VEC 13, INTR0 * 8 + 2, "ring 3 #GP(IDT): INT through a DPL 0 gate"
        TRY_RING3 u_ds0
        ENDTRY
        EXPECT_VEC 13, KDATA, "ring 3 #GP: ring-0 data into DS"
        TRY_RING3 u_jmp0
        ENDTRY
        EXPECT_VEC 13, KCODE, "ring 3 #GP: far JMP to ring-0 code"
        TRY_RING3 u_iret0
        ENDTRY
        EXPECT_VEC 13, KCODE, "ring 3 #GP: IRET to ring 0"
        TRY_RING3 u_lgdt
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): LGDT"
        TRY_RING3 u_wbinvd
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): WBINVD"
        ; port 80h is allowed by the I/O bitmap, 81h is not
        TRY_RING3 u_out80
        ENDTRY
        EXPECT_VEC 13, 0, "ring 3 #GP(0): OUT to a port the I/O bitmap denies"
        EXPECT_EQ [pm_f_eip], u_out81, "  at the OUT to 81h: the one to 80h passed"
        ; POPF in ring 3 changes neither IF nor IOPL
        TRY_RING3 u_popf
        ENDTRY
        EXPECT_VEC RING3_RET, NOERR, "ring 3 POPF"
        mov eax, [obs_flags]
        and eax, 0x3200
        EXPECT_EQ eax, 0x200, "  changed neither IF nor IOPL"
        ; STI/CLI with IOPL 3 are allowed in ring 3
        TRY
        push dword UDATA | 3
        push dword USTACK
        push dword 0x3202
        push dword UCODE | 3
        push dword u_iopl3
        iretd
        ENDTRY
        EXPECT_VEC RING3_RET, NOERR, "ring 3 CLI and STI with IOPL 3"
        EXPECT_EQ [obs_flags], 0x55, "  ran to the end"
        ; IRET to ring 3 with an SS the new ring cannot use: #GP(SS), not present: #SS(SS)
        TRY
        push dword KDATA
        push dword USTACK
        push dword 0x2
        push dword UCODE | 3
        push dword user1
        iretd
        ENDTRY
        EXPECT_VEC 13, KDATA, "#GP: IRET to ring 3 with a ring-0 SS"
        EXPECT_EQ [pm_f_cs32], KCODE, "  nothing changed: the fault is in ring 0"
        TRY
        push dword NP_DATA3 | 3
        push dword USTACK
        push dword 0x2
        push dword UCODE | 3
        push dword user1
        iretd
        ENDTRY
        EXPECT_VEC 12, NP_DATA3, "#SS: IRET to ring 3 with a not-present SS"
        ; a far CALL without room on the current stack: #SS(0), nothing pushed
        TRY_RING3 u_tiny
        ENDTRY
        EXPECT_VEC 12, 0, "ring 3 #SS(0): far CALL without room on the stack"
        EXPECT_EQ [pm_f_eip], u_tiny.call, "  EIP at the CALL"
        mov eax, [KSTACK1 - 8]
        EXPECT_EQ eax, 4, "  the ESP of the faulting CALL"
        PM_FINISH

user1:  mov eax, cs
        mov [ss:obs_cs], eax
        mov eax, ds
        mov [ss:obs_ds], eax
        mov eax, fs
        mov [ss:obs_fs], eax
        mov eax, gs
        mov [ss:obs_gs], eax
        mov eax, ss
        mov [ss:obs_ss], eax
        mov ax, UDATA | 3
        mov ds, ax
        int TRAP3
after_int_trap:
        int INTR3
        mov eax, cs
        mov [back_cs], eax
        int RING3_RET

int_trap:
        pushfd
        pop dword [ft_inflags]
        mov eax, [esp]
        mov [ft_eip], eax
        mov eax, [esp + 4]
        mov [ft_cs], eax
        mov eax, [esp + 8]
        mov [ft_flags], eax
        mov eax, [esp + 12]
        mov [ft_esp], eax
        mov eax, [esp + 16]
        mov [ft_ss], eax
        mov [ft_myesp], esp
        mov eax, ss
        mov [ft_myss], eax
        iretd
int_intr:
        pushfd
        pop dword [fi_flags]
        iretd

u_cli:  cli
        int RING3_RET
u_hlt:  hlt
        int RING3_RET
u_in:   in al, 0x60
        int RING3_RET
u_cr0:  mov eax, cr0
        int RING3_RET
u_intr0: int INTR0
        int RING3_RET
u_ds0:  mov ax, KDATA
        mov ds, ax
        int RING3_RET
u_jmp0: jmp KCODE:pm_main
u_iret0: push dword 0
        push dword KCODE
        push dword pm_main
        iretd
u_lgdt: lgdt [ss:pm_gdt_desc]
        int RING3_RET
u_wbinvd: wbinvd
        int RING3_RET
u_out80: out 0x80, al
u_out81: out 0x81, al
        int RING3_RET
u_popf: pushfd
        and dword [ss:esp], ~0x200
        or dword [ss:esp], 0x3000
        popfd
        pushfd
        pop dword [ss:obs_flags]
        int RING3_RET
u_tiny: mov ax, TINY3 | 3
        mov ss, ax
        mov esp, 4
.call:  call UCODE3:u_tiny
u_iopl3: cli
        sti
        mov dword [ss:obs_flags], 0x55
        int RING3_RET

        PM_CODE
        align 4
obs_cs: dd 0
obs_ds: dd 0
obs_fs: dd 0
obs_gs: dd 0
obs_ss: dd 0
obs_flags: dd 0
ft_eip: dd 0
ft_cs: dd 0
ft_flags: dd 0
ft_esp: dd 0
ft_ss: dd 0
ft_myesp: dd 0
ft_myss: dd 0
fi_flags: dd 0
ft_inflags: dd 0
back_cs: dd 0
        PM_END
