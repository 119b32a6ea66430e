; bench_cpu.asm: the fixed real-mode CPU workload for `pxos bench cpu` and
; bench/cpu_compare.sh. A boot sector (load at 0000:7C00), stand-alone.
;
; Each iteration mixes ALU ops, loads and stores, a short REP MOVSW, a far call
; and conditional branches. It writes 'S' to port 0xE9 at the start and 'D' at the
; end, then writes 0 to port 0xF4 (QEMU's isa-debug-exit) and halts.
; The iteration count is the dword at offset 4 so scripts can patch it.
bits 16
org 0x7C00

        jmp short start
        nop
        nop
iterations: dd 2000000

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7000              ; stack in the page below the code page
        cld
        mov al, 'S'
        out 0xE9, al
        mov ebp, [iterations]
        xor bx, bx
        xor dx, dx
        xor di, di
        test ebp, ebp
        jz done

main_loop:
        ; ALU
        mov ax, bp
        add ax, 1234
        xor bx, ax
        and bx, 0x0FFF
        sub cx, bx
        shl ax, 3
        inc dx
        adc dx, ax
        ; loads and stores (data page at 0x8000)
        mov si, bx
        and si, 0x3FE
        mov [0x8000 + si], ax
        add di, [0x8000 + si]
        ; string move: 16 words
        push di
        mov si, 0x8000
        mov di, 0x9000
        mov cx, 16
        rep movsw
        pop di
        ; far call
        call 0x0000:far_func
        ; branches
        test al, 1
        jz .even
        inc bx
.even:
        cmp bx, 100
        ja .big
        dec bx
.big:
        dec ebp
        jnz main_loop

done:
        mov al, 'D'
        out 0xE9, al
        xor al, al
        out 0xF4, al                ; QEMU isa-debug-exit (ignored elsewhere)
.halt:
        cli
        hlt
        jmp .halt

far_func:
        push ax
        mov ax, [0x8800]
        add ax, dx
        mov [0x8800], ax
        pop ax
        retf

        times 510 - ($ - $$) db 0
        dw 0xAA55
