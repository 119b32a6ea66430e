; acpi_reset: restarts the machine through the FADT's reset register, as an
; OS does for a reboot. The boots are counted in CMOS byte 50h (RAM that a
; reset keeps): at the first boot the guest finds the FADT, checks that its
; RESET_REG is an I/O port (RESET_REG_SUP set) and writes RESET_VALUE there;
; at the second it reports the restart and exits with 0. Should the write
; come back, or the tables be missing, it exits with 1.
        bits 16

%include "pxtest.inc"

        org 0x7C00
        PXTEST_BOOT 3

%define CMOS_BOOTS 0x50

stage2:
        sti
        mov al, CMOS_BOOTS
        out 0x70, al
        in al, 0x71
        test al, al
        jnz second
        mov al, CMOS_BOOTS
        out 0x70, al
        mov al, 1
        out 0x71, al
        PUTS msg_first
        call acpi_find_rsdp
        jc fail
        call acpi_find_fadt
        jc fail
        call acpi_at
        test dword [fs:bx + 112], 1 << 10  ; RESET_REG_SUP
        jz fail
        cmp byte [fs:bx + 116], 1          ; RESET_REG: system I/O
        jne fail
        cmp dword [fs:bx + 124], 0         ; below 64 KiB
        jne fail
        mov edx, [fs:bx + 120]
        cmp edx, 0xFFFF
        ja fail
        mov al, [fs:bx + 128]              ; RESET_VALUE
        PUTS msg_reset
        out dx, al
        PUTS msg_back
fail:   PUTS msg_fail
        mov al, 1
        out EXITPORT, al
        cli
        hlt
second: PUTS msg_second
        xor al, al
        out EXITPORT, al
        cli
        hlt

%include "acpi.inc"

msg_first:  db "acpi_reset: first boot", 10, 0
msg_reset:  db "acpi_reset: writing the reset register", 10, 0
msg_back:   db "acpi_reset: the write came back", 10, 0
msg_fail:   db "acpi_reset: FAIL", 10, 0
msg_second: db "acpi_reset: second boot after the reset", 10, 0

        times 512 * 4 - ($ - $$) db 0
