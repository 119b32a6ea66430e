; Segment register loads in protected mode: the checks, error codes, the accessed bit,
; and the exception classes of INT3, #UD, BOUND, INTO and single step; external
; interrupts through absent gates (the harness raises vector 40h after an OUT to
; port E0h), INT n past the IDT limit, LOCK.
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

EXEC_ONLY equ GDT_FREE                  ; execute-only code
NP_DATA2  equ GDT_FREE + 8              ; not-present data (for SS)
INT16     equ 0x31                      ; a 16-bit trap gate
EXT       equ 0x40                      ; the harness's external interrupt

%macro PM_GDT_EXTRA 0
        DESC 0, 0xFFFFF, 0x98, 0xC
        DESC 0, 0xFFFFF, 0x12, 0xC
%endmacro

pm_main:
        movzx eax, byte [pm_gdt + KDATA + 5]
        EXPECT_EQ eax, 0x93, "the accessed bit is written back on a load"
        TRY
        xor ax, ax
        mov ds, ax
        mov eax, [0x1000]
        ENDTRY
        EXPECT_VEC 13, 0, "#GP(0): access through a null DS"
        TRY
        mov ax, 0x1000
        mov ds, ax
        ENDTRY
        EXPECT_VEC 13, 0x1000, "#GP: a selector past the GDT limit"
        TRY
        mov ax, TSS_SEL
        mov es, ax
        ENDTRY
        EXPECT_VEC 13, TSS_SEL, "#GP: a TSS into ES"
        TRY
        mov ax, NP_DATA
        mov fs, ax
        ENDTRY
        EXPECT_VEC 11, NP_DATA, "#NP: not-present data into FS"
        TRY
        xor ax, ax
        mov ss, ax
        ENDTRY
        EXPECT_VEC 13, 0, "#GP: a null SS"
        TRY
        mov ax, UDATA
        mov ss, ax
        ENDTRY
        EXPECT_VEC 13, UDATA, "#GP: SS of DPL 3 at CPL 0"
        TRY
        mov ax, RO_DATA
        mov ss, ax
        ENDTRY
        EXPECT_VEC 13, RO_DATA, "#GP: read-only data into SS"
        TRY
        mov ax, NP_DATA2
        mov ss, ax
        ENDTRY
        EXPECT_VEC 12, NP_DATA2, "#SS: not-present data into SS"
        TRY
        mov ax, EXEC_ONLY
        mov ds, ax
        ENDTRY
        EXPECT_VEC 13, EXEC_ONLY, "#GP: execute-only code into DS"
        TRY
        mov ax, 0x0C
        mov gs, ax
        ENDTRY
        EXPECT_VEC 13, 0x0C, "#GP: an LDT selector with a null LDTR"
        TRY
        mov ax, KDATA | 3               ; RPL 3 > DPL 0
        mov ds, ax
        ENDTRY
        EXPECT_VEC 13, KDATA, "#GP: RPL 3 above DPL 0"
        ; a null selector with any RPL loads at CPL 0
        mov ax, 3
        mov es, ax
        mov eax, es
        EXPECT_EQ eax, 3, "a null selector with RPL 3 loads at CPL 0"
        mov ax, KDATA
        mov es, ax
        TRY
        jmp KDATA:0
        ENDTRY
        EXPECT_VEC 13, KDATA, "#GP: far JMP to a data segment"
        ; INT3 is a trap (EIP after), #UD a fault (EIP at the instruction)
        TRY
        int3
after_int3:
        ENDTRY
        EXPECT_VEC 3, NOERR, "#BP: INT3"
        EXPECT_EQ [pm_f_eip], after_int3, "  a trap: EIP after it"
        TRY
at_ud:  ud2
        ENDTRY
        EXPECT_VEC 6, NOERR, "#UD: UD2"
        EXPECT_EQ [pm_f_eip], at_ud, "  a fault: EIP at it"
        TRY
        mov eax, 5
at_bound:
        bound eax, [bounds]
        ENDTRY
        EXPECT_VEC 5, NOERR, "#BR: BOUND"
        EXPECT_EQ [pm_f_eip], at_bound, "  a fault: EIP at it"
        TRY
        mov al, 0x7F
        add al, 1
        into
