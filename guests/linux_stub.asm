; linux_stub: a tiny bzImage (boot protocol 2.15) whose "kernel" checks what
; the loader handed it, through both ways in (tests/linux/CMakeLists.txt):
;   - the real-mode setup (default): at seg+20h:0 with DS=ES=SS=seg, the
;     loader's header fields filled in, the command line at cmd_line_ptr,
;     E820 from the BIOS; then it counts its boots in CMOS byte 40h and
;     resets the machine once through the keyboard controller (64h <- FEh):
;     the loader must run again at the next POST.
;   - the 32-bit entry (--boot-protocol 32): flat CS=10h, DS=18h, paging
;     and interrupts off, ESI = the zero page with the header and E820.
; Each prints the command line on the debug console and reports through
; port F4h: 0 when every check passed, else the number of the failed check.
        bits 16
        org 0
KSIZE   equ pm_end - pm_start
SECTS   equ 4

        times 0x1F1 - ($ - $$) db 0
        db SECTS                ; 1F1 setup_sects
        dw 0                    ; 1F2 root_flags
        dd KSIZE / 16           ; 1F4 syssize
        dw 0                    ; 1F8 ram_size
        dw 0xFFFF               ; 1FA vid_mode
        dw 0                    ; 1FC root_dev
        dw 0xAA55               ; 1FE boot_flag
        jmp short setup         ; 200 the setup's entry; its offset gives the header's length
        db "HdrS"               ; 202
        dw 0x020F               ; 206 version
        dd 0                    ; 208 realmode_swtch
        dw 0                    ; 20C start_sys_seg
        dw 0                    ; 20E kernel_version
        db 0                    ; 210 type_of_loader
        db 0x01                 ; 211 loadflags: LOADED_HIGH
        dw 0                    ; 212 setup_move_size
        dd 0x100000             ; 214 code32_start
        dd 0                    ; 218 ramdisk_image
        dd 0                    ; 21C ramdisk_size
        dd 0                    ; 220 bootsect_kludge
        dw 0                    ; 224 heap_end_ptr
        db 0, 0                 ; 226 ext_loader_ver, ext_loader_type
        dd 0                    ; 228 cmd_line_ptr
        dd 0x37FFFFFF           ; 22C initrd_addr_max
        dd 0x1000               ; 230 kernel_alignment
        db 0, 0                 ; 234 relocatable_kernel, min_alignment
        dw 0                    ; 236 xloadflags
        dd 255                  ; 238 cmdline_size
        dd 0                    ; 23C hardware_subarch
        dq 0                    ; 240 hardware_subarch_data
        dd 0, 0                 ; 248 payload_offset, payload_length
        dq 0                    ; 250 setup_data
        dq 0x100000             ; 258 pref_address
        dd 0x10000              ; 260 init_size
        dd 0                    ; 264 handover_offset

; Real mode. CS:0 is file offset 200h; data is read through DS (offset = file offset).
%macro FAIL16 1
        mov al, %1
        jmp near fail16
%endmacro
setup:
        cli
        mov ax, ds
        mov bx, es
        cmp ax, bx
        je .c1
        FAIL16 1
.c1:    mov bx, ss
        cmp ax, bx
        je .c2
        FAIL16 2
.c2:    add ax, 0x20
        mov bx, cs
        cmp ax, bx
        je .c3
        FAIL16 3
.c3:    cmp byte [0x210], 0xFF          ; type_of_loader
        je .c4
        FAIL16 4
.c4:    test byte [0x211], 0x80         ; CAN_USE_HEAP
        jnz .c5
        FAIL16 5
.c5:    cmp word [0x224], 0             ; heap_end_ptr
        jne .c6
        FAIL16 6
.c6:    cmp sp, [0x224]                 ; the stack above the heap
        ja .c7
        FAIL16 7
.c7:    ; E820 entry 0: usable RAM from 0
        push es
        push ds
        pop es
        mov di, buf16
        xor ebx, ebx
        mov eax, 0xE820
        mov ecx, 20
        mov edx, 0x534D4150
        int 0x15
        pop es
        jnc .c8
        FAIL16 8
.c8:    cmp eax, 0x534D4150
        je .c9
        FAIL16 9
.c9:    cmp dword [buf16 + 16], 1
        je .c10
        FAIL16 10
.c10:   ; the command line, at cmd_line_ptr (below 1 MiB), to the debug console
        mov eax, [0x228]
        test eax, eax
        jnz .c11
        FAIL16 11
.c11:   push ds
        mov esi, eax
        and si, 0x000F
        shr eax, 4
        mov ds, ax
.print: lodsb
        test al, al
        jz .printed
        out 0xE9, al
        jmp .print
.printed:
        pop ds
        mov al, 10
        out 0xE9, al
        ; boot count in CMOS 40h: reset once, then report success
        mov al, 0x40
        out 0x70, al
        in al, 0x71
        inc al
        mov ah, al
        mov al, 0x40
        out 0x70, al
        mov al, ah
        out 0x71, al
        cmp ah, 2
        jae .done
        mov al, 0xFE                    ; pulse the reset line
        out 0x64, al
.hang:  hlt
        jmp .hang
.done:  xor al, al
fail16: out 0xF4, al
        cli
        hlt
buf16:  times 24 db 0

        times (SECTS + 1) * 512 - ($ - $$) db 0

; The protected-mode "kernel", loaded at 100000h.
        bits 32
pm_start:
%define PM(x) ((x) - pm_start + 0x100000)
%macro FAIL32 1
        mov al, %1
        jmp fail32
%endmacro
        mov ax, cs
        cmp ax, 0x10
        je .k1
        FAIL32 21
.k1:    mov ax, ds
        cmp ax, 0x18
        je .k2
        FAIL32 22
.k2:    mov ax, ss
        cmp ax, 0x18
        je .k3
        FAIL32 23
.k3:    mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1
        je .k4
        FAIL32 24
.k4:    pushfd
        pop eax
        test eax, 0x200
        jz .k5
        FAIL32 25
.k5:    test ebp, ebp
        jnz .k5f
        test edi, edi
        jnz .k5f
        test ebx, ebx
        jz .k6
.k5f:   FAIL32 26
.k6:    cmp dword [esi + 0x202], 'HdrS'
        je .k7
        FAIL32 27
.k7:    cmp byte [esi + 0x210], 0xFF
        je .k8
        FAIL32 28
.k8:    cmp byte [esi + 0x1E8], 2       ; at least two E820 entries
        jae .k9
        FAIL32 29
.k9:    cmp dword [esi + 0x2D0 + 20 + 16], 0   ; entries have a type
        jne .k10
        FAIL32 30
.k10:   cmp byte [esi + 0x1F1], SECTS   ; the header copied from the image
        je .k11
        FAIL32 31
.k11:   mov edx, [esi + 0x228]          ; the command line
        test edx, edx
        jnz .k12
        FAIL32 32
.k12:   mov al, [edx]
        test al, al
        jz .k13
        out 0xE9, al
        inc edx
        jmp .k12
.k13:   mov al, 10
        out 0xE9, al
        xor al, al
fail32: out 0xF4, al
        cli
        hlt
        align 16
pm_end:
