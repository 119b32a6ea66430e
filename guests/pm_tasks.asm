; pm_tasks: hardware task switches and their faults. A JMP to a TSS and
; back (registers saved and restored, busy bits), #GP for a JMP to a busy
; TSS, #NP for a not-present TSS, #TS for an IRET with NT whose back link is
; not a TSS, and #TS raised in the new task for a bad LDT or SS in its TSS.
; Run: pxos run --boot-sector pm_tasks.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

TSS2    equ GDT_FREE                    ; a good task
TSS_NP  equ GDT_FREE + 8                ; not present
TSS_LDT equ GDT_FREE + 16               ; its LDT selector is a data segment
TSS_SS  equ GDT_FREE + 24               ; its SS has RPL 3 with a ring-0 CS

%macro PM_GDT_EXTRA 0
        DESC ABS(tss2), 103, 0x89, 0           ; TSS2
        DESC ABS(tss2), 103, 0x09, 0           ; TSS_NP
        DESC ABS(tss_ldt), 103, 0x89, 0        ; TSS_LDT
        DESC ABS(tss_ss), 103, 0x89, 0         ; TSS_SS
%endmacro

pm_main:
        PM_PUTS s_hello

; --- a round trip ------------------------------------------------------------------
k_jmp:  TRY
        mov eax, 0x1111
        mov ebx, 0x3333
        jmp TSS2:0
.back:  mov [r_eax], eax
        mov [r_ebx], ebx
        str ax
        movzx eax, ax
        mov [r_tr], eax
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "task switch: JMP to a TSS and back without a fault"
        EXPECT_EQ [seen_eax], 0x2222, "  the new task starts with its TSS's EAX"
        EXPECT_EQ [seen_tr], TSS2, "  TR in the new task"
        EXPECT_EQ [r_eax], 0x1111, "  EAX restored on the way back"
        EXPECT_EQ [r_ebx], 0x3333, "  EBX restored on the way back"
        EXPECT_EQ [r_tr], TSS_SEL, "  TR back to the first task"
        EXPECT_EQ [tss2 + 0x20], task2.back, "  the new task's EIP saved in its TSS"
        movzx eax, byte [pm_gdt + TSS2 + 5]
        EXPECT_EQ eax, 0x89, "  the new task's TSS available again (JMP clears busy)"
        movzx eax, byte [pm_gdt + TSS_SEL + 5]
        EXPECT_EQ eax, 0x8B, "  the first task's TSS busy"

; --- faults before the switch ----------------------------------------------------------
k_busy: TRY
.f:     jmp TSS_SEL:0                   ; the current task: busy
        ENDTRY
        EXPECT_FAULT 13, TSS_SEL, k_busy.f, KCODE, "#GP: JMP to a busy TSS"
k_np:   TRY
.f:     jmp TSS_NP:0
        ENDTRY
        EXPECT_FAULT 11, TSS_NP, k_np.f, KCODE, "#NP: JMP to a not-present TSS"

; --- IRET with NT --------------------------------------------------------------
k_nt:   TRY
        mov word [pm_tss], KDATA        ; back link: not a TSS
        pushfd
        or dword [esp], 0x4000          ; NT
        popfd
.f:     iret
        ENDTRY
        mov word [pm_tss], 0
        EXPECT_FAULT 10, KDATA, k_nt.f, KCODE, "#TS: IRET with NT, back link to a data segment"

; --- faults in the new task (the switch has happened) -----------------------------------
k_ldt:  TRY
.f:     jmp TSS_LDT:0
        ENDTRY
        EXPECT_FAULT 10, KDATA, task_ldt, KCODE, "#TS in the new task: its LDT is a data segment"
        str ax
        movzx eax, ax
        EXPECT_EQ eax, TSS_LDT, "  TR is the new task"
k_ss:   TRY
.f:     jmp TSS_SS:0
        ENDTRY
        EXPECT_FAULT 10, UDATA, task_ss, KCODE, "#TS in the new task: SS with RPL 3 for CPL 0"

        PM_FINISH

task2:  mov [seen_eax], eax
        str ax
        movzx eax, ax
        mov [seen_tr], eax
        jmp TSS_SEL:0                   ; back to the first task
.back:  jmp task2                       ; (never resumed)
task_ldt:
        hlt
task_ss:
        hlt

        PM_CODE
        align 4
tss2:     TSS32 task2, 0x68000, KDATA, 0, 0x2222
tss_ldt:  TSS32 task_ldt, 0x68000, KDATA, KDATA, 0x2222
tss_ss:   TSS32 task_ss, 0x68000, UDATA | 3, 0, 0x2222
seen_eax: dd 0
seen_tr:  dd 0
r_eax:    dd 0
r_ebx:    dd 0
r_tr:     dd 0
s_hello: db "pm_tasks: task switches, #TS", 10, 0
        PM_END
