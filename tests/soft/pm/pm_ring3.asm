; Ring 3: IRET to an outer ring (data segments of an inner ring are nulled), INT to
; DPL-3 trap and interrupt gates with the stack switch through TSS.SS0:ESP0,
; the privileged and IOPL-sensitive instructions, far transfers that break the rules.
%macro TEST_GDT 0
        DESC 0, 0xFFFFF, 0x72, 0xC     ; 30h not-present ring-3 data
        DESC 0, 0x0F, 0xF2, 0x4        ; 38h a 16-byte ring-3 stack
%endmacro
%include "pm.inc"

; TRY, then run `target` in ring 3 (IF set).
%macro TRY_RING3 1
        TRY
        push dword SEL_DATA3
        push dword USTACK
        push dword 0x202
        push dword SEL_CODE3
        push dword %1
        iretd
%endmacro

test_main:
        mov eax, 0x80
        mov ebx, int80
        mov edx, 0xEF00                 ; DPL 3 trap gate
        call set_gate
        mov eax, 0x81
        mov ebx, int81
        mov edx, 0xEE00                 ; DPL 3 interrupt gate
        call set_gate
        mov eax, 0x82
        mov ebx, int81
        mov edx, 0x8E00                 ; DPL 0 interrupt gate
        call set_gate

        ; IRET to ring 3 with DS = ring-0 data: DS becomes null, SS:ESP and CS as pushed
        mov ax, SEL_DATA0
        mov ds, ax
        mov fs, ax
        mov ax, SEL_DATA3
        mov gs, ax
        TRY_RING3 user1
        CATCH 1, 0x7F, -1
        CHECK_EQ 2, [obs_cs], SEL_CODE3
        CHECK_EQ 3, [obs_ds], 0
        CHECK_EQ 4, [obs_fs], 0
        CHECK_EQ 5, [obs_gs], SEL_DATA3
        CHECK_EQ 6, [obs_ss], SEL_DATA3
        ; the INT 80h frame on the ring-0 stack
        CHECK_EQ 7, [f80_ss], SEL_DATA3
        CHECK_EQ 8, [f80_esp], USTACK
        CHECK_EQ 9, [f80_cs], SEL_CODE3
        CHECK_EQ 10, [f80_eip], after_int80
        CHECK_EQ 11, [f80_myesp], KSTACK - 20
        CHECK_EQ 12, [f80_myss], SEL_DATA0
        mov eax, [f80_flags]
        and eax, 0x200
        CHECK_EQ 13, eax, 0x200         ; pushed by the trap gate: IF was set
        mov eax, [f81_flags]
        and eax, 0x200
        CHECK_EQ 14, eax, 0             ; interrupt gate: IF cleared
        mov eax, [f80_inflags]
        and eax, 0x200
        CHECK_EQ 16, eax, 0x200         ; trap gate: IF stays set
        CHECK_EQ 15, [back_cs], SEL_CODE3  ; IRET from the handler came back to ring 3

        ; privileged and IOPL-sensitive instructions in ring 3 (IOPL 0)
        TRY_RING3 u_cli
        CATCH 20, 13, 0
        CHECK_EQ 21, [last_cs], SEL_CODE3
        CHECK_EQ 22, [last_eip], u_cli
        TRY_RING3 u_hlt
        CATCH 23, 13, 0
        TRY_RING3 u_in
        CATCH 24, 13, 0
        TRY_RING3 u_cr0
        CATCH 25, 13, 0
        TRY_RING3 u_int82
        CATCH 26, 13, 0x82 * 8 + 2
        TRY_RING3 u_ds0
        CATCH 27, 13, SEL_DATA0
        TRY_RING3 u_jmp0
        CATCH 28, 13, SEL_CODE0
        TRY_RING3 u_iret0
        CATCH 29, 13, SEL_CODE0
        TRY_RING3 u_lgdt
        CATCH 30, 13, 0
        TRY_RING3 u_wbinvd
        CATCH 37, 13, 0
        ; port 80h is allowed by the I/O bitmap, 81h is not
        TRY_RING3 u_out80
        CATCH 31, 13, 0
        CHECK_EQ 32, [last_eip], u_out81
        ; POPF in ring 3 changes neither IF nor IOPL
        TRY_RING3 u_popf
        CATCH 33, 0x7F, -1
        mov eax, [obs_flags]
        and eax, 0x3200
        CHECK_EQ 34, eax, 0x200
        ; STI/CLI with IOPL 3 are allowed in ring 3
        TRY
        push dword SEL_DATA3
        push dword USTACK
        push dword 0x3202
        push dword SEL_CODE3
        push dword u_iopl3
        iretd
        CATCH 35, 0x7F, -1
        CHECK_EQ 36, [obs_flags], 0x55
        ; IRET to ring 3 with an SS the new ring cannot use: #GP(SS), not present: #SS(SS)
        TRY
        push dword SEL_DATA0
        push dword USTACK
        push dword 0x2
        push dword SEL_CODE3
        push dword user1
        iretd
        CATCH 40, 13, SEL_DATA0
        CHECK_EQ 41, [last_cs], SEL_CODE0   ; nothing changed: the fault is in ring 0
        TRY
        push dword 0x33
        push dword USTACK
        push dword 0x2
        push dword SEL_CODE3
        push dword user1
        iretd
        CATCH 42, 12, 0x30
        ; a far CALL without room on the current stack: #SS(0), nothing pushed
        TRY_RING3 u_tiny
        CATCH 43, 12, 0
        CHECK_EQ 44, [last_eip], u_tiny.call
        mov eax, [KSTACK - 8]
        CHECK_EQ 45, eax, 4              ; the ESP of the faulting CALL
        PASS

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
        mov ax, SEL_DATA3
        mov ds, ax
        int 0x80
