; dos_exit: a DOS .COM program that ends the run: it writes 0 to the exit
; port (pxOS's port F4h; QEMU's isa-debug-exit at F4h). bench/boot.sh runs
; it at the end of AUTOEXEC.BAT to time a boot to the DOS prompt.
        bits 16
        org 0x100
        xor al, al
        out 0xF4, al
        mov ax, 0x4C00
        int 0x21
