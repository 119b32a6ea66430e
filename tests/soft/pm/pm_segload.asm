; Segment register loads in protected mode: the checks, error codes, the accessed bit,
; and the exception classes of INT3, #UD, BOUND, INTO and single step.
%macro TEST_GDT 0
        DESC 0, 0xFFFFF, 0x12, 0xC     ; 30h not-present data
        DESC 0, 0xFFFFF, 0x98, 0xC     ; 38h execute-only code
        DESC 0, 0xFFFFF, 0x90, 0xC     ; 40h read-only data
        DESC 0, 0xFFFFF, 0x12, 0xC     ; 48h not-present data
        DESC 0, 0xFFFFF, 0x12, 0xC     ; 50h not-present data (for SS)
%endmacro
%include "pm.inc"

test_main:
        ; the accessed bit is written back on a load
        movzx eax, byte [gdt + 0x10 + 5]
        CHECK_EQ 1, eax, 0x93
        TRY
        xor ax, ax
        mov ds, ax
        mov eax, [0x1000]
        CATCH 2, 13, 0
        TRY
        mov ax, 0x1000
        mov ds, ax
        CATCH 3, 13, 0x1000
        TRY
        mov ax, SEL_TSS
        mov es, ax
        CATCH 4, 13, SEL_TSS
        TRY
        mov ax, 0x30
        mov fs, ax
        CATCH 5, 11, 0x30
        TRY
        xor ax, ax
        mov ss, ax
        CATCH 6, 13, 0
        TRY
        mov ax, 0x20
        mov ss, ax
        CATCH 7, 13, 0x20
        TRY
        mov ax, 0x40
        mov ss, ax
        CATCH 8, 13, 0x40
        TRY
        mov ax, 0x50
        mov ss, ax
        CATCH 9, 12, 0x50
        TRY
        mov ax, 0x38
        mov ds, ax
        CATCH 10, 13, 0x38
        TRY
        mov ax, 0x0C
        mov gs, ax
        CATCH 11, 13, 0x0C
        TRY
        mov ax, 0x13                    ; RPL 3 > DPL 0
        mov ds, ax
        CATCH 12, 13, 0x10
        ; a null selector with any RPL loads at CPL 0
        mov ax, 3
        mov es, ax
        mov eax, es
        CHECK_EQ 13, eax, 3
        mov ax, SEL_DATA0
        mov es, ax
        ; a far jump to a data segment
        TRY
        jmp 0x10:0
        CATCH 14, 13, 0x10
        ; INT3 is a trap (EIP after), #UD a fault (EIP at the instruction)
        TRY
        int3
after_int3:
        CATCH 15, 3, -1
        CHECK_EQ 16, [last_eip], after_int3
        TRY
at_ud:  ud2
        CATCH 17, 6, -1
        CHECK_EQ 18, [last_eip], at_ud
        TRY
        mov eax, 5
at_bound:
        bound eax, [bounds]
        CATCH 19, 5, -1
        CHECK_EQ 20, [last_eip], at_bound
        TRY
        mov al, 0x7F
        add al, 1
        into
after_into:
        CATCH 21, 4, -1
        CHECK_EQ 22, [last_eip], after_into
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
        CATCH 23, 1, -1
        CHECK_EQ 24, [last_eip], after_step
        mov eax, dr6
        and eax, 0x4000
        CHECK_EQ 25, eax, 0x4000
        ; TF was cleared by the interrupt gate; the pushed flags have it
        mov eax, [last_flags]
        and eax, 0x100
        CHECK_EQ 26, eax, 0x100
        ; LAR of a not-present data segment, LSL of the TSS
        mov ax, 0x30
        lar ebx, ax
        CHECK_EQ 27, ebx, 0x00CF1200
        mov ax, SEL_TSS
        lsl ebx, ax
        CHECK_EQ 28, ebx, tss_end - tss - 1
        ; a ring-3 selector is not visible to LAR through the privilege rule when DPL < RPL
        mov ax, 0x13
        mov ebx, 0x55
        lar ebx, ax
        CHECK_EQ 29, ebx, 0x55
        ; a 16-bit trap gate pushes FLAGS, CS, IP as words
        mov eax, 0x30
        mov ebx, gate16
        mov edx, 0x8700
        call set_gate
        mov [esp_before], esp
        int 0x30
after_int30:
        CHECK_EQ 30, [esp_in16], 6
        CHECK_EQ 31, [ip_in16], after_int30
        ; an external interrupt through a zero gate (#GP) and a not-present gate (#NP),
        ; the error codes with IDT and EXT set
        TRY
        out 0xE0, al                    ; the harness injects vector 40h now
        nop
        CATCH 35, 13, 0x40 * 8 + 2 + 1
        mov eax, 0x40
        mov ebx, gate16
        mov edx, 0x0E00
        call set_gate
        TRY
        out 0xE0, al                    ; the harness injects vector 40h now
        nop
        CATCH 32, 11, 0x40 * 8 + 2 + 1
        ; the same from INT n: no EXT
        TRY
        int 0x40
        CATCH 33, 11, 0x40 * 8 + 2
        ; beyond the IDT limit
        ; LOCK only on a read-modify-write with a memory destination
        TRY
at_lock1: db 0xF0, 0x90                 ; lock nop
        CATCH 36, 6, -1
        CHECK_EQ 37, [last_eip], at_lock1
        TRY
        db 0xF0, 0x01, 0xD8             ; lock add eax, ebx
        CATCH 38, 6, -1
        mov dword [esp_in16], 1
        lock add dword [esp_in16], 2
        CHECK_EQ 39, [esp_in16], 3
        lidt [short_idt]
        TRY
        int 0x60
        CATCH 34, 13, 0x60 * 8 + 2
        lidt [idt_desc]
        PASS

gate16: mov eax, [esp_before]
        sub eax, esp
        mov [esp_in16], eax
        movzx eax, word [esp]
        mov [ip_in16], eax
        o16 iret
bounds: dd 0, 4
short_idt: dw 0x50 * 8 - 1
        dd idt
esp_before: dd 0
esp_in16: dd 0
ip_in16: dd 0
