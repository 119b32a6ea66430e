; bench_loop32.asm: a flat 32-bit protected-mode loop of the kind C compilers emit for i386
; at -O2, for `pxos bench cpu --bin` and bench/jit_compare.sh (beside QEMU TCG). A boot
; sector (load at 0000:7C00), stand-alone: it enters protected mode itself (a GDT with flat
; code and data, no paging, no IDT: interrupts stay off) and uses no BIOS.
;
; Each iteration: an array walk through [base+index*4+disp] with MOVZX byte loads and LEA
; arithmetic, a call of a small function with a frame (PUSH EBP / MOV EBP,ESP, arguments
; on the stack) that uses IMUL, SAR and SHL, CMP/SETcc, a read-modify-write of the array
; and, every fourth iteration, a switch: JMP [table+ECX*4].
;
; It writes 'S' to port E9h at the start and 'D' at the end of the loop, then a checksum of
; its work (every dword of its data) as 8 lowercase hex digits and a line feed, then writes
; 0 to port F4h (QEMU's isa-debug-exit) and halts. The same iteration count gives the same
; checksum on every correct x86. The iteration count is the dword at offset 4.
bits 16
org 0x7C00

; The data, in pages of their own above the code (all below 1 MiB: the A20 gate plays no
; part). The stack grows down from STACK_TOP.
ARR       equ 0x10000           ; int arr[1024]
BYTES     equ 0x11000           ; unsigned char bytes[4096]
OUTA      equ 0x12000           ; int out[1025]
VARS      equ 0x13400           ; int acc[4]
DATA_END  equ 0x13410
STACK_TOP equ 0x20000

        jmp short start
        nop
        nop
iterations: dd 1000000

start:
        cli
        cld
        xor ax, ax
        mov ds, ax
        mov al, 'S'
        out 0xE9, al
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm_entry

bits 32
pm_entry:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, STACK_TOP

        ; Every dword of the data from a linear congruential generator, then acc[] = 0
        ; (memory starts out different on different machines).
        mov edi, ARR
        mov eax, 12345
.fill:  imul eax, eax, 1103515245
        add eax, 12345
        stosd
        cmp edi, DATA_END
        jb .fill
        xor eax, eax
        mov [VARS], eax
        mov [VARS + 4], eax
        mov [VARS + 8], eax
        mov [VARS + 12], eax

        mov esi, [iterations]
        xor edi, edi            ; i
        test esi, esi
        jz done

main_loop:
        ; for (k = i*8 & 1016; k & 7 || first; k++) { t = arr[k]*3 + 7 + bytes[2k+1]; out[k+1] = t; s += t; }
        lea ecx, [edi*8]
        and ecx, 1016
        xor edx, edx
.walk:  mov eax, [ARR + ecx*4]
        movzx ebx, byte [BYTES + ecx*2 + 1]
        lea eax, [eax + eax*2 + 7]
        add eax, ebx
        mov [OUTA + ecx*4 + 4], eax
        add edx, eax
        inc ecx
        test ecx, 7
        jnz .walk

        ; r = mix(s, i)
        push edi
        push edx
        call mix
        add esp, 8

        ; acc[0] += (r > s), acc[1] += (r < s unsigned)
        cmp eax, edx
        setg bl
        setb cl
        movzx ebx, bl
        movzx ecx, cl
        add [VARS], ebx
        add [VARS + 4], ecx

        ; arr[i & 1023] = (arr[i & 1023] >> 1) ^ r;  bytes[i*9 & 4095] = r
        mov ecx, edi
        and ecx, 1023
        mov ebx, [ARR + ecx*4]
        sar ebx, 1
        xor ebx, eax
        mov [ARR + ecx*4], ebx
        lea ecx, [edi + edi*8]
        and ecx, 4095
        mov [BYTES + ecx], al

        ; every fourth iteration: switch ((i >> 2) & 3)
        test edi, 3
        jnz .next
        mov ecx, edi
        shr ecx, 2
        and ecx, 3
        jmp [switch_table + ecx*4]
.case0: add [VARS + 8], eax
        jmp .next
.case1: imul ebx, eax, 5
        sub [VARS + 12], ebx
        jmp .next
.case2: xor [VARS + 8], edx
        jmp .next
.case3: lea ebx, [eax + edx*2]
        add [VARS + 12], ebx
.next:
        inc edi
        dec esi
        jnz main_loop

done:
        mov al, 'D'
        out 0xE9, al
        ; The checksum: every dword from ARR to DATA_END, h = h * 33 + dword.
        mov esi, ARR
        xor edx, edx
.fold:  imul edx, edx, 33
        lodsd
        add edx, eax
        cmp esi, DATA_END
        jb .fold
        mov ecx, 8              ; eight lowercase hex digits, then a line feed
.digit: rol edx, 4
        mov ebx, edx
        and ebx, 0x0F
        mov al, [hex_digits + ebx]
        out 0xE9, al
        loop .digit
        mov al, 10
        out 0xE9, al
        xor al, al
        out 0xF4, al            ; QEMU isa-debug-exit (ignored elsewhere)
.halt:  cli
        hlt
        jmp .halt

; int mix(int a, int b) { int t = a * b + (a >> 3); return t ^ (b << 2); }
mix:
        push ebp
        mov ebp, esp
        push ebx
        mov eax, [ebp + 8]
        mov ebx, [ebp + 12]
        imul eax, ebx
        mov ecx, [ebp + 8]
        sar ecx, 3
        add eax, ecx
        shl ebx, 2
        xor eax, ebx
        pop ebx
        pop ebp
        ret

        align 4
switch_table: dd main_loop.case0, main_loop.case1, main_loop.case2, main_loop.case3
hex_digits: db "0123456789abcdef"
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF   ; 08h: code, base 0, limit 4 GiB, 32-bit
        dq 0x00CF92000000FFFF   ; 10h: data, base 0, limit 4 GiB
gdt_desc:
        dw gdt_desc - gdt - 1
        dd gdt

        times 510 - ($ - $$) db 0
        dw 0xAA55
