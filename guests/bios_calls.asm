; bios_calls: the BIOS calls DOS-era tools make, each answered as its
; specification says: INT 15h AH=53h (APM 1.2: installation check, connect,
; the protected-mode connects refused, driver version, power status, CPU
; idle and busy, set power state's errors, events, capabilities, an unknown
; function, disconnect), AH=41h (not supported), AH=C0h (the configuration
; table), AH=C1h (the EBDA's segment), AH=24h (the A20 gate); INT 16h AH=03h
; (typematic), 05h (store a key), 09h (capabilities), 0Ah (keyboard ID),
; 10h-12h (the extended reads). APM's power off is guests/apm_off.asm, its
; CPU idle in a loop guests/apm_idle.asm.
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 13

%define BDA_EBDA 0x40E                  ; DS = 0
%define BDA_SHIFT 0x417
%define TICKS 0x46C

; FAILS code, msg: after an INT, CF set and AH = code.
%macro FAILS 2
        jnc %%no
        cmp ah, %1
        jmp %%check
%%no:   or sp, sp                       ; ZF clear: the check fails
%%check:
        CHECK e, %2
%endmacro

stage2:
        sti
; --- APM ---------------------------------------------------------------
        mov ax, 0x5300                  ; installation check of the APM BIOS
        xor bx, bx
        int 0x15
        CHECK nc, msg_apm_present
        cmp ax, 0x0102
        CHECK e, msg_apm_version
        cmp bx, 0x504D
        CHECK e, msg_apm_pm
        test cx, 0x0003                 ; no 16- or 32-bit protected-mode interface
        CHECK z, msg_apm_flags
        mov ax, 0x5300
        mov bx, 0x0001                  ; not the APM BIOS: unrecognized device
        int 0x15
        FAILS 0x09, msg_apm_device
        mov ax, 0x5305                  ; idle before connect: not connected
        int 0x15
        FAILS 0x03, msg_apm_unconnected

        mov ax, 0x5301                  ; connect the real-mode interface
        xor bx, bx
        int 0x15
        CHECK nc, msg_apm_connect
        mov ax, 0x5301
        xor bx, bx
        int 0x15
        FAILS 0x02, msg_apm_connect_twice
        mov ax, 0x5302
        xor bx, bx
        int 0x15
        FAILS 0x06, msg_apm_16bit
        mov ax, 0x5303
        xor bx, bx
        int 0x15
        FAILS 0x08, msg_apm_32bit

        mov ax, 0x530E                  ; a 1.2 driver
        xor bx, bx
        mov cx, 0x0102
        int 0x15
        CHECK nc, msg_apm_driver
        cmp ax, 0x0102
        CHECK e, msg_apm_driver_version

        mov ax, 0x530A                  ; power status of all devices
        mov bx, 0x0001
        int 0x15
        CHECK nc, msg_apm_status
        cmp bh, 0x01                    ; on AC
        CHECK e, msg_apm_ac
        test ch, 0x80                   ; no system battery
        CHECK nz, msg_apm_battery

        mov si, [TICKS]                 ; CPU idle: back after the next interrupt,
        mov ax, 0x5305                  ; at the latest the next timer tick
        int 0x15
        CHECK nc, msg_apm_idle
        mov ax, [TICKS]
        sub ax, si
        cmp ax, 2
        CHECK b, msg_apm_idle_tick
        mov ax, 0x5306
        int 0x15
        CHECK nc, msg_apm_busy

        mov ax, 0x5307                  ; standby: cannot enter it
        mov bx, 0x0001
        mov cx, 0x0001
        int 0x15
        FAILS 0x60, msg_apm_standby
        mov ax, 0x5307                  ; no such state
        mov bx, 0x0001
        mov cx, 0x0009
        int 0x15
        FAILS 0x0A, msg_apm_state
        mov ax, 0x5307                  ; off, but for the APM BIOS itself
        xor bx, bx
        mov cx, 0x0003
        int 0x15
        FAILS 0x09, msg_apm_off_device

        mov ax, 0x5308                  ; enable power management
        mov bx, 0x0001
        mov cx, 0x0001
        int 0x15
        CHECK nc, msg_apm_enable
        mov ax, 0x530D
        mov bx, 0x0001
        mov cx, 0x0001
        int 0x15
        CHECK nc, msg_apm_device_enable
        mov ax, 0x530B                  ; no event pending
        int 0x15
        FAILS 0x80, msg_apm_event
        mov ax, 0x530C
        mov bx, 0x0001
        mov cx, 0xFFFF
        int 0x15
        CHECK nc, msg_apm_get_state
        test cx, cx
        CHECK z, msg_apm_ready
        mov ax, 0x5310                  ; capabilities: none
        xor bx, bx
        mov cx, 0xFFFF
        int 0x15
        CHECK nc, msg_apm_caps
        test cx, cx
        CHECK z, msg_apm_no_caps
        mov ax, 0x5380                  ; an OEM function: not supported
        int 0x15
        FAILS 0x86, msg_apm_oem

        mov ax, 0x5304                  ; disconnect
        xor bx, bx
        int 0x15
        CHECK nc, msg_apm_disconnect
        mov ax, 0x5304
        xor bx, bx
        int 0x15
        FAILS 0x03, msg_apm_disconnect_twice

; --- other INT 15h ------------------------------------------------------
        mov ah, 0x41                    ; wait on external event
        int 0x15
        FAILS 0x86, msg_41

        mov ah, 0xC0                    ; the configuration table
        int 0x15
        CHECK nc, msg_c0
        cmp word [es:bx], 8
        CHECK ae, msg_c0_size
        test byte [es:bx + 5], 0x04     ; feature byte 1: EBDA allocated
        CHECK nz, msg_c0_ebda
        test byte [es:bx + 6], 0x40     ; feature byte 2: INT 16h AH=09h
        CHECK nz, msg_c0_1609

        xor ax, ax
        mov es, ax
        mov ah, 0xC1                    ; the EBDA's segment
        int 0x15
        CHECK nc, msg_c1
        mov ax, es
        cmp ax, [BDA_EBDA]
        CHECK e, msg_c1_bda
        test ax, ax
        CHECK nz, msg_c1_nonzero
        cmp byte [es:0], 1              ; its first byte: its size in KiB
        CHECK ae, msg_c1_size
        xor ax, ax
        mov es, ax

        mov ax, 0x2403                  ; A20: how it can be switched
        int 0x15
        CHECK nc, msg_a20_support
        mov ax, 0x2400                  ; off
        int 0x15
        CHECK nc, msg_a20_off
        mov ax, 0x2402
        int 0x15
        cmp al, 0
        CHECK e, msg_a20_is_off
        mov ax, 0x2401                  ; on
        int 0x15
        CHECK nc, msg_a20_on
        mov ax, 0x2402
        int 0x15
        cmp al, 1
        CHECK e, msg_a20_is_on
        mov ax, 0x24FF                  ; no such A20 function
        int 0x15
        FAILS 0x86, msg_a20_bad

; --- INT 16h ------------------------------------------------------------
        mov ax, 0x0900                  ; capabilities
        int 0x16
        test al, 0x20                   ; AH=10h-12h
        CHECK nz, msg_1609_ext
        test al, 0x10                   ; AH=0Ah
        CHECK nz, msg_1609_id
        test al, 0x0C                   ; AH=03h AL=05h and 06h
        CHECK nz, msg_1609_typematic
        mov ah, 0x0A                    ; keyboard ID: MF2
        xor bx, bx
        int 0x16
        cmp bx, 0x41AB
        CHECK e, msg_160a

        mov ax, 0x0305                  ; typematic: delay 2, rate 1Fh
        mov bx, 0x021F
        int 0x16
        mov ax, 0x0306
        xor bx, bx
        int 0x16
        cmp bx, 0x021F
        CHECK e, msg_typematic_set
        mov ax, 0x0300                  ; the defaults: 500 ms, 10.9 a second
        int 0x16
        mov ax, 0x0306
        xor bx, bx
        int 0x16
        cmp bx, 0x010B
        CHECK e, msg_typematic_default

        mov ah, 0x05                    ; store Ctrl-Right (extended: E0h in AL)
        mov cx, 0x74E0
        int 0x16
        cmp al, 0
        CHECK e, msg_store
        mov ah, 0x11
        int 0x16
        CHECK nz, msg_poll_ext
        cmp ax, 0x74E0
        CHECK e, msg_poll_ext_key
        mov ah, 0x01                    ; the classic poll hides the E0h
        int 0x16
        cmp ax, 0x7400
        CHECK e, msg_poll_classic
        mov ah, 0x10
        int 0x16
        cmp ax, 0x74E0
        CHECK e, msg_read_ext
        mov ah, 0x11
        int 0x16
        CHECK z, msg_empty
        mov ah, 0x12                    ; shift flags: AL as AH=02h's
        int 0x16
        cmp al, [BDA_SHIFT]
        CHECK e, msg_1612

        mov cx, 16                      ; 16 keys into a buffer of 15: the last is refused
.fill:  push cx
        mov ah, 0x05
        mov cx, 0x1E61
        int 0x16
        pop cx
        loop .fill
        cmp al, 1
        CHECK e, msg_store_full
        mov cx, 15
.drain: mov ah, 0x10
        int 0x16
        loop .drain
        mov ah, 0x11
        int 0x16
        CHECK z, msg_drained
        FINISH

msg_apm_present:        db "INT 15h AX=5300h: APM is installed", 0
msg_apm_version:        db "APM 1.2", 0
msg_apm_pm:             db "signature 'PM' in BX", 0
msg_apm_flags:          db "no protected-mode interface in the flags", 0
msg_apm_device:         db "5300h for another device: 09h", 0
msg_apm_unconnected:    db "5305h before connect: 03h", 0
msg_apm_connect:        db "5301h connects", 0
msg_apm_connect_twice:  db "5301h again: 02h", 0
msg_apm_16bit:          db "5302h: 06h, no 16-bit interface", 0
msg_apm_32bit:          db "5303h: 08h, no 32-bit interface", 0
msg_apm_driver:         db "530Eh driver version", 0
msg_apm_driver_version: db "530Eh: connection version 1.2", 0
msg_apm_status:         db "530Ah power status", 0
msg_apm_ac:             db "530Ah: on AC", 0
msg_apm_battery:        db "530Ah: no system battery", 0
msg_apm_idle:           db "5305h CPU idle", 0
msg_apm_idle_tick:      db "5305h came back within a tick", 0
msg_apm_busy:           db "5306h CPU busy", 0
msg_apm_standby:        db "5307h standby: 60h", 0
msg_apm_state:          db "5307h unknown state: 0Ah", 0
msg_apm_off_device:     db "5307h with BX=0: 09h", 0
msg_apm_enable:         db "5308h enable", 0
msg_apm_device_enable:  db "530Dh enable", 0
msg_apm_event:          db "530Bh: 80h, no event", 0
msg_apm_get_state:      db "530Ch power state", 0
msg_apm_ready:          db "530Ch: ready", 0
msg_apm_caps:           db "5310h capabilities", 0
msg_apm_no_caps:        db "5310h: no standby, suspend or resume events", 0
msg_apm_oem:            db "5380h: 86h", 0
msg_apm_disconnect:     db "5304h disconnects", 0
msg_apm_disconnect_twice: db "5304h again: 03h", 0
msg_41:                 db "INT 15h AH=41h: 86h", 0
msg_c0:                 db "AH=C0h configuration table", 0
msg_c0_size:            db "AH=C0h: table of 8 bytes or more", 0
msg_c0_ebda:            db "AH=C0h: EBDA allocated", 0
msg_c0_1609:            db "AH=C0h: INT 16h AH=09h supported", 0
msg_c1:                 db "AH=C1h EBDA segment", 0
msg_c1_bda:             db "AH=C1h: ES as in the BDA", 0
msg_c1_nonzero:         db "AH=C1h: not 0", 0
msg_c1_size:            db "AH=C1h: the EBDA has a size", 0
msg_a20_support:        db "AX=2403h", 0
msg_a20_off:            db "AX=2400h", 0
msg_a20_is_off:         db "AX=2402h: A20 off", 0
msg_a20_on:             db "AX=2401h", 0
msg_a20_is_on:          db "AX=2402h: A20 on", 0
msg_a20_bad:            db "AX=24FFh: 86h", 0
msg_1609_ext:           db "INT 16h AH=09h: AH=10h-12h", 0
msg_1609_id:            db "INT 16h AH=09h: AH=0Ah", 0
msg_1609_typematic:     db "INT 16h AH=09h: typematic", 0
msg_160a:               db "INT 16h AH=0Ah: MF2 keyboard", 0
msg_typematic_set:      db "AX=0305h then 0306h: the values back", 0
msg_typematic_default:  db "AX=0300h: the defaults", 0
msg_store:              db "AH=05h stores a key", 0
msg_poll_ext:           db "AH=11h sees it", 0
msg_poll_ext_key:       db "AH=11h: E0h kept", 0
msg_poll_classic:       db "AH=01h: E0h hidden", 0
msg_read_ext:           db "AH=10h reads it", 0
msg_empty:              db "AH=11h: empty after", 0
msg_1612:               db "AH=12h: shift flags", 0
msg_store_full:         db "AH=05h: AL=1 when full", 0
msg_drained:            db "15 keys read back", 0

        times 512 * 14 - ($ - $$) db 0
