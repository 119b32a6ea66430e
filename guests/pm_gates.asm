; pm_gates: far transfers through gates and to tasks. A far CALL from ring 3
; through a call gate to ring 0 (stack switch from the TSS, parameters
; copied, the frame) and RETF n back; #GP and #NP for gates of the wrong DPL
; or absent; JMP through a call gate to a more privileged segment; a
; same-ring call gate; LAR and LSL of a gate; a conforming code segment (CPL
; unchanged); RETF to a more privileged ring; IRET to ring 3 nulling a data
; segment register of DPL 0. LTR and the busy bit, far transfers to a busy,
; short or absent target, CALL to a TSS and IRET back through the NT back
; link, the same through a task gate, and a double fault delivered through a
; task gate to its own TSS (as Linux i386 does).
; Run: pxos run --boot-sector pm_gates.bin --display none
; (tests/soft/soft_pm_tests.cpp runs it on a bare soft::Core too.)
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

GATE3     equ GDT_FREE                  ; call gate, DPL 3, 2 parameters
GATE0     equ GDT_FREE + 8              ; call gate, DPL 0
GATE_NP   equ GDT_FREE + 16             ; call gate, DPL 3, not present
CONF      equ GDT_FREE + 24             ; conforming code, DPL 0
SAME0     equ GDT_FREE + 32             ; call gate, DPL 0, ring 0 to ring 0
TSS2      equ GDT_FREE + 40             ; a second task
DF_TASK   equ GDT_FREE + 48             ; the double-fault task
TSS_SHORT equ GDT_FREE + 56             ; a TSS below the minimum limit (67h)
NP_CODE   equ GDT_FREE + 64             ; code, not present
TASKGATE  equ GDT_FREE + 72             ; a task gate to TSS2

%macro PM_GDT_EXTRA 0
        GATE KCODE, ABS(gate_entry), 0xEC, 2
        GATE KCODE, ABS(gate_entry), 0x8C, 0
        GATE KCODE, ABS(gate_entry), 0x6C, 0
        DESC 0, 0xFFFFF, 0x9E, 0xC
        GATE KCODE, ABS(same_ring), 0x8C, 0
        DESC ABS(tss2), 0x67, 0x89, 0
        DESC ABS(tss_df), 0x67, 0x89, 0
        DESC ABS(tss2), 0x20, 0x89, 0
        DESC 0, 0xFFFFF, 0x1A, 0xC
        GATE TSS2, 0, 0x85, 0
%endmacro

pm_main:
        PM_PUTS s_hello

; --- LTR, LAR and LSL --------------------------------------------------------------------
        movzx eax, byte [pm_gdt + TSS_SEL + 5]
        EXPECT_EQ eax, 0x8B, "LTR marked the TSS busy"
        str ax
        movzx eax, ax
        EXPECT_EQ eax, TSS_SEL, "  STR"
        mov ax, GATE3
        mov ebx, 0x77
        lsl ebx, ax
        EXPECT_EQ ebx, 0x77, "LSL of a call gate: refused, the destination kept"
        lar ebx, ax
        EXPECT_EQ ebx, 0xEC00, "LAR of a call gate: its access byte"

; --- through a call gate and back ----------------------------------------------------
g_call: TRY
        IN_RING3 .r3
.r3:    push dword 0x11111111
        push dword 0x22222222
        call GATE3:0
.back:  R3_EXIT
        ENDTRY
        EXPECT_R3_EXIT "call gate: ring 3 to 0 and RETF 8 back"
        EXPECT_EQ [pm_f_esp], USTACK, "  RETF 8 released the parameters on the ring-3 stack"
        EXPECT_EQ [pm_f_ds], 0, "  RETF to ring 3 nulled DS (DPL 0)"
        EXPECT_EQ [g_cs], KCODE, "  CS in the gate's code (CPL 0)"
        EXPECT_EQ [g_ss], KDATA, "  SS from the TSS"
        EXPECT_EQ [g_esp], KSTACK1 - 24, "  ESP from the TSS, less SS ESP, 2 parameters, CS EIP"
        EXPECT_EQ [g_frame], g_call.back, "  pushed EIP"
        EXPECT_EQ [g_frame + 4], UCODE | 3, "  pushed CS (a dword, zero-extended)"
        EXPECT_EQ [g_frame + 8], 0x22222222, "  parameter 1 (the last pushed) copied"
        EXPECT_EQ [g_frame + 12], 0x11111111, "  parameter 2 copied"
        EXPECT_EQ [g_frame + 16], USTACK - 8, "  pushed ring-3 ESP"
        EXPECT_EQ [g_frame + 20], UDATA | 3, "  pushed ring-3 SS (a dword, zero-extended)"

