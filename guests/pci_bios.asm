; pci_bios: PCI bus 0 as a real-mode guest finds it. Through configuration
; mechanism #1 (CF8h/CFCh): the address register, the host bridge 00:00.0
; (8086:1237, class 060000h) and the ISA bridge 00:01.0 (8086:7000, class
; 060100h), no device 2, sub-dword reads at CFDh-CFFh, all ones with bit 31
; clear and on bus 1, the ISA bridge has no BARs (all ones written, 0 read),
; the PIRQ routes POST set (PIRQA/B IRQ 10, PIRQC/D IRQ 11) and the ELCR bits
; for 10 and 11. The $PIR table: found on a 16-byte boundary in F0000h-FFFFFh,
; version 1.0, its checksum, the router 00:01.0 8086:7000, a slot entry per
; device with links 60h-63h wired as (device + pin - 1) mod 4. Through INT 1Ah
; B1xxh: the installation check, find device, find class code, the six
; configuration reads and writes (and 87h for bad registers), the routing
; options (89h for a short buffer, then the entries), set PCI IRQ, an
; unknown subfunction (81h).
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 16

%define ROUTE_HDR 0x600                 ; B10Eh's buffer header at 0000:0600
%define ROUTE_BUF 0x610                 ; and its data buffer

; T cond, "text": CHECK with the message in place.
%macro T 2
        CHECK %1, %%msg
        jmp %%over
%%msg:  db %2, 0
%%over:
%endmacro

; FAILS code, "text": after an INT, CF set and AH = code.
%macro FAILS 2
        jnc %%no
        cmp ah, %1
        jmp %%check
%%no:   or sp, sp                       ; ZF clear: the check fails
%%check:
        T e, %2
%endmacro

; CFG dev, fn, reg: EAX = the dword at that register of bus 0.
%macro CFG 3
        mov eax, 0x80000000 | (%1 << 11) | (%2 << 8) | %3
        call cfg_read
%endmacro

stage2:
        sti
; --- mechanism #1 --------------------------------------------------------
        mov dx, 0xCF8
        mov eax, 0x80000000
        out dx, eax
        in eax, dx
        cmp eax, 0x80000000
        T e, "CF8h keeps a dword"
        CFG 0, 0, 0x00
        cmp eax, 0x12378086
        T e, "00:00.0 is 8086:1237"
        CFG 0, 0, 0x08
        shr eax, 8
        cmp eax, 0x060000
        T e, "00:00.0 is a host bridge (060000h)"
        CFG 1, 0, 0x00
        cmp eax, 0x70008086
        T e, "00:01.0 is 8086:7000"
        CFG 1, 0, 0x08
        shr eax, 8
        cmp eax, 0x060100
        T e, "00:01.0 is an ISA bridge (060100h)"
        CFG 1, 0, 0x0C
        shr eax, 16
        test al, 0x80
        T z, "00:01.0 is a single function"
        CFG 2, 0, 0x00
        cmp eax, 0xFFFFFFFF
        T e, "no device 2: all ones"
        CFG 0, 1, 0x00
        cmp eax, 0xFFFFFFFF
        T e, "no function 00:00.1: all ones"
        mov eax, 0x80010000             ; bus 1
        call cfg_read
        cmp eax, 0xFFFFFFFF
        T e, "bus 1: all ones"
        mov eax, 0x00000000             ; bit 31 clear
        call cfg_read
        cmp eax, 0xFFFFFFFF
        T e, "bit 31 clear: all ones"

        mov eax, 0x80000000             ; sub-dword reads of 00:00.0's IDs
        mov dx, 0xCF8
        out dx, eax
        mov dx, 0xCFD
        in al, dx
        cmp al, 0x80
        T e, "byte at CFDh"
        mov dx, 0xCFE
        in ax, dx
        cmp ax, 0x1237
        T e, "word at CFEh"
        mov dx, 0xCFF
        in al, dx
        cmp al, 0x12
        T e, "byte at CFFh"

        mov eax, 0x80000810             ; the ISA bridge's BAR0: no BAR
        mov dx, 0xCF8
        out dx, eax
        mov dx, 0xCFC
        mov eax, 0xFFFFFFFF
        out dx, eax
        in eax, dx
        test eax, eax
        T z, "00:01.0 BAR0 sizes as none"

        CFG 1, 0, 0x60
        cmp eax, 0x0B0B0A0A
        T e, "POST routed PIRQA/B to IRQ 10, PIRQC/D to IRQ 11"
        mov dx, 0x4D1
        in al, dx
        and al, 0x0C
        cmp al, 0x0C
        T e, "ELCR: IRQ 10 and 11 level triggered"

