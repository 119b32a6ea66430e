; vbe_compare: VBE modes drawn through the linear framebuffer, for comparing
; screenshots with another VBE BIOS (tests/display/qemu_compare.sh). For each
; of 640x480x8 (with a DAC palette of its own), 800x600x16, 1024x768x32 and
; 640x480x24 it walks the mode list of 4F00h with 4F01h for that geometry (a
; BIOS numbers its modes as it likes), sets the mode with 4F02h and the LFB
; bit, fills the whole framebuffer with a pattern through unreal mode (FS with
; a 4 GiB limit), says "vbe WxHxB drawn" on the debug console and waits for a
; key. Then the same through the Bochs DISPI ports 1CEh/1CFh directly, as
; Linux's bochs-drm does: 800x600x32 with a virtual width of 1024 pixels and
; a Y offset of 8 lines ("dispi 800x600x32 drawn"); its framebuffer address
; is 4F01h's PhysBasePtr (bochs-drm reads a PCI BAR instead).
;
; The pattern: pixel (x, y) of memory is the low bytes of
; x * 030507h + y * 070301h, stored little-endian in the mode's bytes per
; pixel (8 bpp: an index into the palette, DAC i = (i & 3Fh, i >> 2, ~i & 3Fh)).
; A missing mode or a failed call prints a FAIL line instead of "drawn".
; Run: pxos run --boot-sector vbe_compare.bin --send-keys xxxxxx --display none
        bits 16
        org 0x7C00

%include "pxtest.inc"

VBE_INFO  equ 0x9000
MODE_INFO equ 0x9200
K_X       equ 0x030507
K_Y       equ 0x070301

        PXTEST_BOOT SECTORS
stage2:
        cld
        mov si, m_640x480x8
        call vbe_mode
        mov si, m_800x600x8
        call vbe_mode
        mov si, m_800x600x16
        call vbe_mode
        mov si, m_1024x768x32
        call vbe_mode
        mov si, m_640x480x24
        call vbe_mode
        call dispi_mode
        mov ax, 0x0003
        int 0x10
        FINISH

; SI: a mode's entry (width, height, bpp, own palette words, then its name).
; Finds it, sets it (and the palette), draws the pattern, reports and waits
; for a key.
vbe_mode:
        call find_mode
        jc .missing
        mov bx, [found]
        or bx, 0x4000                   ; the linear framebuffer
        mov ax, 0x4F02
        int 0x10
        cmp ax, 0x004F
        jne .failed
        cmp word [si + 6], 0
        je .default
        call palette
.default:
        movzx eax, word [si]
        mov [width], eax
        movzx eax, word [si + 2]
        mov [height], eax
        movzx eax, word [MODE_INFO + 16]    ; BytesPerScanLine
        mov [pitch], eax
        mov eax, [MODE_INFO + 40]           ; PhysBasePtr
        mov [lfb], eax
        movzx eax, word [si + 4]
        add eax, 7
        shr eax, 3
        mov [bytespp], eax
        call fill
        add si, 8
        PUTS s_vbe
        call pxt_puts
        PUTS s_drawn
        jmp wait_key
.missing:
        PUTS s_missing
        jmp .name
.failed:
        PUTS s_setfail
.name:  add si, 8
        call pxt_puts
        PUTS pxt_nl
        inc byte [cs:pxt_failures]
        ret

; SI: the wanted entry. CF clear: [found] is its mode number and MODE_INFO
; its 4F01h block (supported, with a linear framebuffer).
find_mode:
        mov dword [VBE_INFO], 'VBE2'
        mov di, VBE_INFO
        mov ax, 0x4F00
        int 0x10
        cmp ax, 0x004F
        jne .no
        lgs bx, [VBE_INFO + 14]         ; VideoModePtr
.next:  mov cx, [gs:bx]
        cmp cx, 0xFFFF
        je .no
        add bx, 2
        push gs
        push bx
        mov [found], cx
        mov di, MODE_INFO
        mov ax, 0x4F01
        int 0x10
        pop bx
        pop gs
        cmp ax, 0x004F
        jne .next
        mov ax, [MODE_INFO]             ; ModeAttributes: supported, LFB
        and ax, 0x81
        cmp ax, 0x81
        jne .next
        mov ax, [MODE_INFO + 18]
        cmp ax, [si]
        jne .next
        mov ax, [MODE_INFO + 20]
        cmp ax, [si + 2]
        jne .next
        movzx ax, byte [MODE_INFO + 25]
        cmp ax, [si + 4]
        jne .next
        clc
        ret
.no:    stc
        ret

; DAC i = (i & 3Fh, i >> 2, ~i & 3Fh) through ports 3C8h/3C9h.
palette:
        mov dx, 0x3C8
        xor al, al
        out dx, al
        inc dx
        xor cx, cx
