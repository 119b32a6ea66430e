; test_boot: the BIOS test bootloader.
;
; Sector 0 is a boot sector: INT 19h loads it at 0000:7C00 with DL = the
; boot drive; it loads the checks (sectors 1..STAGE2_SECTORS) with INT 13h
; and runs them. Sectors 17..40 of the image start with their own LBA, so
; CHS reads can be checked against the sector they must land on.
;
; Each check prints "ok" or "FAIL" on the debug console; the number of
; failures is the verdict written to the exit port. Run it with
;   pxos run --boot-sector test_boot.bin --send-keys ab
; (the INT 16h checks expect the keys "a" and "b").

        bits 16
        org 0x7C00

%include "pxtest.inc"

STAGE2_SECTORS equ 14
MARKER_LBA     equ 17          ; first sector carrying its LBA
REBOOT_MAGIC   equ 0x1919
REBOOT_FLAG    equ 0x0600      ; survives INT 19h: POST clears only 0..4FFh

boot:
        BOOT_STACK
        sti
        mov [boot_drive], dl
        call .here
.here:  pop ax
        mov [boot_ip], ax
        mov ax, cs
        mov [boot_cs], ax
        cmp word [REBOOT_FLAG], REBOOT_MAGIC
        je after_reboot
        mov ax, 0x0200 + STAGE2_SECTORS
        mov cx, 0x0002                  ; cylinder 0, sector 2
        xor dh, dh
        mov dl, [boot_drive]
        mov bx, stage2
        int 0x13
        jc .load_failed
        jmp stage2
.load_failed:
        PUTS msg_load_failed
        mov al, 99
        out EXITPORT, al
        cli
        hlt

boot_drive: db 0xFF
boot_ip:    dw 0
boot_cs:    dw 0xFFFF
msg_load_failed: db "FAIL INT 13h could not load the checks", 10, 0

        PXTEST_CODE

        times 510 - ($ - $$) db 0
        dw 0xAA55

; ---------------------------------------------------------------------------
stage2:
        PUTS msg_start
        ; INT 19h put us at 0000:7C00 with DL = 0 (floppy A:).
        cmp byte [boot_drive], 0
        CHECK e, m_19_dl
        cmp word [boot_cs], 0
        CHECK e, m_19_cs
        cmp word [boot_ip], boot.here
        CHECK e, m_19_ip
        cmp word [0x7DFE], 0xAA55
        CHECK e, m_19_sig

        call test_int10
        call test_int11_12
        call test_int13
        call test_int16

        ; INT 19h again: it must reload sector 0 and jump to it; the boot
        ; sector sees the flag and comes back to after_reboot.
        mov word [REBOOT_FLAG], REBOOT_MAGIC
        mov word [0x7C00], 0           ; must be reloaded from disk
        int 0x19
        PUTS m_19_returned
        inc byte [cs:pxt_failures]
after_reboot:
        mov word [REBOOT_FLAG], 0
        cmp byte [boot_drive], 0
        CHECK e, m_19_again
        FINISH