after_into:
        ENDTRY
        EXPECT_VEC 4, NOERR, "#OF: INTO"
        EXPECT_EQ [pm_f_eip], after_into, "  a trap: EIP after it"
        ; single step: the trap comes after the first instruction with TF set
        xor eax, eax
        mov dr6, eax
        TRY
        pushfd
        or dword [esp], 0x100
        popfd
        nop
after_step:
        nop
        nop
        ENDTRY
        EXPECT_VEC 1, NOERR, "#DB: single step"
        EXPECT_EQ [pm_f_eip], after_step, "  after the first instruction with TF set"
        mov eax, dr6
        and eax, 0x4000
        EXPECT_EQ eax, 0x4000, "  DR6.BS"
        ; TF was cleared by the interrupt gate; the pushed flags have it
        mov eax, [pm_f_efl]
        and eax, 0x100
        EXPECT_EQ eax, 0x100, "  TF in the pushed EFLAGS"
        ; LAR of a not-present data segment, LSL of the TSS
        mov ax, NP_DATA
        lar ebx, ax
        EXPECT_EQ ebx, 0x00CF1200, "LAR of a not-present data segment"
        mov ax, TSS_SEL
        lsl ebx, ax
        EXPECT_EQ ebx, pm_tss_end - pm_tss - 1, "LSL of the TSS"
        ; a ring-3 selector is not visible to LAR through the privilege rule when DPL < RPL
        mov ax, KDATA | 3
        mov ebx, 0x55
        lar ebx, ax
        EXPECT_EQ ebx, 0x55, "LAR refuses DPL 0 for RPL 3"
        ; a 16-bit trap gate pushes FLAGS, CS, IP as words
        SET_GATE INT16, gate16, 0x8700
        mov [esp_before], esp
        int INT16
after_int16:
        EXPECT_EQ [esp_in16], 6, "a 16-bit trap gate pushes FLAGS, CS, IP as words"
        EXPECT_EQ [ip_in16], after_int16, "  IP"
        ; an external interrupt through a zero gate (#GP) and a not-present gate (#NP),
        ; the error codes with IDT and EXT set
        mov dword [pm_idt + EXT * 8], 0
        mov dword [pm_idt + EXT * 8 + 4], 0
        TRY
        out 0xE0, al                    ; the harness injects vector 40h now
        nop
        ENDTRY
        EXPECT_VEC 13, EXT * 8 + 2 + 1, "#GP(IDT, EXT): an external interrupt through a zero gate"
        SET_GATE EXT, gate16, 0x0E00
        TRY
        out 0xE0, al                    ; the harness injects vector 40h now
        nop
        ENDTRY
        EXPECT_VEC 11, EXT * 8 + 2 + 1, "#NP(IDT, EXT): an external interrupt through a not-present gate"
        ; the same from INT n: no EXT
        TRY
        int EXT
        ENDTRY
        EXPECT_VEC 11, EXT * 8 + 2, "#NP(IDT): INT n through a not-present gate"
        ; LOCK only on a read-modify-write with a memory destination
        TRY
at_lock1: db 0xF0, 0x90                 ; lock nop
        ENDTRY
        EXPECT_VEC 6, NOERR, "#UD: LOCK NOP"
        EXPECT_EQ [pm_f_eip], at_lock1, "  EIP at it"
        TRY
        db 0xF0, 0x01, 0xD8             ; lock add eax, ebx
        ENDTRY
        EXPECT_VEC 6, NOERR, "#UD: LOCK ADD with a register destination"
        mov dword [esp_in16], 1
        lock add dword [esp_in16], 2
        EXPECT_EQ [esp_in16], 3, "LOCK ADD to memory"
        ; beyond the IDT limit
        lidt [short_idt]
        TRY
        int 0x60
        ENDTRY
        lidt [pm_idt_desc]
        EXPECT_VEC 13, 0x60 * 8 + 2, "#GP(IDT): INT 60h past the IDT limit"
        PM_FINISH

gate16: mov eax, [esp_before]
        sub eax, esp
        mov [esp_in16], eax
        movzx eax, word [esp]
        mov [ip_in16], eax
        o16 iret

        PM_CODE
bounds: dd 0, 4
short_idt: dw 0x50 * 8 - 1
        dd pm_idt
esp_before: dd 0
esp_in16: dd 0
ip_in16: dd 0
        PM_END