; --- gates that fault -------------------------------------------------------------------
g_dpl:  TRY
        IN_RING3 .r3
.r3:
.f:     call GATE0:0
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, GATE0, g_dpl.f, UCODE | 3, "#GP: CALL from ring 3 through a DPL 0 gate"
g_np:   TRY
        IN_RING3 .r3
.r3:
.f:     call GATE_NP:0
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 11, GATE_NP, g_np.f, UCODE | 3, "#NP: CALL through a gate not present"
g_jmp:  TRY
        IN_RING3 .r3
.r3:
.f:     jmp GATE3:0
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, KCODE, g_jmp.f, UCODE | 3, "#GP: JMP through a call gate to ring 0 code"

; --- a same-ring call gate --------------------------------------------------------------
        mov dword [same_count], 0
        call SAME0:0
        EXPECT_EQ [same_count], 1, "call gate, ring 0 to ring 0: CALL and RETF"
        EXPECT_EQ [same_cs], KCODE, "  pushed CS"

; --- conforming code: CPL unchanged ------------------------------------------------------
g_conf: TRY
        IN_RING3 .r3
.r3:    call CONF:conf_entry
        R3_EXIT
        ENDTRY
        EXPECT_R3_EXIT "far CALL from ring 3 to conforming DPL 0 code and back"
        EXPECT_EQ [g_cs], CONF | 3, "  CS there has RPL 3 (CPL unchanged)"

; --- RETF and IRET -----------------------------------------------------------------------
g_retf: TRY
        IN_RING3 .r3
.r3:    push dword KCODE
        push dword g_retf
.f:     retf                            ; to ring 0 from ring 3
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 13, KCODE, g_retf.f, UCODE | 3, "#GP: RETF from ring 3 to ring 0"
g_null: TRY
        mov ax, KDATA                   ; DS of DPL 0 ...
        mov ds, ax
        mov ax, UDATA | 3               ; ... ES of DPL 3
        mov es, ax
        push dword UDATA | 3
        push dword USTACK
        push dword 0x0002
        push dword UCODE | 3
        push dword .r3
        iret
.r3:    mov eax, es
        R3_EXIT
        ENDTRY
        EXPECT_R3_EXIT "IRET to ring 3"
        EXPECT_EQ [pm_f_ds], 0, "  DS (DPL 0) nulled"
        movzx eax, word [pm_f_eax]
        EXPECT_EQ eax, UDATA | 3, "  ES (DPL 3) kept"

; --- far transfers and LTR that the checks refuse ------------------------------------------
k_busy: TRY
.f:     jmp TSS_SEL:0                   ; the running task
        ENDTRY
        EXPECT_FAULT 13, TSS_SEL, k_busy.f, KCODE, "#GP: JMP to the busy TSS"
k_short: TRY
.f:     jmp TSS_SHORT:0
        ENDTRY
        EXPECT_FAULT 10, TSS_SHORT, k_short.f, KCODE, "#TS: JMP to a TSS below the minimum limit"
k_npc:  TRY
.f:     jmp NP_CODE:0
        ENDTRY
        EXPECT_FAULT 11, NP_CODE, k_npc.f, KCODE, "#NP: JMP to code not present"
k_ltr:  TRY
        mov ax, TSS_SEL
.f:     ltr ax
        ENDTRY
        EXPECT_FAULT 13, TSS_SEL, k_ltr.f, KCODE, "#GP: LTR of a busy TSS"
k_ltr2: TRY
        mov ax, KDATA
.f:     ltr ax
        ENDTRY
        EXPECT_FAULT 13, KDATA, k_ltr2.f, KCODE, "#GP: LTR of a data segment"

; --- CALL to a TSS: NT and the back link; IRET returns ------------------------------------
        mov ebx, 0x1234
        call TSS2:0
        EXPECT_EQ ebx, 0x1234, "CALL to a TSS and IRET back: EBX restored"
        EXPECT_EQ [t2_tr], TSS2, "  TR in the new task"
        EXPECT_EQ [t2_link], TSS_SEL, "  its back link"
        mov eax, [t2_flags]
        and eax, 0x4000
        EXPECT_EQ eax, 0x4000, "  NT set in the new task"
        EXPECT_EQ [t2_busy_old], 0x8B, "  the calling task still busy"
        EXPECT_EQ [t2_busy_new], 0x8B, "  the called task busy"
        movzx eax, byte [pm_gdt + TSS2 + 5]
        EXPECT_EQ eax, 0x89, "  IRET freed the called task"
        str ax
        movzx eax, ax
        EXPECT_EQ eax, TSS_SEL, "  TR back"
        pushfd
        pop eax
        and eax, 0x4000
        EXPECT_EQ eax, 0, "  NT clear back"
        mov eax, cr0
        and eax, 8
        EXPECT_EQ eax, 8, "  CR0.TS set by the task switch"
        clts
        ; the same task again, through a task gate
        mov dword [t2_tr], 0
        mov ebx, 0x5678
        call TASKGATE:0
        EXPECT_EQ ebx, 0x5678, "CALL through a task gate and IRET back: EBX restored"
        EXPECT_EQ [t2_tr], TSS2, "  TR in the new task"
        EXPECT_EQ [t2_link], TSS_SEL, "  its back link"
        movzx eax, byte [pm_gdt + TSS2 + 5]
        EXPECT_EQ eax, 0x89, "  IRET freed the called task"