; --- INT 10h ----------------------------------------------------------------
test_int10:
        mov ah, 0x0F
        int 0x10
        cmp ax, 0x5003                  ; 80 columns, mode 3
        CHECK e, m_10_0f
        mov ah, 0x02                    ; cursor to row 5, column 10
        xor bh, bh
        mov dx, 0x050A
        int 0x10
        mov ah, 0x03
        xor bh, bh
        int 0x10
        cmp dx, 0x050A
        CHECK e, m_10_03
        mov ax, 0x0E58                  ; teletype 'X'
        xor bx, bx
        int 0x10
        push es
        mov ax, 0xB800
        mov es, ax
        cmp byte [es:(5*80+10)*2], 'X'
        CHECK e, m_10_0e
        mov ah, 0x03
        xor bh, bh
        int 0x10
        cmp dx, 0x050B
        CHECK e, m_10_0e_cursor
        mov ax, 0x0959                  ; 'Y' three times, attribute 1Eh
        mov bx, 0x001E
        mov cx, 3
        int 0x10
        cmp word [es:(5*80+13)*2], 0x1E59
        CHECK e, m_10_09
        mov ah, 0x08
        xor bh, bh
        int 0x10
        cmp ax, 0x1E59
        CHECK e, m_10_08
        mov ax, 0x0A5A                  ; 'Z' once, attribute kept
        xor bh, bh
        mov cx, 1
        int 0x10
        cmp word [es:(5*80+11)*2], 0x1E5A
        CHECK e, m_10_0a
        mov ax, 0x0601                  ; scroll rows 4..6 up by one
        mov bh, 0x07
        mov cx, 0x0400
        mov dx, 0x064F
        int 0x10
        cmp byte [es:(4*80+10)*2], 'X'
        CHECK e, m_10_06
        cmp word [es:(6*80+10)*2], 0x0720
        CHECK e, m_10_06_blank
        mov ax, 0x0701                  ; and down again
        mov bh, 0x07
        mov cx, 0x0400
        mov dx, 0x064F
        int 0x10
        cmp byte [es:(5*80+10)*2], 'X'
        CHECK e, m_10_07
        push es
        push cs
        pop es
        mov ax, 0x1301                  ; string "OK" at row 20, col 0, move cursor
        mov bx, 0x0007
        mov cx, 2
        mov dx, 0x1400
        mov bp, s_ok
        int 0x10
        pop es
        cmp word [es:(20*80)*2], 0x074F
        CHECK e, m_10_13
        mov ah, 0x03
        xor bh, bh
        int 0x10
        cmp dx, 0x1402
        CHECK e, m_10_13_cursor
        mov ah, 0x01                    ; cursor shape
        mov cx, 0x0D0E
        int 0x10
        mov ah, 0x03
        xor bh, bh
        int 0x10
        cmp cx, 0x0D0E
        CHECK e, m_10_01
        mov ax, 0x0501                  ; page 1, then back to 0
        int 0x10
        cmp byte [0x462], 1
        CHECK e, m_10_05
        mov ax, 0x0500
        int 0x10
        mov ax, 0x0003                  ; mode 3 clears the screen
        int 0x10
        cmp word [es:(5*80+10)*2], 0x0720
        CHECK e, m_10_00
        pop es
        ret

; --- INT 11h, 12h --------------------------------------------------------------
test_int11_12:
        int 0x11
        test al, 1                      ; a floppy drive is installed
        CHECK nz, m_11
        int 0x12
        cmp ax, 639                     ; 640 KiB less the 1 KiB EBDA
        CHECK e, m_12
        push es
        mov ax, 0x40
        mov es, ax
        cmp word [es:0x0E], 0x9FC0      ; BDA points at the EBDA
        pop es
        CHECK e, m_12_ebda
        ret

; --- INT 13h ----------------------------------------------------------------
; Reads CHS (CH, CL, DH) from drive 0 into 0000:A000 with AL sectors.
read_chs:
        mov bx, 0xA000
        mov ah, 0x02
        xor dl, dl
        int 0x13
        ret