after_int80:
        int 0x81
        mov eax, cs
        mov [back_cs], eax
        int 0x7F

int80:  pushfd
        pop dword [f80_inflags]
        mov eax, [esp]
        mov [f80_eip], eax
        mov eax, [esp + 4]
        mov [f80_cs], eax
        mov eax, [esp + 8]
        mov [f80_flags], eax
        mov eax, [esp + 12]
        mov [f80_esp], eax
        mov eax, [esp + 16]
        mov [f80_ss], eax
        mov [f80_myesp], esp
        mov eax, ss
        mov [f80_myss], eax
        iretd
int81:  pushfd
        pop dword [f81_flags]
        iretd

u_cli:  cli
        int 0x7F
u_hlt:  hlt
        int 0x7F
u_in:   in al, 0x60
        int 0x7F
u_cr0:  mov eax, cr0
        int 0x7F
u_int82: int 0x82
        int 0x7F
u_ds0:  mov ax, SEL_DATA0
        mov ds, ax
        int 0x7F
u_jmp0: jmp SEL_CODE0:test_main
u_iret0: push dword 0
        push dword SEL_CODE0
        push dword test_main
        iretd
u_lgdt: lgdt [ss:gdt_desc]
        int 0x7F
u_wbinvd: wbinvd
        int 0x7F
u_out80: out 0x80, al
u_out81: out 0x81, al
        int 0x7F
u_popf: pushfd
        and dword [ss:esp], ~0x200
        or dword [ss:esp], 0x3000
        popfd
        pushfd
        pop dword [ss:obs_flags]
        int 0x7F
u_tiny: mov ax, 0x3B
        mov ss, ax
        mov esp, 4
.call:  call SEL_CODE3:u_tiny
u_iopl3: cli
        sti
        mov dword [ss:obs_flags], 0x55
        int 0x7F

        align 4
obs_cs: dd 0
obs_ds: dd 0
obs_fs: dd 0
obs_gs: dd 0
obs_ss: dd 0
obs_flags: dd 0
f80_eip: dd 0
f80_cs: dd 0
f80_flags: dd 0
f80_esp: dd 0
f80_ss: dd 0
f80_myesp: dd 0
f80_myss: dd 0
f81_flags: dd 0
f80_inflags: dd 0
back_cs: dd 0
