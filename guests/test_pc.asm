; test_pc: the PC around the BIOS. Timer ticks (IRQ 0 through the PIC),
; INT 15h AH=86h waits, the RTC through INT 1Ah, the A20 gate (INT 15h
; AH=24h, the keyboard controller's output port, port 92h), and extended
; keys through IRQ 1. Run it with
;   pxos run --boot-sector test_pc.bin --send-keys '{up}{f1}'
; Assembled with -DDOS_COM (guests/test_pc_com.asm) it is a DOS .COM program
; instead, run under FreeDOS from a FAT floppy (tests/guest/dos_programs.sh).
        bits 16
%include "pxtest.inc"
        PXTEST_START 6

stage2:
        PUTS msg_start
        call test_timer
        call test_rtc
        call test_a20
        call test_keys
        FINISH

; --- timer ---------------------------------------------------------------------
test_timer:
        mov ax, 0x40
        mov es, ax
        mov si, [es:0x6C]
        mov bx, si
        mov cx, 3
.wait:  sti
        hlt                             ; IRQ 0 wakes us
        cmp [es:0x6C], bx
        je .wait
        mov bx, [es:0x6C]
        loop .wait
        mov ax, [es:0x6C]
        sub ax, si
        cmp ax, 3
        CHECK ae, m_ticks               ; three tick changes seen
        cli                             ; no tick between the two reads
        mov ah, 0x00
        int 0x1A
        cmp dx, [es:0x6C]
        sti
        CHECK e, m_1a00
        mov bx, [es:0x6C]
        mov ah, 0x86                    ; wait 220 ms = 4 ticks
        mov cx, 0x0003
        mov dx, 0x5B60
        int 0x15
        CHECK nc, m_1586
        mov ax, [es:0x6C]
        sub ax, bx
        cmp ax, 3
        CHECK ae, m_1586_ticks
        push ds
        pop es
        ret

; --- RTC -------------------------------------------------------------------------
test_rtc:
        mov ah, 0x02
        int 0x1A
        CHECK nc, m_1a02
        cmp ch, 0x24                    ; BCD hours
        CHECK b, m_1a02_bcd
        mov ah, 0x04
        int 0x1A
        CHECK nc, m_1a04
        cmp ch, 0x20                    ; century
        CHECK e, m_1a04_century
        mov al, 0x0B                    ; status B through the ports: 24-hour mode
        out 0x70, al
        in al, 0x71
        test al, 0x02
        CHECK nz, m_rtc_24h
        ret

; --- A20 ---------------------------------------------------------------------------
; Writes 11h at 0000:0500, then 22h at FFFF:0510 (1 MiB + 500h), and
; returns in AL what 0000:0500 holds: 22h when A20 is off and the second
; write wrapped onto the first, 11h when A20 is on.
probe_wrap:
        push ds
        push es
        xor ax, ax
        mov ds, ax
        mov ax, 0xFFFF
        mov es, ax
        mov byte [0x500], 0x11
        mov byte [es:0x510], 0x22
        mov al, [0x500]
        pop es
        pop ds
        ret

test_a20:
        mov ax, 0x2402
        int 0x15
        cmp al, 1
        CHECK e, m_a20_on
        call probe_wrap
        cmp al, 0x11
        CHECK e, m_a20_on_nowrap
        mov ax, 0x2400                  ; off
        int 0x15
        CHECK nc, m_a20_off
        call probe_wrap
        cmp al, 0x22
        CHECK e, m_a20_off_wraps
        mov ax, 0x2401                  ; on again
        int 0x15
        call probe_wrap
        cmp al, 0x11
        CHECK e, m_a20_on_again
        mov al, 0xD1                    ; keyboard controller: output port, A20 off
        out 0x64, al
        mov al, 0xDD
        out 0x60, al
        call probe_wrap
        cmp al, 0x22
        CHECK e, m_a20_kbc_off
        mov al, 0xD1
        out 0x64, al
        mov al, 0xDF
        out 0x60, al
        call probe_wrap
        cmp al, 0x11
        CHECK e, m_a20_kbc_on
        mov al, 0xD1                    ; 8042 off, port 92h on: A20 on (the two are ORed)
        out 0x64, al
        mov al, 0xDD
        out 0x60, al
        mov al, 0x02
        out 0x92, al
        call probe_wrap
        cmp al, 0x11
        CHECK e, m_a20_p92_on
        xor al, al                      ; port 92h off too: wraps
        out 0x92, al
        call probe_wrap
        cmp al, 0x22
        CHECK e, m_a20_p92_off
        mov ax, 0x2401
        int 0x15
        ret

; --- keys ----------------------------------------------------------------------------
test_keys:
        mov ah, 0x10                    ; Up: extended code E0h with scancode 48h
        int 0x16
        cmp ax, 0x48E0
        CHECK e, m_key_up
        mov ah, 0x00                    ; F1
        int 0x16
        cmp ax, 0x3B00
        CHECK e, m_key_f1
        ret

msg_start:        db "test_pc: timer, RTC, A20, keyboard", 10, 0
m_ticks:          db "IRQ 0 advances the tick count", 0
m_1a00:           db "INT 1Ah AH=00h reads the tick count", 0
m_1586:           db "INT 15h AH=86h waits", 0
m_1586_ticks:     db "INT 15h AH=86h: 220 ms is at least 3 ticks", 0
m_1a02:           db "INT 1Ah AH=02h: RTC time", 0
m_1a02_bcd:       db "INT 1Ah AH=02h: hours in BCD", 0
m_1a04:           db "INT 1Ah AH=04h: RTC date", 0
m_1a04_century:   db "INT 1Ah AH=04h: century 20", 0
m_rtc_24h:        db "CMOS status B: 24-hour mode", 0
m_a20_on:         db "INT 15h AH=2402h: A20 on after POST", 0
m_a20_on_nowrap:  db "A20 on: FFFF:0510 is its own byte", 0
m_a20_off:        db "INT 15h AH=2400h: A20 off", 0
m_a20_off_wraps:  db "A20 off: FFFF:0510 wraps to 0000:0500", 0
m_a20_on_again:   db "INT 15h AH=2401h: A20 on again", 0
m_a20_kbc_off:    db "8042 output port: A20 off wraps", 0
m_a20_kbc_on:     db "8042 output port: A20 on", 0
m_a20_p92_on:     db "port 92h: A20 on", 0
m_a20_p92_off:    db "port 92h and 8042 off: wraps", 0
m_key_up:         db "IRQ 1: Up arrow reads E0h/48h", 0
m_key_f1:         db "IRQ 1: F1 reads 00h/3Bh", 0

%ifndef DOS_COM
        times 7 * 512 - ($ - $$) db 0
%endif