test_int13:
        mov ah, 0x00                    ; reset
        xor dl, dl
        int 0x13
        CHECK nc, m_13_00
        mov ah, 0x08                    ; parameters of a 1.44 MB drive
        xor dl, dl
        push es
        int 0x13
        mov ax, es
        pop es
        CHECK nc, m_13_08
        cmp bl, 4
        CHECK e, m_13_08_type
        cmp cx, 0x4F12                  ; 79 cylinders, 18 sectors
        CHECK e, m_13_08_cx
        cmp dx, 0x0101                  ; head 1, one drive
        CHECK e, m_13_08_dx
        cmp ax, 0xF000
        CHECK e, m_13_08_dpt
        ; CHS to LBA: C0 H0 S18 = 17, C0 H1 S1 = 18, C1 H0 S1 = 36.
        mov al, 1
        mov cx, 0x0012
        xor dh, dh
        call read_chs
        CHECK nc, m_13_02
        cmp word [0xA000], 17
        CHECK e, m_13_chs17
        mov al, 1
        mov cx, 0x0001
        mov dh, 1
        call read_chs
        cmp word [0xA000], 18
        CHECK e, m_13_chs18
        mov al, 1
        mov cx, 0x0101
        xor dh, dh
        call read_chs
        cmp word [0xA000], 36
        CHECK e, m_13_chs36
        mov al, 2                       ; two sectors across the head boundary
        mov cx, 0x0012
        xor dh, dh
        call read_chs
        cmp ax, 0x0002
        CHECK e, m_13_multi_al
        cmp word [0xA200], 18
        CHECK e, m_13_multi
        ; Error paths: each sets CF and its status code.
        mov al, 1
        mov cx, 0x0000                  ; sector 0 does not exist
        xor dh, dh
        call read_chs
        CHECK c, m_13_s0
        cmp ah, 0x04
        CHECK e, m_13_s0_code
        mov al, 1
        mov cx, 0x0013                  ; sector 19 of 18
        xor dh, dh
        call read_chs
        cmp ah, 0x04
        CHECK e, m_13_s19
        mov al, 1
        mov cx, 0x0001
        mov dh, 2                       ; head 2 of 2
        call read_chs
        cmp ah, 0x04
        CHECK e, m_13_h2
        mov al, 1
        mov cx, 0x5001                  ; cylinder 80 of 80
        xor dh, dh
        call read_chs
        cmp ah, 0x04
        CHECK e, m_13_c80
        mov al, 1
        mov cx, 0x0041                  ; cylinder 256 through CL bits 6-7
        xor dh, dh
        call read_chs
        cmp ah, 0x04
        CHECK e, m_13_chigh
        mov al, 0                       ; zero sectors
        mov cx, 0x0001
        xor dh, dh
        call read_chs
        CHECK c, m_13_al0
        cmp ah, 0x01
        CHECK e, m_13_al0_code
        mov ax, 0x0201                  ; drive 1 is not there
        mov cx, 0x0001
        xor dh, dh
        mov dl, 1
        mov bx, 0xA000
        int 0x13
        CHECK c, m_13_nodrive
        cmp ah, 0x01
        CHECK e, m_13_nodrive_code
        mov ax, 0x0201                  ; 0000:FF00 + 512 crosses 64 KiB: DMA
        mov cx, 0x0001
        xor dx, dx
        mov bx, 0xFF00
        int 0x13
        CHECK c, m_13_dma
        cmp ah, 0x09
        CHECK e, m_13_dma_code
        mov ah, 0x01                    ; status of the last operation
        xor dl, dl
        int 0x13
        cmp ah, 0x09
        CHECK e, m_13_01
        mov al, 2                       ; last sector + one past the end
        mov cx, 0x4F12
        mov dh, 1
        call read_chs
        CHECK c, m_13_eod
        cmp ax, 0x0401                  ; sector not found, one sector done
        CHECK e, m_13_eod_code
        ; Write, then read back (the image itself is not changed).
        mov di, 0xB000
        mov cx, 256
        mov ax, 0xA55A
        rep stosw
        mov ax, 0x0301
        mov cx, 0x0103                  ; C1 H0 S3 = LBA 38
        xor dx, dx
        mov bx, 0xB000
        int 0x13
        CHECK nc, m_13_03
        mov al, 1
        mov cx, 0x0103
        xor dh, dh
        call read_chs
        cmp word [0xA1FE], 0xA55A
        CHECK e, m_13_readback
        mov ax, 0x0402                  ; verify two sectors
        mov cx, 0x0001
        xor dx, dx
        int 0x13
        CHECK nc, m_13_04
        mov ah, 0x15                    ; drive types
        xor dl, dl
        int 0x13
        cmp ah, 0x01
        CHECK e, m_13_15
        mov ah, 0x15
        mov dl, 0x80
        int 0x13
        cmp ah, 0x00
        CHECK e, m_13_15_none
        ret

; --- INT 16h ----------------------------------------------------------------
test_int16:
        mov ah, 0x01                    ; peek: 'a' is waiting
        int 0x16
        CHECK nz, m_16_01
        cmp ax, 0x1E61
        CHECK e, m_16_01_key
        mov ah, 0x00
        int 0x16
        cmp ax, 0x1E61
        CHECK e, m_16_00
        mov ah, 0x10
        int 0x16
        cmp ax, 0x3062
        CHECK e, m_16_10
        mov ah, 0x11                    ; empty now
        int 0x16
        CHECK z, m_16_11
        mov ah, 0x05                    ; stuff 'z' into the buffer
        mov cx, 0x2C7A
        int 0x16
        cmp al, 0
        CHECK e, m_16_05
        mov ah, 0x00
        int 0x16
        cmp ax, 0x2C7A
        CHECK e, m_16_05_read
        mov ah, 0x02
        int 0x16
        cmp al, 0
        CHECK e, m_16_02
        mov ah, 0x12
        int 0x16
        cmp ax, 0
        CHECK e, m_16_12
        ret