.next:  mov al, cl
        and al, 0x3F
        out dx, al
        mov al, cl
        shr al, 2
        out dx, al
        mov al, cl
        not al
        and al, 0x3F
        out dx, al
        inc cx
        cmp cx, 256
        jb .next
        ret

; 800x600x32 through DISPI: disabled, geometry, enabled with the LFB, then a
; virtual width of 1024 and a Y offset of 8; the pattern fills 608 lines.
DISPI_W equ 800
DISPI_H equ 600
DISPI_VW equ 1024
DISPI_Y equ 8
dispi_mode:
        mov si, m_800x600x32            ; any mode's PhysBasePtr: the LFB
        call find_mode
        jc .missing
        mov eax, [MODE_INFO + 40]
        mov [lfb], eax
        mov dx, 0x1CE
        xor ax, ax                      ; the ID register
        out dx, ax
        inc dx
        in ax, dx
        cmp ax, 0xB0C0
        jb .noid
        cmp ax, 0xB0C5
        ja .noid
        mov si, dispi_regs
        mov cx, dispi_regs_n
.reg:   lodsw
        mov dx, 0x1CE
        out dx, ax
        lodsw
        inc dx
        out dx, ax
        loop .reg
        mov dword [width], DISPI_W
        mov dword [height], DISPI_H + DISPI_Y
        mov dword [pitch], DISPI_VW * 4
        mov dword [bytespp], 4
        call fill
        PUTS s_dispi
        jmp wait_key
.noid:  PUTS s_noid
        inc byte [cs:pxt_failures]
        ret
.missing:
        PUTS s_missing
        PUTS s_800
        PUTS pxt_nl
        inc byte [cs:pxt_failures]
        ret

; Index, value: the order bochs-drm writes them in.
dispi_regs:
        dw 4, 0                         ; ENABLE: off
        dw 3, 32                        ; BPP
        dw 1, DISPI_W                   ; XRES
        dw 2, DISPI_H                   ; YRES
        dw 5, 0                         ; BANK
        dw 6, DISPI_VW                  ; VIRT_WIDTH
        dw 8, 0                         ; X_OFFSET
        dw 9, 0                         ; Y_OFFSET
        dw 4, 0x41                      ; ENABLE: on, LFB
        dw 6, DISPI_VW                  ; VIRT_WIDTH again (enabling resets it)
        dw 9, DISPI_Y                   ; Y_OFFSET: the picture starts 8 lines down
dispi_regs_n equ ($ - dispi_regs) / 4

; Waits for a key (INT 16h).
wait_key:
        xor ah, ah
        int 0x16
        ret

; Fills [height] lines of [width] pixels of [bytespp] bytes at [lfb], [pitch]
; bytes apart, with the pattern, through FS in unreal mode.
fill:
        pushad
        call unreal
        xor ebp, ebp                    ; y
.row:   mov edi, ebp
        imul edi, [pitch]
        add edi, [lfb]
        xor esi, esi                    ; x
.px:    imul eax, esi, K_X
        imul edx, ebp, K_Y
        add eax, edx
        mov cx, [bytespp]
.byte:  mov [fs:edi], al
        inc edi
        shr eax, 8
        loop .byte
        inc esi
        cmp esi, [width]
        jb .px
        inc ebp
        cmp ebp, [height]
        jb .row
        popad
        ret

; FS: base 0, limit 4 GiB, kept in real mode (a BIOS call may reload it, so
; every fill enters it again).
unreal:
        cli
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp short .pm
.pm:    mov bx, 0x08
        mov fs, bx
        and al, 0xFE
        mov cr0, eax
        jmp short .rm
.rm:    xor bx, bx
        mov fs, bx
        sti
        ret

        align 8
gdt:    dq 0
        dw 0xFFFF, 0, 0x9200, 0x00CF    ; flat data, 4 GiB
gdt_desc:
        dw $ - gdt - 1
        dd gdt

found:   dw 0
width:   dd 0
height:  dd 0
pitch:   dd 0
lfb:     dd 0
bytespp: dd 0

m_640x480x8:   dw 640, 480, 8, 1
               db "640x480x8", 0
m_800x600x8:   dw 800, 600, 8, 0
               db "800x600x8", 0
m_800x600x16:  dw 800, 600, 16, 0
               db "800x600x16", 0
m_1024x768x32: dw 1024, 768, 32, 0
               db "1024x768x32", 0
m_640x480x24:  dw 640, 480, 24, 0
               db "640x480x24", 0
m_800x600x32:  dw 800, 600, 32, 0
s_800:         db "800x600x32", 0
s_vbe:     db "vbe ", 0
s_drawn:   db " drawn", 10, 0
s_dispi:   db "dispi 800x600x32 drawn", 10, 0
s_missing: db "FAIL no VBE mode with a linear framebuffer: ", 0
s_setfail: db "FAIL 4F02h did not set ", 0
s_noid:    db "FAIL DISPI ID register: no B0C0h-B0C5h", 10, 0

SECTORS equ ($ - stage2 + 511) / 512
