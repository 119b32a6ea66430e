; Call gates (a ring-3 CALL to ring 0 with parameters copied, RETF n back to ring 3),
; LTR and the busy bit, CALL to a TSS and IRET back through the NT back link, and a
; double fault delivered through a task gate to its own TSS (as Linux i386 does).
%macro TEST_GDT 0
        GATE SEL_CODE0, ABS(cg_handler), 0xEC, 2   ; 30h DPL-3 32-bit call gate, 2 dwords
        GATE SEL_CODE0, ABS(cg_handler), 0x8C, 0   ; 38h DPL-0 call gate
        DESC ABS(tss2), 0x67, 0x89, 0x0            ; 40h a second task
        DESC ABS(tss_df), 0x67, 0x89, 0x0          ; 48h the double-fault task
        GATE SEL_CODE0, ABS(same_ring), 0x8C, 0    ; 50h DPL-0 call gate, same ring
        DESC ABS(tss2), 0x20, 0x89, 0x0            ; 58h a TSS below the minimum limit
        DESC 0, 0xFFFFF, 0x1A, 0xC                 ; 60h not-present code
        GATE 0x40, 0, 0x85, 0                      ; 68h task gate to the second task
%endmacro
%include "pm.inc"

test_main:
        ; LTR marked the TSS busy
        movzx eax, byte [gdt + SEL_TSS + 5]
        CHECK_EQ 1, eax, 0x8B
        str ax
        movzx eax, ax
        CHECK_EQ 2, eax, SEL_TSS
        ; LSL refuses a call gate (ZF clear, EBX kept), LAR accepts it
        mov ax, 0x30
        mov ebx, 0x77
        lsl ebx, ax
        CHECK_EQ 55, ebx, 0x77
        lar ebx, ax
        CHECK_EQ 56, ebx, 0xEC00

        ; ring 3 -> call gate -> ring 0 -> RETF 8 -> ring 3
        TRY
        push dword SEL_DATA3
        push dword USTACK
        push dword 0x2
        push dword SEL_CODE3
        push dword user_call
        iretd
        CATCH 3, 0x7F, -1
        CHECK_EQ 4, [cg_p0], 0x22222222
        CHECK_EQ 5, [cg_p1], 0x11111111
        CHECK_EQ 6, [cg_cs], SEL_CODE3
        CHECK_EQ 7, [cg_ss], SEL_DATA3
        CHECK_EQ 8, [cg_esp], USTACK - 8
        CHECK_EQ 9, [cg_myss], SEL_DATA0
        CHECK_EQ 10, [cg_myesp], KSTACK - 24
        CHECK_EQ 11, [cg_mycs], SEL_CODE0
        CHECK_EQ 12, [ret_esp], USTACK
        CHECK_EQ 13, [ret_cs], SEL_CODE3
        CHECK_EQ 17, [ret_ds], 0         ; RETF to ring 3 nulled the ring-0 DS
        ; a DPL-0 call gate is out of reach of ring 3
        TRY
        push dword SEL_DATA3
        push dword USTACK
        push dword 0x2
        push dword SEL_CODE3
        push dword user_call0
        iretd
        CATCH 14, 13, 0x38
        ; a same-ring call gate, CALL and JMP
        mov dword [same_count], 0
        call 0x50:0
        CHECK_EQ 15, [same_count], 1
        CHECK_EQ 16, [same_cs], SEL_CODE0

        ; far transfers the checks refuse
        TRY
        jmp SEL_TSS:0                   ; the running task is busy
        CATCH 50, 13, SEL_TSS
        TRY
        jmp 0x58:0
        CATCH 51, 10, 0x58
        TRY
        jmp 0x60:0
        CATCH 52, 11, 0x60
        TRY
        mov ax, SEL_TSS
        ltr ax                          ; busy
        CATCH 53, 13, SEL_TSS
        TRY
        mov ax, 0x10
        ltr ax                          ; not a TSS
        CATCH 54, 13, 0x10

        ; CALL to a TSS: the new task runs with NT set and the back link, IRET returns
        mov ebx, 0x1234
        call 0x40:0
        CHECK_EQ 20, ebx, 0x1234
        CHECK_EQ 21, [t2_tr], 0x40
        CHECK_EQ 22, [t2_link], SEL_TSS
        mov eax, [t2_flags]
        and eax, 0x4000
        CHECK_EQ 23, eax, 0x4000
        CHECK_EQ 24, [t2_busy_old], 0x8B
        CHECK_EQ 25, [t2_busy_new], 0x8B
        movzx eax, byte [gdt + 0x40 + 5]
        CHECK_EQ 26, eax, 0x89          ; IRET freed the called task
        str ax
        movzx eax, ax
        CHECK_EQ 27, eax, SEL_TSS
        pushfd
        pop eax
        and eax, 0x4000
        CHECK_EQ 28, eax, 0
        mov eax, cr0
        and eax, 8
        CHECK_EQ 29, eax, 8             ; CR0.TS after a task switch
        clts
        ; the same task again, through a task gate
        mov dword [t2_tr], 0
        mov ebx, 0x5678
        call 0x68:0
        CHECK_EQ 60, ebx, 0x5678
        CHECK_EQ 61, [t2_tr], 0x40
        CHECK_EQ 62, [t2_link], SEL_TSS
        movzx eax, byte [gdt + 0x40 + 5]
        CHECK_EQ 63, eax, 0x89

        ; #GP whose gate is not present: #NP while delivering it -> #DF -> task gate
        mov dword [idt + 8 * 8], SEL_TSS_DF << 16
        mov dword [idt + 8 * 8 + 4], 0x8500
        mov byte [idt + 13 * 8 + 5], 0x0E
        mov ax, 0x1000
at_gp:  mov ds, ax
        mov al, 99
        jmp fail

SEL_TSS_DF equ 0x48

user_call:
        push dword 0x11111111
        push dword 0x22222222
        call 0x33:0
        mov [ss:ret_esp], esp
        mov eax, cs
        mov [ss:ret_cs], eax
        mov eax, ds
        mov [ss:ret_ds], eax
        int 0x7F
user_call0:
        call 0x3B:0
        int 0x7F

cg_handler:
        mov ax, SEL_DATA0               ; DS is null: the IRET to ring 3 nulled it
        mov ds, ax
        mov eax, [esp + 4]
        mov [cg_cs], eax
        mov eax, [esp + 8]
        mov [cg_p0], eax
        mov eax, [esp + 12]
        mov [cg_p1], eax
        mov eax, [esp + 16]
        mov [cg_esp], eax
        mov eax, [esp + 20]
        mov [cg_ss], eax
        mov [cg_myesp], esp
        mov eax, ss
        mov [cg_myss], eax
        mov eax, cs
        mov [cg_mycs], eax
        retf 8

same_ring:
        inc dword [same_count]
        mov eax, [esp + 4]
        mov [same_cs], eax
        retf

task2:  str ax
        movzx eax, ax
        mov [t2_tr], eax
        mov eax, [tss2]
        mov [t2_link], eax
        pushfd
        pop dword [t2_flags]
        movzx eax, byte [gdt + SEL_TSS + 5]
        mov [t2_busy_old], eax
        movzx eax, byte [gdt + 0x40 + 5]
        mov [t2_busy_new], eax
        xor ebx, ebx
        iretd
        jmp task2                       ; called again: run from the top

df_task:
        ; the double-fault task: error code 0 on its stack, the back link, the faulting EIP
        mov al, 40
        cmp dword [esp], 0
        jne fail
        str bx
        mov al, 41
        cmp bx, SEL_TSS_DF
        jne fail
        mov al, 42
        cmp word [tss_df], SEL_TSS
        jne fail
        mov al, 43
        cmp dword [tss + 0x20], at_gp
        jne fail
        pushfd
        pop eax
        mov ebx, eax
        mov al, 44
        test ebx, 0x4000
        jz fail
        PASS

        align 4
cg_p0: dd 0
cg_p1: dd 0
cg_cs: dd 0
cg_ss: dd 0
cg_esp: dd 0
cg_myss: dd 0
cg_myesp: dd 0
cg_mycs: dd 0
ret_esp: dd 0
ret_cs: dd 0
ret_ds: dd -1
same_count: dd 0
same_cs: dd 0
t2_tr: dd 0
t2_link: dd 0
t2_flags: dd 0
t2_busy_old: dd 0
t2_busy_new: dd 0

%macro TASK 2  ; entry, stack
        dd 0, 0, 0, 0, 0, 0, 0
        dd 0                    ; CR3
        dd %1                   ; EIP
        dd 2                    ; EFLAGS
        dd 0, 0, 0, 0, %2, 0, 0, 0
        dd SEL_DATA0, SEL_CODE0, SEL_DATA0, SEL_DATA0, SEL_DATA0, SEL_DATA0
        dd 0                    ; LDT
        dw 0, 0x68
%endmacro
        align 4
tss2:   TASK task2, 0x4000
tss_df: TASK df_task, 0x3000
