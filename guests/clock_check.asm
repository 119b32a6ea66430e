; clock_check: guest time must follow the host's. Prints the BIOS tick count
; ("T xxxxxxxx", hex) at the start and after three phases of 73 ticks (4 s of
; guest time) each: busy (a loop that only reads the tick count from memory),
; polling (INT 16h AH=01h and INT 1Ah AH=00h in a loop, as a boot menu's
; countdown does), idle (HLT until the next interrupt); then the RTC's time of
; day ("R hh:mm:ss"). tests/guest/clock.sh stamps each line with the host's
; time and compares. Ends with exit status 0.
        bits 16
        org 0x7C00

%include "pxtest.inc"

%define TICKS 0x46C                     ; DS = 0
%define PHASE 73                        ; ticks: 4 s

start:
        xor ax, ax
        mov ds, ax
        sti
        call print_ticks
        mov di, busy
        call phase
        mov di, polling
        call phase
        mov di, idle
        call phase
        mov ah, 0x02                    ; RTC: CH hours, CL minutes, DH seconds (BCD)
        int 0x1A
        mov al, 'R'
        out DEBUGCON, al
        mov al, ' '
        out DEBUGCON, al
        mov al, ch
        call pxt_hexb
        mov al, ':'
        out DEBUGCON, al
        mov al, cl
        call pxt_hexb
        mov al, ':'
        out DEBUGCON, al
        mov al, dh
        call pxt_hexb
        mov al, 10
        out DEBUGCON, al
        xor al, al
        out EXITPORT, al
        cli
        hlt

; Runs the step at DI until PHASE ticks have passed, then prints the ticks.
phase:  mov si, [TICKS]
.loop:  call di
        mov ax, [TICKS]
        sub ax, si
        cmp ax, PHASE
        jb .loop
print_ticks:
        mov al, 'T'
        out DEBUGCON, al
        mov al, ' '
        out DEBUGCON, al
        mov ax, [TICKS + 2]
        call pxt_hexw
        mov ax, [TICKS]
        call pxt_hexw
        mov al, 10
        out DEBUGCON, al
        ret

busy:   mov cx, 1000
.spin:  imul ax, cx, 7
        loop .spin
        ret
polling:
        mov ah, 0x01
        int 0x16
        mov ah, 0x00
        int 0x1A
        ret
idle:   hlt
        ret

        PXTEST_CODE
        times 510 - ($ - $$) db 0
        dw 0xAA55
