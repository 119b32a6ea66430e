; idle_poll: a guest that waits for a key the way DOS does, polling INT 16h
; AH=01h (then calling INT 28h) in a tight loop, must be put to sleep by the
; BIOS between timer ticks: it counts its polls over 18 ticks (one second)
; after a warm-up, and fails if there were 1000 or more (a core spinning makes
; hundreds of thousands). A loop that polls but also does other BIOS work
; (INT 10h AH=03h between polls, as DOS checks Ctrl-C while it works) must not
; be slowed: at least 1000 polls in 18 ticks (one made to wait makes about
; 18; a loaded host's nested KVM still makes thousands); nor a loop that polls
; 1500 times with 1,000 instructions between (under 400 ticks). Then it prints
; "ready" and the key the test types then must arrive within one tick.
        bits 16
        org 0x7C00

%include "pxtest.inc"

        PXTEST_BOOT 2

%define TICKS 0x46C                     ; the BIOS tick count, DS = 0

stage2:
        mov bx, 10                      ; warm-up: the BIOS learns the guest is idle
        mov di, poll16
        call count_polls
        mov bx, 18
        call count_polls
        PUTS msg_int16
        call print_count
        test dx, dx                     ; 65536 or more: CF clear, the check fails
        jnz .bad16
        cmp ax, 1000
.bad16: CHECK b, msg_few16

        mov bx, 10
        mov di, poll28
        call count_polls
        mov bx, 18
        call count_polls
        PUTS msg_int28
        call print_count
        test dx, dx
        jnz .bad28
        cmp ax, 1000
.bad28: CHECK b, msg_few28

        mov bx, 18
        mov di, poll_working
        call count_polls
        PUTS msg_work
        call print_count
        test dx, dx
        jnz .many
        cmp ax, 1000
.many:  CHECK ae, msg_many

        mov si, [TICKS]                 ; a fixed number of polls with work between (as
        mov bx, 1500                    ; FreeDOS's kernel makes while it boots) is work:
.count: mov ah, 0x01                    ; it runs at the engine's speed, not a tick a poll
        int 0x16
        mov cx, 333                     ; about 1,000 instructions
.spin:  nop
        nop
        loop .spin
        dec bx
        jnz .count
        mov ax, [TICKS]
        sub ax, si
        PUTS msg_counted
        push ax
        call pxt_hex16
        PUTS pxt_nl
        pop ax
        cmp ax, 400                     ; 1500 polls a tick apart would be 1500 ticks
        CHECK b, msg_slowed

        PUTS msg_ready
        mov si, [TICKS]
.wait:  mov ah, 0x01
        int 0x16
        jz .wait
        mov ax, [TICKS]
        sub ax, si
        cmp ax, 1
        CHECK be, msg_key
        mov ah, 0x00                    ; take the key
        int 0x16
        FINISH

; Calls the poll at DI in a loop for BX ticks; DX:AX = the number of calls.
count_polls:
        xor cx, cx                      ; the count, DX:CX
        xor dx, dx
        mov si, [TICKS]
.loop:  call di
        add cx, 1
        adc dx, 0
        mov ax, [TICKS]
        sub ax, si
        cmp ax, bx
        jb .loop
        mov ax, cx
        ret

poll16: mov ah, 0x01                    ; a key? (none comes in these phases)
        int 0x16
        ret
poll28: int 0x28                        ; DOS's idle call
        ret
poll_working:
        push bx
        push cx
        push dx
        mov ah, 0x01
        int 0x16
        mov ah, 0x03                    ; other BIOS work between polls
        xor bh, bh
        int 0x10
        pop dx
        pop cx
        pop bx
        ret

print_count:                            ; DX:AX in hex, then a newline
        push ax
        mov ax, dx
        call pxt_hex16
        pop ax
        push ax
        call pxt_hex16
        PUTS pxt_nl
        pop ax
        ret

msg_int16: db "INT 16h AH=01h polls in 18 ticks: ", 0
msg_int28: db "INT 28h calls in 18 ticks: ", 0
msg_work:  db "polls with INT 10h work between them, in 18 ticks: ", 0
msg_few16: db "an idle INT 16h poll loop sleeps between ticks", 0
msg_few28: db "an idle INT 28h loop sleeps between ticks", 0
msg_many:  db "a loop that works between its polls is not slowed", 0
msg_counted: db "ticks for 1500 polls with work between them: ", 0
msg_slowed: db "a fixed number of polls is not slowed a tick a poll", 0
msg_ready: db "ready", 10, 0
msg_key:   db "the key arrived within one tick", 0
        times 512 * 3 - ($ - $$) db 0
