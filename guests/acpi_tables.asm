; acpi_tables: finds the ACPI tables as an OS does and checks them, then
; switches the machine off through ACPI. The RSDP by scanning E0000h-FFFFFh
; (checksum, ACPI 2.0 extended checksum); the RSDT and the XSDT (signature,
; checksum, every entry's table: checksum, and both naming the same FADT);
; the FADT's DSDT (also X_DSDT) and FACS; the FADT's PM blocks, SCI on IRQ 9,
; SCI_EN on, the reset register; the PM timer read twice two BIOS ticks
; (110 ms) apart: 3.579545 MHz gives 393,700 counts, 300,000-500,000 pass.
; With every check passed it takes the S5 sleep type from the DSDT's \_S5
; package and writes SLP_TYP|SLP_EN to PM1a_CNT: pxOS must end with exit
; status 0 there; should the write come back, the guest exits with 1 (and
; with the failure count when a check failed).
        bits 16

%include "pxtest.inc"

        org 0x7C00
        PXTEST_BOOT 7

stage2:
        sti
        call acpi_find_rsdp
        CHECK nc, msg_rsdp
        jc near done
        mov [rsdp], esi
        call acpi_at
        cmp byte [fs:bx + 15], 2
        CHECK ae, msg_revision
        mov ecx, [fs:bx + 20]
        cmp ecx, 36
        CHECK e, msg_rsdp_length
        mov ecx, 36
        call acpi_sum
        test al, al
        CHECK z, msg_rsdp_ext
; --- RSDT and XSDT -----------------------------------------------------
        mov esi, [rsdp]
        call acpi_at
        mov esi, [fs:bx + 16]
        mov edx, 'RSDT'
        mov di, 4
        call check_sdt
        CHECK z, msg_rsdt
        mov [fadt], eax
        mov esi, [rsdp]
        call acpi_at
        cmp dword [fs:bx + 28], 0
        CHECK e, msg_xsdt_low
        mov esi, [fs:bx + 24]
        mov edx, 'XSDT'
        mov di, 8
        call check_sdt
        CHECK z, msg_xsdt
        cmp eax, [fadt]
        CHECK e, msg_same_fadt
; --- FADT, DSDT, FACS --------------------------------------------------
        mov esi, [fadt]
        mov edx, 'FACP'
        call acpi_table_ok
        CHECK z, msg_fadt
        jnz near done
        cmp ecx, 244
        CHECK ae, msg_fadt_length
        call acpi_at
        mov esi, [fs:bx + 40]
        cmp esi, [fs:bx + 140]
        CHECK e, msg_x_dsdt
        mov [dsdt], esi
        mov edx, 'DSDT'
        call acpi_table_ok
        CHECK z, msg_dsdt
        mov [dsdt_len], ecx
        mov esi, [fadt]
        call acpi_at
        mov esi, [fs:bx + 36]
        test si, 63
        CHECK z, msg_facs_aligned
        call acpi_at
        cmp dword [fs:bx], 'FACS'
        CHECK e, msg_facs
        mov esi, [fadt]
        call acpi_at
        cmp word [fs:bx + 46], 9
        CHECK e, msg_sci
        mov eax, [fs:bx + 56]
        mov [pm1a_evt], ax
        or eax, [fs:bx + 64]
        or eax, [fs:bx + 76]
        cmp eax, 0xFFFF
        CHECK be, msg_pm_io
        mov ax, [fs:bx + 64]
        mov [pm1a_cnt], ax
        mov ax, [fs:bx + 76]
        mov [pm_tmr], ax
        cmp dword [fs:bx + 88], 0x04000204  ; PM1_EVT_LEN 4, PM1_CNT_LEN 2, PM2 0, PM_TMR_LEN 4
        CHECK e, msg_pm_lengths
        test dword [fs:bx + 112], 1 << 10
        CHECK nz, msg_reset_sup
        cmp byte [fs:bx + 116], 1
        CHECK e, msg_reset_io
; --- the PM registers -------------------------------------------------
        mov dx, [pm1a_cnt]
        in ax, dx
        test al, 1
        CHECK nz, msg_sci_en
        call measure_timer
        cmp eax, 300000
        CHECK a, msg_timer_fast
        cmp eax, 500000
        CHECK b, msg_timer_slow
; --- S5 ---------------------------------------------------------------
        call s5_type
        CHECK nc, msg_s5
done:   PUTS pxt_summary
        mov al, [cs:pxt_failures]
        add al, '0'
        out DEBUGCON, al
        PUTS pxt_nl
        cmp byte [cs:pxt_failures], 0
        jne fail
        PUTS msg_off
        mov ax, [s5]
        shl ax, 10
        or ax, 1 << 13                  ; SLP_EN
        mov dx, [pm1a_cnt]
        out dx, ax
        PUTS msg_back
        mov al, 1
        out EXITPORT, al
fail:   mov al, [cs:pxt_failures]
        out EXITPORT, al
        cli
        hlt

; The RSDT (DI = 4) or XSDT (DI = 8) at ESI with signature EDX: ZF set when
; it and every table it lists are sound; EAX = its FADT (0: none).
check_sdt:
        call acpi_table_ok
        jnz .ret
        sub ecx, 36
        jz .bad
        add esi, 36
        xor eax, eax
        mov [.fadt], eax
.entry: push esi
        push ecx
        call acpi_at
        mov esi, [fs:bx]
        call acpi_at
        mov edx, [fs:bx]                ; whatever it is, it must be sound
        call acpi_table_ok
        jnz .pop
        cmp edx, 'FACP'
        jne .next
        mov [.fadt], esi
.next:  pop ecx
        pop esi
        add esi, edi
        sub ecx, edi
        ja .entry
        mov eax, [.fadt]
        test eax, eax
        jz .bad
        cmp eax, eax                    ; ZF set
.ret:   ret
.pop:   pop ecx
        pop esi
.bad:   or sp, sp
        ret
.fadt:  dd 0

; EAX = the PM timer's count over two BIOS ticks (24 bits, wrapped).
measure_timer:
        call next_tick
        mov dx, [pm_tmr]
        in eax, dx
        mov [t0], eax
        call next_tick
        call next_tick
        mov dx, [pm_tmr]
        in eax, dx
        sub eax, [t0]
        and eax, 0xFFFFFF
        ret
next_tick:
        mov ax, [0x46C]
.wait:  hlt
        cmp ax, [0x46C]
        je .wait
        ret

; [s5] = SLP_TYPa of \_S5 in the DSDT: the bytes '_S5_', PackageOp (12h), a
; one-byte PkgLength, NumElements, then the first element (ZeroOp, OneOp or
; BytePrefix 0Ah and the value). CF when it is not there.
s5_type:
        mov esi, [dsdt]
        mov ecx, [dsdt_len]
        sub ecx, 8
        jbe .bad
.scan:  call acpi_at
        cmp dword [fs:bx], '_S5_'
        je .found
        inc esi
        dec ecx
        jnz .scan
.bad:   stc
        ret
.found: cmp byte [fs:bx + 4], 0x12
        jne .bad
        test byte [fs:bx + 5], 0xC0
        jnz .bad
        mov al, [fs:bx + 7]
        cmp al, 0x01
        jbe .have
        cmp al, 0x0A
        jne .bad
        mov al, [fs:bx + 8]
.have:  xor ah, ah
        mov [s5], ax
        clc
        ret

%include "acpi.inc"

rsdp:     dd 0
fadt:     dd 0
dsdt:     dd 0
dsdt_len: dd 0
t0:       dd 0
s5:       dw 0
pm1a_evt: dw 0
pm1a_cnt: dw 0
pm_tmr:   dw 0

msg_rsdp:          db "RSDP found in E0000h-FFFFFh", 0
msg_revision:      db "RSDP revision 2 or later", 0
msg_rsdp_length:   db "RSDP length 36", 0
msg_rsdp_ext:      db "RSDP extended checksum", 0
msg_rsdt:          db "RSDT and its tables", 0
msg_xsdt_low:      db "XSDT below 4 GiB", 0
msg_xsdt:          db "XSDT and its tables", 0
msg_same_fadt:     db "RSDT and XSDT name one FADT", 0
msg_fadt:          db "FADT signature and checksum", 0
msg_fadt_length:   db "FADT of 244 bytes or more", 0
msg_x_dsdt:        db "X_DSDT = DSDT", 0
msg_dsdt:          db "DSDT signature and checksum", 0
msg_facs_aligned:  db "FACS on 64 bytes", 0
msg_facs:          db "FACS signature", 0
msg_sci:           db "SCI_INT 9", 0
msg_pm_io:         db "PM blocks in I/O space", 0
msg_pm_lengths:    db "PM block lengths", 0
msg_reset_sup:     db "RESET_REG_SUP", 0
msg_reset_io:      db "RESET_REG in I/O space", 0
msg_sci_en:        db "PM1a_CNT: SCI_EN", 0
msg_timer_fast:    db "PM timer: over 300,000 counts in 110 ms", 0
msg_timer_slow:    db "PM timer: under 500,000 counts in 110 ms", 0
msg_s5:            db "\_S5 in the DSDT", 0
msg_off:           db "acpi_tables: entering S5", 10, 0
msg_back:          db "acpi_tables: FAIL: the machine is still on", 10, 0

        times 512 * 8 - ($ - $$) db 0
