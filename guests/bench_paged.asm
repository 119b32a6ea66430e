; bench_paged.asm: the CPU workload of `pxos bench cpu --paged`: the loop of
; bench_cpu.asm in 32-bit protected mode with paging on (the low 4 MiB
; identity-mapped with 4 KiB pages), as a Linux kernel runs. A boot sector
; (load at 0000:7C00), stand-alone.
;
; Each iteration mixes ALU ops, loads and stores, a 16-dword REP MOVSD, a far
; call and conditional branches. It writes 'S' to port 0xE9 at the start and 'D'
; at the end, then writes 0 to port 0xF4 and halts.
; The iteration count is the dword at offset 4 so scripts can patch it.
bits 16
org 0x7C00

PD      equ 0x20000                 ; page directory
PT      equ 0x21000                 ; the page table of the low 4 MiB

        jmp short start
        nop
        nop
iterations: dd 2000000

start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm32

bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        ; page tables: PDE 0 -> PT, PT identity-maps 0-4 MiB (present, writable)
        mov edi, PD
        xor eax, eax
        mov ecx, 2048
        rep stosd
        mov dword [PD], PT | 3
        mov edi, PT
        mov eax, 3
        mov ecx, 1024
.fill:  stosd
        add eax, 0x1000
        loop .fill
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .paged
.paged:
        cld
        mov al, 'S'
        out 0xE9, al
        mov ebp, [iterations]
        xor ebx, ebx
        xor edx, edx
        xor edi, edi
        test ebp, ebp
        jz done

main_loop:
        ; ALU
        mov eax, ebp
        add eax, 1234
        xor ebx, eax
        and ebx, 0x0FFF
        sub ecx, ebx
        shl eax, 3
        inc edx
        adc edx, eax
        ; loads and stores (data page at 0x8000)
        mov esi, ebx
        and esi, 0x3FC
        mov [0x8000 + esi], eax
        add edi, [0x8000 + esi]
        ; string move: 16 dwords
        push edi
        mov esi, 0x8000
        mov edi, 0x9000
        mov ecx, 16
        rep movsd
        pop edi
        ; far call
        call 0x08:far_func
        ; branches
        test al, 1
        jz .even
        inc ebx
.even:
        cmp ebx, 100
        ja .big
        dec ebx
.big:
        dec ebp
        jnz main_loop

done:
        mov al, 'D'
        out 0xE9, al
        xor al, al
        out 0xF4, al
.halt:
        cli
        hlt
        jmp .halt

far_func:
        push eax
        mov eax, [0x8800]
        add eax, edx
        mov [0x8800], eax
        pop eax
        retf

align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF       ; 08h: flat 32-bit code
        dq 0x00CF92000000FFFF       ; 10h: flat data
gdt_desc:
        dw gdt_desc - gdt - 1
        dd gdt

        times 510 - ($ - $$) db 0
        dw 0xAA55