; --- #DF through a task gate --------------------------------------------------------------
; #GP whose gate is not present: #NP while delivering it -> #DF -> the task
; gate. The #DF task records what it sees, puts gates 8 and 13 back and
; IRETs to the faulting task, whose MOV faults again: a #GP now.
k_df:   TRY
        mov dword [pm_idt + 8 * 8], DF_TASK << 16
        mov dword [pm_idt + 8 * 8 + 4], 0x8500  ; a task gate, DPL 0
        and byte [pm_idt + 13 * 8 + 5], 0x7F    ; #GP's gate not present
        mov ax, 0x1000
.f:     mov ds, ax
        ENDTRY
        EXPECT_EQ [df_err], 0, "#DF through a task gate: error code 0 on the new task's stack"
        EXPECT_EQ [df_tr], DF_TASK, "  TR is the #DF task"
        EXPECT_EQ [df_link], TSS_SEL, "  its back link is the faulting task"
        EXPECT_EQ [df_eip], k_df.f, "  the faulting task's EIP saved: the faulting MOV"
        EXPECT_EQ [df_nt], 0x4000, "  NT set"
        EXPECT_FAULT 13, 0x1000, k_df.f, KCODE, "  IRET back to the faulting task: the MOV faults again"

        PM_FINISH

; Ring 0 through GATE3: records CS, SS, ESP and the frame, returns with a DS of
; DPL 0 (which RETF to ring 3 nulls).
gate_entry:
        mov [ss:g_esp], esp
        mov [ss:g_cs], cs
        mov [ss:g_ss], ss
        push esi
        push edi
        push ecx
        lea esi, [esp + 12]
        mov edi, g_frame
        mov ecx, 6
.copy:  mov eax, [ss:esi]
        mov [ss:edi], eax
        add esi, 4
        add edi, 4
        loop .copy
        pop ecx
        pop edi
        pop esi
        mov ax, KDATA
        mov ds, ax
        retf 8

; Conforming code, entered from ring 3.
conf_entry:
        mov [g_cs], cs
        retf

; Ring 0 through SAME0.
same_ring:
        inc dword [same_count]
        mov eax, [esp + 4]
        mov [same_cs], eax
        retf

; The second task: what it sees, then IRET back (NT).
task2:  str ax
        movzx eax, ax
        mov [t2_tr], eax
        mov eax, [tss2]
        mov [t2_link], eax
        pushfd
        pop dword [t2_flags]
        movzx eax, byte [pm_gdt + TSS_SEL + 5]
        mov [t2_busy_old], eax
        movzx eax, byte [pm_gdt + TSS2 + 5]
        mov [t2_busy_new], eax
        xor ebx, ebx
        iretd
        jmp task2                       ; called again: run from the top

; The double-fault task: the error code on its stack, TR, the back link, the
; faulting task's saved EIP, NT.
df_task:
        mov eax, [esp]
        mov [df_err], eax
        str ax
        movzx eax, ax
        mov [df_tr], eax
        movzx eax, word [tss_df]
        mov [df_link], eax
        mov eax, [pm_tss + 0x20]
        mov [df_eip], eax
        pushfd
        pop eax
        and eax, 0x4000
        mov [df_nt], eax
        SET_GATE 8, PM_STUB(8), 0x8E00
        or byte [pm_idt + 13 * 8 + 5], 0x80
        iretd
        jmp df_task

        PM_CODE
        align 4
g_esp:   dd 0
g_cs:    dd 0
g_ss:    dd 0
g_frame: times 6 dd 0
same_count: dd 0
same_cs: dd 0
t2_tr: dd 0
t2_link: dd 0
t2_flags: dd 0
t2_busy_old: dd 0
t2_busy_new: dd 0
df_err: dd -1
df_tr: dd 0
df_link: dd 0
df_eip: dd 0
df_nt: dd 0
tss2:   TSS32 task2, 0x4000
tss_df: TSS32 df_task, 0x3000
s_hello: db "pm_gates: call gates, conforming code, RETF and IRET across rings, task switches", 10, 0
        PM_END