; --- the $PIR table ------------------------------------------------------
        push ds
        mov ax, 0xF000
        mov ds, ax
        xor si, si
.scan:  cmp dword [si], '$PIR'
        je .found
        add si, 16
        jnz .scan
        pop ds
        or sp, sp
        T e, "$PIR table found"
        jmp routing
.found: mov [cs:pir], si
        cmp word [si + 4], 0x0100
        T e, "$PIR version 1.0"
        cmp word [si + 6], 32 + 2 * 16
        T e, "$PIR: 32 bytes and two slot entries"
        mov cx, [si + 6]
        xor ax, ax
        mov bx, si
.sum:   add al, [bx]
        inc bx
        loop .sum
        test al, al
        T z, "$PIR checksum"
        cmp word [si + 8], 0x0800
        T e, "$PIR router at 00:01.0"
        cmp dword [si + 12], 0x70008086
        T e, "$PIR router compatible with 8086:7000"
        cmp word [si + 10], 0x0C00
        T e, "$PIR: IRQ 10 and 11 devoted to PCI"
        cmp word [si + 32], 0x0000      ; bus 0, devfn 00h
        T e, "$PIR entry 0: 00:00"
        cmp byte [si + 34], 0x60        ; device 0 INTA#: PIRQA
        T e, "$PIR 00:00 INTA# link 60h"
        cmp byte [si + 43], 0x63        ; INTD#: PIRQD
        T e, "$PIR 00:00 INTD# link 63h"
        cmp word [si + 35], 0x0C00
        T e, "$PIR 00:00 INTA# may take IRQ 10 and 11"
        cmp word [si + 48], 0x0800
        T e, "$PIR entry 1: 00:01"
        cmp byte [si + 50], 0x61        ; device 1 INTA#: PIRQB
        T e, "$PIR 00:01 INTA# link 61h"
        cmp byte [si + 59], 0x60        ; INTD#: PIRQA
        T e, "$PIR 00:01 INTD# link 60h"
        pop ds

