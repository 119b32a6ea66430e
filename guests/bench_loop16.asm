; bench_loop16.asm: a real-mode loop of the instructions DOS programs are made of, for
; `pxos bench cpu --bin` and bench/jit_compare.sh (beside QEMU TCG). A boot sector (load at
; 0000:7C00), stand-alone: no BIOS, no port I/O in the loop.
;
; Each iteration: 16- and 8-bit ALU ops (MOV ADD SUB AND OR XOR CMP INC DEC SHL SHR), loads
; and stores through [BX+SI+disp], [BP+disp] (stack segment) and ES: overrides, an inner
; LODSB/STOSW loop run by LOOP, a near CALL of a function with a BP frame and arguments on
; the stack, PUSH/POP and conditional jumps. No REP, no far transfers.
;
; It writes 'S' to port E9h at the start and 'D' at the end of the loop, then a checksum of
; its work (registers and every byte it wrote) as 8 lowercase hex digits and a line feed,
; then writes 0 to port F4h (QEMU's isa-debug-exit) and halts. The same iteration count
; gives the same checksum on every correct x86. The iteration count is the dword at offset 4.
bits 16
org 0x7C00

; Data lives in the pages above the code's page (a store to the code's own page would be
; self-modifying code to a translator), the stack in the page below it.
TABLE   equ 0x8000              ; DS:TABLE, 512 bytes: the table the loop reads and writes
count   equ 0x8400              ; dword: iterations left
sum     equ 0x8404              ; dword: the running checksum
seed    equ 0x8408              ; word: the pseudo-random state
ES_SEG  equ 0x1000              ; ES: 1000h, a second 512-byte buffer at ES:0
STACK   equ 0x7000

        jmp short start
        nop
        nop
iterations: dd 1000000

start:
        cli
        cld
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, STACK
        mov ax, ES_SEG
        mov es, ax
        mov al, 'S'
        out 0xE9, al

        ; The table and the ES buffer, filled with a deterministic pattern (memory starts
        ; out different on different machines).
        xor bx, bx
        mov ax, 0x1234
.fill:  mov [TABLE + bx], ax
        mov [es:bx], ax
        add ax, 0x9E37
        rol ax, 3
        add bx, 2
        cmp bx, 512
        jb .fill

        mov ax, [iterations]
        mov [count], ax
        mov ax, [iterations + 2]
        mov [count + 2], ax
        xor ax, ax
        mov [sum], ax
        mov [sum + 2], ax
        mov word [seed], 0xACE1
        xor bx, bx
        xor cx, cx
        xor dx, dx
        xor si, si
        xor di, di
        xor bp, bp
        mov ax, [count]
        or ax, [count + 2]
        jz done

main_loop:
        push bp
        mov bp, sp
        sub sp, 6               ; three locals at [bp-2], [bp-4], [bp-6]

        ; A pseudo-random word from the seed: shifts, XOR, ADD.
        mov ax, [seed]
        mov bx, ax
        shl bx, 1
        xor ax, bx
        mov bx, ax
        shr bx, 3
        xor ax, bx
        add ax, 0x3039
        mov [seed], ax
        mov [bp-2], ax

        ; [BX+SI+disp] loads and stores on the table.
        mov bx, ax
        and bx, 0x00F0          ; a row of 16 bytes
        mov si, ax
        shr si, 8
        and si, 0x000E          ; a word in the row
        mov cx, [TABLE + bx + si]
        add cx, ax
        mov [TABLE + bx + si + 0x100], cx
        sub dx, cx
        xor dx, [TABLE + bx + si + 2]
        mov [bp-4], dx

        ; 8-bit registers.
        mov al, cl
        add al, ch
        xor ah, dl
        or ah, 1
        and al, 0x7F
        cmp al, 0x40
        jb .low
        inc dh
        sub al, 0x20
.low:   dec dl
        mov [bp-6], ax

        ; ES: loads and stores.
        mov di, bx
        add di, si
        mov ax, [es:di]
        add ax, [bp-2]
        mov [es:di + 0x100], ax
        xor ax, [es:di + 4]
        cmp ax, dx
        jae .above
        add [sum], ax
        adc word [sum + 2], 0
        jmp .next
.above: sub [sum], ax
        sbb word [sum + 2], 0
.next:
        ; LODSB from the table, STOSW to ES, eight times, by LOOP.
        mov si, bx
        add si, TABLE
        mov di, bx
        shr di, 1
        add di, 0x100
        mov cx, 8
        mov dx, [bp-4]
.copy:  lodsb
        add al, dl
        mov ah, cl
        xor ah, al
        stosw
        add dl, al
        loop .copy

        ; A near call: two arguments on the stack, a BP frame in the callee.
        push word [bp-6]
        push dx
        call mix
        add sp, 4
        add [sum], ax
        adc [sum + 2], dx
        mov dx, ax

        ; Signed and unsigned branches on the results.
        mov ax, [bp-2]
        test ax, 0x0100
        jz .even
        inc word [sum]
.even:  cmp ax, dx
        jl .less
        jg .greater
        xor dx, 0x5555
        jmp .compared
.less:  or dx, 0x0101
        jmp .compared
.greater:
        and dx, 0xFEFE
.compared:
        mov sp, bp
        pop bp
        inc bp                  ; BP counts the iterations (mod 64 Ki) between frames

        ; The 32-bit iteration count, as 16-bit code keeps one: SUB/SBB on two words.
        sub word [count], 1
        sbb word [count + 2], 0
        mov ax, [count]
        or ax, [count + 2]
        jnz main_loop

done:
        mov al, 'D'
        out 0xE9, al
        ; The checksum (in 32-bit registers: the loop is done): the running sum, DX and BP,
        ; then every word of the table and of the ES buffer, folded in as sum = sum * 33 + word.
        mov eax, [sum]
        movzx ecx, dx
        add eax, ecx
        movzx ecx, bp
        add eax, ecx
        xor bx, bx
.fold:  imul eax, eax, 33
        movzx ecx, word [TABLE + bx]
        add eax, ecx
        imul eax, eax, 33
        movzx ecx, word [es:bx]
        add eax, ecx
        add bx, 2
        cmp bx, 512
        jb .fold
        mov cx, 8               ; eight lowercase hex digits, then a line feed
.digit: rol eax, 4
        push ax
        mov bx, ax
        and bx, 0x0F
        mov al, [hex_digits + bx]
        out 0xE9, al
        pop ax
        loop .digit
        mov al, 10
        out 0xE9, al
        xor al, al
        out 0xF4, al            ; QEMU isa-debug-exit (ignored elsewhere)
.halt:  cli
        hlt
        jmp .halt

; ax = mix(arg0 = [bp+4], arg1 = [bp+6]); dx = arg0 XOR result.
mix:
        push bp
        mov bp, sp
        push bx
        mov ax, [bp+4]
        mov bx, [bp+6]
        add ax, bx
        shl bx, 1
        sub ax, bx
        xor ax, 0x2468
        mov dx, [bp+4]
        xor dx, ax
        pop bx
        pop bp
        ret

hex_digits: db "0123456789abcdef"

        times 510 - ($ - $$) db 0
        dw 0xAA55
