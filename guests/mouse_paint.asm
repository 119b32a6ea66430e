; mouse_paint: a graphical guest with a mouse. In mode 13h it installs a
; PS/2 mouse handler through INT 15h (C205h packets of 3, C207h the handler,
; C200h enable), draws a pointer (a white cross of 9 pixels, what it covers
; saved and put back when it moves) at the centre (160,100), and says
; "ready". Each mouse event moves the pointer (screen Y grows downwards, so a
; movement up is subtracted; the position stays on the screen); while the left
; button is held the path from the old position to the new one is painted in
; colour 0Eh. After each event it says "at X,Y B" (decimal, B the buttons).
;   pxos run --boot-sector mouse_paint.bin --expect ready \
;            --send-keys '{mouse 0 0 1}{mouse 40 0 1}{mouse 0 -30 1}{mouse 30 30 0}'
; paints (160,100)-(200,100)-(200,130) and leaves the pointer at (230,100)
; ("at 230,100 0"): tests/display/CMakeLists.txt checks the screenshot.
        bits 16
%include "pxtest.inc"
        PXTEST_START 3

PAINT   equ 0x0E
POINTER equ 0x0F

stage2:
        mov ax, 0x0013
        int 0x10
        push cs
        pop es
        mov ax, 0xC205                  ; packets of 3 bytes
        mov bh, 3
        int 0x15
        jc .failed
        mov bx, handler
        mov ax, 0xC207
        int 0x15
        jc .failed
        mov ax, 0xC200                  ; enable
        mov bh, 1
        int 0x15
        jc .failed
        push 0xA000
        pop es
        call pointer_draw
        PUTS s_ready
.idle:  sti
        hlt
        jmp .idle
.failed:
        PUTS s_failed
        mov al, 1
        out EXITPORT, al
        cli
        hlt

; The far handler: status, X, Y, 0 on the stack (the last pushed first).
handler:
        push bp
        mov bp, sp
        pusha
        push ds
        push es
        push cs
        pop ds
        push 0xA000
        pop es
        mov bl, [bp + 12]               ; status: bit 4 X negative, bit 5 Y negative
        mov [buttons], bl
        mov al, [bp + 10]
        xor ah, ah
        test bl, 0x10
        jz .xpos
        mov ah, 0xFF
.xpos:  add ax, [px]
        mov cx, 319
        call clamp
        mov [nx], ax
        mov al, [bp + 8]
        xor ah, ah
        test bl, 0x20
        jz .ypos
        mov ah, 0xFF
.ypos:  neg ax                          ; up on the mouse is up on the screen
        add ax, [py]
        mov cx, 199
        call clamp
        mov [ny], ax
        call pointer_erase
        test byte [buttons], 1
        jz .moved
        call paint_path
.moved: mov ax, [nx]
        mov [px], ax
        mov ax, [ny]
        mov [py], ax
        call pointer_draw
        call report_at
        pop es
        pop ds
        popa
        pop bp
        retf

; The pointer's 9 pixels at (px,py): saved, then drawn in white.
pointer_draw:
        xor si, si
.next:  call pointer_pixel
        jc .skip
        mov al, [es:bx]
        mov [under + si], al
        mov byte [es:bx], POINTER
.skip:  inc si
        cmp si, 9
        jb .next
        ret

; What the pointer covered, put back.
pointer_erase:
        xor si, si
.next:  call pointer_pixel
        jc .skip
        mov al, [under + si]
        mov [es:bx], al
.skip:  inc si
        cmp si, 9
        jb .next
        ret

; BX = the offset of the pointer's pixel SI (0-8); CF set when it is off the
; screen.
pointer_pixel:
        movsx cx, byte [cross_x + si]
        add cx, [px]
        movsx dx, byte [cross_y + si]
        add dx, [py]
        jmp offset_of
%include "paint.inc"

cross_x: db 0, -2, -1, 1, 2, 0, 0, 0, 0
cross_y: db 0, 0, 0, 0, 0, -2, -1, 1, 2
under:   times 9 db 0
px:      dw 160
py:      dw 100
nx:      dw 0
ny:      dw 0
buttons: db 0
s_ready:  db "ready", 10, 0
s_failed: db "FAIL INT 15h C205h/C207h/C200h", 10, 0