s_ok:             db "OK"
msg_start:        db "test_boot: BIOS checks", 10, 0
m_19_dl:          db "INT 19h: DL = boot drive 0", 0
m_19_cs:          db "INT 19h: CS = 0", 0
m_19_ip:          db "INT 19h: IP = 7C00h", 0
m_19_sig:         db "INT 19h: sector with 55AAh at 0:7DFE", 0
m_19_returned:    db "FAIL INT 19h returned", 10, 0
m_19_again:       db "INT 19h: reboot reloads sector 0 and jumps to it", 0
m_10_0f:          db "INT 10h AH=0Fh: mode 3, 80 columns", 0
m_10_03:          db "INT 10h AH=02h/03h: cursor position", 0
m_10_0e:          db "INT 10h AH=0Eh: teletype writes B800h", 0
m_10_0e_cursor:   db "INT 10h AH=0Eh: cursor advances", 0
m_10_09:          db "INT 10h AH=09h: char and attribute CX times", 0
m_10_08:          db "INT 10h AH=08h: read char and attribute", 0
m_10_0a:          db "INT 10h AH=0Ah: char only", 0
m_10_06:          db "INT 10h AH=06h: scroll up", 0
m_10_06_blank:    db "INT 10h AH=06h: blank line with attribute", 0
m_10_07:          db "INT 10h AH=07h: scroll down", 0
m_10_13:          db "INT 10h AH=13h: write string", 0
m_10_13_cursor:   db "INT 10h AH=13h: cursor moved", 0
m_10_01:          db "INT 10h AH=01h: cursor shape", 0
m_10_05:          db "INT 10h AH=05h: active page in BDA", 0
m_10_00:          db "INT 10h AH=00h: mode set clears the screen", 0
m_11:             db "INT 11h: floppy installed", 0
m_12:             db "INT 12h: 639 KiB", 0
m_12_ebda:        db "BDA 40:0E: EBDA at 9FC0h", 0
m_13_00:          db "INT 13h AH=00h: reset", 0
m_13_08:          db "INT 13h AH=08h: CF clear", 0
m_13_08_type:     db "INT 13h AH=08h: BL = 4 (1.44M)", 0
m_13_08_cx:       db "INT 13h AH=08h: CX = 4F12h", 0
m_13_08_dx:       db "INT 13h AH=08h: DX = 0101h", 0
m_13_08_dpt:      db "INT 13h AH=08h: ES = F000h (parameter table)", 0
m_13_02:          db "INT 13h AH=02h: read", 0
m_13_chs17:       db "INT 13h CHS 0/0/18 = LBA 17", 0
m_13_chs18:       db "INT 13h CHS 0/1/1 = LBA 18", 0
m_13_chs36:       db "INT 13h CHS 1/0/1 = LBA 36", 0
m_13_multi_al:    db "INT 13h multi-sector read: AL = 2", 0
m_13_multi:       db "INT 13h read crosses the head boundary", 0
m_13_s0:          db "INT 13h sector 0: CF", 0
m_13_s0_code:     db "INT 13h sector 0: AH = 04h", 0
m_13_s19:         db "INT 13h sector 19: AH = 04h", 0
m_13_h2:          db "INT 13h head 2: AH = 04h", 0
m_13_c80:         db "INT 13h cylinder 80: AH = 04h", 0
m_13_chigh:       db "INT 13h cylinder bits in CL: AH = 04h", 0
m_13_al0:         db "INT 13h AL = 0: CF", 0
m_13_al0_code:    db "INT 13h AL = 0: AH = 01h", 0
m_13_nodrive:     db "INT 13h absent drive: CF", 0
m_13_nodrive_code: db "INT 13h absent drive: AH = 01h", 0
m_13_dma:         db "INT 13h 64 KiB DMA boundary: CF", 0
m_13_dma_code:    db "INT 13h 64 KiB DMA boundary: AH = 09h", 0
m_13_01:          db "INT 13h AH=01h: last status 09h", 0
m_13_eod:         db "INT 13h read past the end: CF", 0
m_13_eod_code:    db "INT 13h read past the end: AH = 04h, AL = 1", 0
m_13_03:          db "INT 13h AH=03h: write", 0
m_13_readback:    db "INT 13h write then read back", 0
m_13_04:          db "INT 13h AH=04h: verify", 0
m_13_15:          db "INT 13h AH=15h: floppy type 01h", 0
m_13_15_none:     db "INT 13h AH=15h: absent hard disk type 00h", 0
m_16_01:          db "INT 16h AH=01h: key waiting", 0
m_16_01_key:      db "INT 16h AH=01h: AX = 1E61h ('a')", 0
m_16_00:          db "INT 16h AH=00h: read 'a'", 0
m_16_10:          db "INT 16h AH=10h: read 'b'", 0
m_16_11:          db "INT 16h AH=11h: buffer empty", 0
m_16_05:          db "INT 16h AH=05h: store key", 0
m_16_05_read:     db "INT 16h AH=05h: stored key read back", 0
m_16_02:          db "INT 16h AH=02h: no shift keys", 0
m_16_12:          db "INT 16h AH=12h: no shift keys", 0

        times (1 + STAGE2_SECTORS) * 512 - ($ - $$) db 0
        times (MARKER_LBA - 1 - STAGE2_SECTORS) * 512 db 0
%assign lba MARKER_LBA
%rep 24
        dw lba
        times 510 db 0
%assign lba lba + 1
%endrep
