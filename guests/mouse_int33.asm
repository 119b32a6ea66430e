; mouse_int33: a DOS program that paints with the mouse through a DOS mouse
; driver's INT 33h (CuteMouse, say), in mode 13h. It resets the driver (AX=0:
; AX = FFFFh when one is there), sets a mickey to a screen pixel before the
; driver's acceleration (0Fh: 4 mickeys per 8 of the driver's 640 columns, 8
; per 8 rows), puts the pointer at the centre (04h: 320,100 in the driver's
; coordinates, (160,100) on the screen), shows it (01h: the driver draws it),
; installs an event handler for every movement and button change (0Ch: it
; queues the position and buttons the driver passes; polling with 03h would
; miss the states between two polls) and says "ready". For each queued event
; it says "at X,Y B" (screen pixels, decimal) and, while the left button is
; held, paints the path from the old position in colour 0Eh with the pointer
; hidden (02h). A key ends it (the exit port gets the failure count).
; Without a driver it says "FAIL no INT 33h driver" and exits with 1.
;   (FreeDOS, CTMOUSE loaded) MOUSE33, then {mouse 0 0 1}{mouse 40 0 1}...
        bits 16
%define DOS_COM
%include "pxtest.inc"
        PXTEST_START 0

PAINT   equ 0x0E

stage2:
        mov ax, 0x0013
        int 0x10
        xor ax, ax
        mov es, ax
        cmp dword [es:0x33 * 4], 0      ; no vector at all: no driver
        je .none
        xor ax, ax                      ; reset
        int 0x33
        cmp ax, 0xFFFF
        jne .none
        mov ax, 0x000F                  ; mickeys per 8 pixels
        mov cx, 4
        mov dx, 8
        int 0x33
        mov ax, 0x0004                  ; the pointer at the centre
        mov cx, 320
        mov dx, 100
        int 0x33
        mov ax, 0x0001                  ; show it
        int 0x33
        push cs
        pop es
        mov dx, on_event
        mov cx, 0x007F                  ; movement, each button's press and release
        mov ax, 0x000C
        int 0x33
        push 0xA000
        pop es
        PUTS s_ready
.poll:  mov ah, 0x01                    ; a key ends it
        int 0x16
        jnz .done
        cli
        mov bx, [head]
        cmp bx, [tail]
        jne .event
        sti
        hlt
        jmp .poll
.event: sti
        and bx, QUEUE - 1
        shl bx, 3
        mov ax, [queue + bx]
        mov [nx], ax
        mov ax, [queue + bx + 2]
        mov [ny], ax
        mov al, [queue + bx + 4]
        mov [buttons], al
        inc word [head]
        test al, 1
        jz .report
        mov ax, 0x0002                  ; hide the pointer while painting
        int 0x33
        call paint_path
        mov ax, 0x0001
        int 0x33
.report:
        mov ax, [nx]
        mov [px], ax
        mov ax, [ny]
        mov [py], ax
        call report_at
        jmp .poll
.done:  xor ax, ax
        int 0x16
        xor ax, ax                      ; reset: the event handler is gone
        int 0x33
        mov ax, 0x0003
        int 0x10
        FINISH
.none:  PUTS s_none
        mov al, 1
        out EXITPORT, al
        mov ax, 0x4C01
        int 0x21

; The driver's event handler (far call; BX buttons, CX, DX the position):
; the event joins the queue, unless it is full.
on_event:
        push ax
        push si
        push ds
        push cs
        pop ds
        mov ax, [tail]
        sub ax, [head]
        cmp ax, QUEUE
        jae .full
        mov si, [tail]
        and si, QUEUE - 1
        shl si, 3
        mov ax, cx
        shr ax, 1                       ; the driver's 640 columns
        mov [queue + si], ax
        mov [queue + si + 2], dx
        mov [queue + si + 4], bx
        inc word [tail]
.full:  pop ds
        pop si
        pop ax
        retf

%include "paint.inc"

QUEUE    equ 16                         ; events (a power of two)
head:    dw 0                           ; the next to take
tail:    dw 0                           ; the next free
queue:   times QUEUE dw 0, 0, 0, 0      ; X, Y, buttons, 0

px:      dw 160
py:      dw 100
nx:      dw 0
ny:      dw 0
buttons: db 0
s_ready: db "ready", 10, 0
s_none:  db "FAIL no INT 33h driver", 10, 0
