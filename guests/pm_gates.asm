; pm_gates: far transfers across rings. A far CALL from ring 3 through a
; call gate to ring 0 (stack switch from the TSS, parameters copied, the
; frame) and RETF n back; #GP and #NP for gates of the wrong DPL or absent;
; JMP through a call gate to a more privileged segment; a conforming code
; segment (CPL unchanged); RETF to a more privileged ring; IRET to ring 3
; nulling a data segment register of DPL 0.
; Run: pxos run --boot-sector pm_gates.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

GATE3   equ GDT_FREE                    ; call gate, DPL 3, 2 parameters
GATE0   equ GDT_FREE + 8                ; call gate, DPL 0
GATE_NP equ GDT_FREE + 16               ; call gate, DPL 3, not present
CONF    equ GDT_FREE + 24               ; conforming code, DPL 0

; GATE slot, target, access byte, parameter count (targets below 64K).
%macro GATE 4
        mov dword [pm_gdt + %1], (KCODE << 16) | ((%2 - $$ + 0x7C00) & 0xFFFF)
        mov dword [pm_gdt + %1 + 4], ((%3) << 8) | (%4)
%endmacro

pm_main:
        PM_PUTS s_hello
        GATE GATE3, gate_entry, 0xEC, 2
        GATE GATE0, gate_entry, 0x8C, 0
        GATE GATE_NP, gate_entry, 0x6C, 0
        mov dword [pm_gdt + CONF], 0x0000FFFF
        mov dword [pm_gdt + CONF + 4], 0x00CF9E00

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
        EXPECT_EQ [g_cs], KCODE, "  CS in the gate's code (CPL 0)"
        EXPECT_EQ [g_ss], KDATA, "  SS from the TSS"
        EXPECT_EQ [g_esp], KSTACK1 - 24, "  ESP from the TSS, less SS ESP, 2 parameters, CS EIP"
        EXPECT_EQ [g_frame], g_call.back, "  pushed EIP"
        movzx eax, word [g_frame + 4]
        EXPECT_EQ eax, UCODE | 3, "  pushed CS"
        EXPECT_EQ [g_frame + 8], 0x22222222, "  parameter 1 (the last pushed) copied"
        EXPECT_EQ [g_frame + 12], 0x11111111, "  parameter 2 copied"
        EXPECT_EQ [g_frame + 16], USTACK - 8, "  pushed ring-3 ESP"
        movzx eax, word [g_frame + 20]
        EXPECT_EQ eax, UDATA | 3, "  pushed ring-3 SS"

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

        PM_FINISH

; Ring 0 through GATE3: records CS, SS, ESP and the frame, returns.
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
        retf 8

; Conforming code, entered from ring 3.
conf_entry:
        mov [g_cs], cs
        retf

        PM_CODE
        align 4
g_esp:   dd 0
g_cs:    dd 0
g_ss:    dd 0
g_frame: times 6 dd 0
s_hello: db "pm_gates: call gates, conforming code, RETF and IRET across rings", 10, 0
        PM_END