; --- INT 1Ah B1xxh ---------------------------------------------------------
routing:
        mov ax, 0xB101
        xor edi, edi
        int 0x1A
        T nc, "B101h: CF clear"
        test ah, ah
        T z, "B101h: AH=0"
        cmp edx, 0x20494350
        T e, "B101h: EDX='PCI '"
        test al, 0x01
        T nz, "B101h: mechanism #1"
        cmp bx, 0x0210
        T e, "B101h: version 2.10"
        test cl, cl
        T z, "B101h: last bus 0"

        mov ax, 0xB102
        mov cx, 0x7000
        mov dx, 0x8086
        xor si, si
        int 0x1A
        T nc, "B102h finds 8086:7000"
        cmp bx, 0x0008
        T e, "B102h: at 00:01.0"
        mov ax, 0xB102
        mov cx, 0x1237
        mov dx, 0x8086
        xor si, si
        int 0x1A
        cmp bx, 0x0000
        T e, "B102h finds 8086:1237 at 00:00.0"
        mov ax, 0xB102
        mov cx, 0x7000
        mov dx, 0x8086
        mov si, 1
        int 0x1A
        FAILS 0x86, "B102h: no second 8086:7000 (86h)"
        mov ax, 0xB102
        mov dx, 0xFFFF
        xor si, si
        int 0x1A
        FAILS 0x83, "B102h: vendor FFFFh (83h)"

        mov ax, 0xB103
        mov ecx, 0x060100
        xor si, si
        int 0x1A
        T nc, "B103h finds class 060100h"
        cmp bx, 0x0008
        T e, "B103h: at 00:01.0"
        mov ax, 0xB103
        mov ecx, 0x060000
        xor si, si
        int 0x1A
        cmp bx, 0x0000
        T e, "B103h finds class 060000h at 00:00.0"
        mov ax, 0xB103
        mov ecx, 0x0C0300
        xor si, si
        int 0x1A
        FAILS 0x86, "B103h: no USB controller (86h)"

        mov ax, 0xB108                  ; read byte 62h of 00:01.0
        mov bx, 0x0008
        mov di, 0x62
        int 0x1A
        T nc, "B108h"
        cmp cl, 11
        T e, "B108h: PIRQC routes to 11"
        mov ax, 0xB109
        xor bx, bx
        mov di, 0x02
        int 0x1A
        cmp cx, 0x1237
        T e, "B109h: device ID 1237h"
        mov ax, 0xB10A
        mov bx, 0x0008
        xor di, di
        int 0x1A
        cmp ecx, 0x70008086
        T e, "B10Ah: 8086:7000"
        mov ax, 0xB109
        mov di, 0x03
        int 0x1A
        FAILS 0x87, "B109h at an odd register (87h)"
        mov ax, 0xB10A
        mov di, 0x0102
        int 0x1A
        FAILS 0x87, "B10Ah past FFh (87h)"
        mov ax, 0xB10B                  ; the host bridge's latency timer
        xor bx, bx
        mov di, 0x0D
        mov cl, 0x40
        int 0x1A
        T nc, "B10Bh"
        mov ax, 0xB108
        xor cl, cl
        int 0x1A
        cmp cl, 0x40
        T e, "B10Bh: the byte reads back"
        mov ax, 0xB10C
        mov di, 0x0C                    ; cache line size and latency timer
        mov cx, 0x2010
        int 0x1A
        mov ax, 0xB109
        xor cx, cx
        int 0x1A
        cmp cx, 0x2010
        T e, "B10Ch: the word reads back"
        mov ax, 0xB10D
        mov bx, 0x0008
        mov di, 0x60
        mov ecx, 0x0B0B0A0A             ; as POST left them
        int 0x1A
        T nc, "B10Dh"
        mov ax, 0xB10D
        mov di, 0x61
        int 0x1A
        FAILS 0x87, "B10Dh at an unaligned register (87h)"

        mov word [ROUTE_HDR], 0         ; routing options: a buffer too small
        mov word [ROUTE_HDR + 2], ROUTE_BUF
        mov word [ROUTE_HDR + 4], 0
        mov ax, 0xB10E
        xor bx, bx
        mov di, ROUTE_HDR
        int 0x1A
        FAILS 0x89, "B10Eh: buffer too small (89h)"
        cmp word [ROUTE_HDR], 32
        T e, "B10Eh: 32 bytes needed"
        mov word [ROUTE_HDR], 64
        mov ax, 0xB10E
        xor bx, bx
        mov di, ROUTE_HDR
        int 0x1A
        T nc, "B10Eh with room"
        cmp bx, 0x0C00
        T e, "B10Eh: IRQ 10 and 11 devoted to PCI"
        cmp word [ROUTE_HDR], 32
        T e, "B10Eh: 32 bytes returned"
        push ds
        mov si, [cs:pir]
        add si, 32
        mov ax, 0xF000
        mov ds, ax
        mov di, ROUTE_BUF               ; ES = 0
        mov cx, 32
        cld
        repe cmpsb
        pop ds
        T e, "B10Eh: the $PIR table's entries"

        mov ax, 0xB10F                  ; device 0 INTA# (PIRQA) to IRQ 11
        xor bx, bx
        mov cx, 0x0B0A
        int 0x1A
        T nc, "B10Fh: INTA# of 00:00 to IRQ 11"
        CFG 1, 0, 0x60
        cmp al, 11
        T e, "B10Fh: PIRQA now routes to 11"
        mov ax, 0xB10F
        mov cx, 0x0A0A                  ; and back
        int 0x1A
        mov ax, 0xB10F
        mov cx, 0x050A                  ; IRQ 5: not offered
        int 0x1A
        FAILS 0x88, "B10Fh: IRQ 5 (88h)"
        mov ax, 0xB10F
        mov cx, 0x0A0E                  ; no pin 0Eh
        int 0x1A
        FAILS 0x88, "B10Fh: pin 0Eh (88h)"
        CFG 1, 0, 0x60
        cmp eax, 0x0B0B0A0A
        T e, "routes as POST left them"

        mov ax, 0xB120
        int 0x1A
        FAILS 0x81, "B120h: not supported (81h)"

        FINISH

; EAX = the configuration dword EAX selects.
cfg_read:
        push dx
        mov dx, 0xCF8
        out dx, eax
        mov dx, 0xCFC
        in eax, dx
        pop dx
        ret

pir:    dw 0

        times 512 * 17 - ($ - $$) db 0
