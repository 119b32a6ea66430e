; pm_vm86: virtual-8086 mode (Intel SDM vol. 3, chapter 20), without VME.
; Enters VM86 by a 32-bit IRET at CPL 0 and by a task switch, runs 8086 code
; there (32-bit arithmetic too, against the same loop at ring 0) and checks
; the way back to ring 0: the frame (GS FS DS ES SS ESP EFLAGS CS EIP on the
; TSS's ring-0 stack), the data segments nulled, #GP(selector) for a gate to
; code that is not non-conforming ring 0, a task gate out and IRET back; the
; IOPL-sensitive instructions (#GP(0) under IOPL 0, real-mode behaviour under
; IOPL 3), INT n reflected to the real-mode IVT by a #GP monitor (as EMM386
; does, IRET emulated too) and so to BIOS services (INT 12h; INT 13h on pxOS's
; BIOS) with pages remapped, a timer IRQ taken in VM86, the TSS's I/O bitmap
; (checked whatever the IOPL), the 64 KiB segment limit and the 16-bit offset
; wrap, #PF with U/S from VM86 code, and CR4.VME refused when CPUID lacks VME.
; Run: pxos run --boot-sector pm_vm86.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        mov al, 0xFF                    ; every IRQ masked until the timer check
        out 0x21, al
        out 0xA1, al
        PM_ENTER

VM_TSS  equ GDT_FREE                    ; a 32-bit TSS whose EFLAGS has VM set
VCS     equ 0x0000                      ; VM86 code runs at 0000:label
VDS     equ 0x3000
VES     equ 0x3100
VFS     equ 0x3200
VGS     equ 0x3300
VSS     equ 0x4000
VSP     equ 0xFF00
EFL_VM  equ 0x20000
EFL_IF  equ 0x200
IOPL3   equ 0x3000
VEC_MON equ 0x60                        ; the INT the monitor reflects to the IVT
VEC_IRQ0 equ 0x20                       ; the timer, once the PIC is moved there

TG_TSS  equ GDT_FREE + 8                ; a ring-0 task, reached from VM86 by a task gate
KCONF   equ GDT_FREE + 16               ; conforming ring-0 code
VEC_TG  equ 0x42

%macro PM_GDT_EXTRA 0
        DESC ABS(vm_tss), vm_tss_end - vm_tss - 1, 0x89, 0    ; VM_TSS
        DESC ABS(tg_tss), 103, 0x89, 0                        ; TG_TSS
        DESC 0, 0xFFFFF, 0x9E, 0xC                            ; KCONF
%endmacro

; IN_VM86 label, eflags: a 32-bit IRET to VCS:label in virtual-8086 mode with
; the given EFLAGS (VM added), the VM86 segments and stack above.
%macro IN_VM86 2
        push dword VGS
        push dword VFS
        push dword VDS
        push dword VES
        push dword VSS
        push dword VSP
        push dword (%2) | EFL_VM | 2
        push dword VCS
        push dword %1
        iret
%endmacro

; EXPECT_FRAME32 offset, value, "message": a dword of the last event's frame
; (0 EIP, 4 CS, 8 EFLAGS, 12 ESP, 16 SS, 20 ES, 24 DS, 28 FS, 32 GS).
%macro EXPECT_FRAME32 3
        mov eax, [pm_f_frame]
        mov eax, [eax + (%1)]
        EXPECT_EQ eax, %2, %3
%endmacro

pm_main:
        PM_PUTS s_hello
        call remap_pic
        SET_GATE 13, monitor_gp, 0x8E00
        mov dword [VEC_MON * 4], vm_int60        ; IVT: INT 60h -> 0000:vm_int60
        mov word [VDS * 16], 0xA55A              ; DS:0, for the wrap check

; --- IRET into VM86, 8086 code, INT 30h back through the IDT (IOPL 3) --------------
t_run:  TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:     mov ax, ds
        mov bx, ss
        mov cx, es
        mov [0x10], bx                  ; DS:10h = 30010h
        mov [es:0x12], cx               ; ES:12h = 31012h
        push word 0x5A5A
        pop dx
        mov [0x14], dx
        mov si, cs
        mov [0x16], si
        add ax, 1                       ; EAX: 3001h
.x:     int RING3_RET
        bits 32
        ENDTRY
        EXPECT_FAULT RING3_RET, NOERR, t_run.x + 2, VCS, "VM86: IRET in, INT 30h out through a DPL 3 gate"
        EXPECT_EQ [pm_f_eax], VDS + 1, "  DS was loaded as in real mode"
        movzx eax, word [0x30010]
        EXPECT_EQ eax, VSS, "  SS as IRET loaded it"
        movzx eax, word [0x31012]
        EXPECT_EQ eax, VES, "  ES as IRET loaded it, an ES-relative store"
        EXPECT_EQ [0x30014], 0x5A5A | (VCS << 16), "  PUSH/POP on the VM86 stack, CS"
        EXPECT_EQ [pm_f_frame], KSTACK1 - 36, "  frame of 9 dwords on the TSS's ring-0 stack"
        EXPECT_FRAME32 12, VSP, "  frame: VM86 ESP"
        EXPECT_FRAME32 16, VSS, "  frame: VM86 SS"
        EXPECT_FRAME32 20, VES, "  frame: ES"
        EXPECT_FRAME32 24, VDS, "  frame: DS"
        EXPECT_FRAME32 28, VFS, "  frame: FS"
        EXPECT_FRAME32 32, VGS, "  frame: GS"
        mov eax, [pm_f_efl]
        and eax, EFL_VM | IOPL3
        EXPECT_EQ eax, EFL_VM | IOPL3, "  frame: EFLAGS with VM and IOPL 3"
        EXPECT_EQ [pm_f_ds], 0, "  DS is null in the handler"

; --- 32-bit register arithmetic in VM86 (forms the soft engine translates), FS per access
; MIX_LOOP disp: a loop whose result is in EAX; the FS-relative dword at `disp`.
%macro MIX_LOOP 1
        mov ecx, 1000
        mov eax, 7
        mov ebx, 0x12345
%%l:    add eax, ebx
        imul eax, eax, 5
        xor eax, ecx
        shl ebx, 3
        and ebx, 0xFFFFF
        mov [fs:dword %1], eax
        mov edx, [fs:dword %1]
        add edx, ecx
        sub eax, edx
        inc eax
        dec ecx
        jnz %%l
%endmacro
t_mix:  TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:     MIX_LOOP 0x70
        int RING3_RET
        bits 32
        ENDTRY
        push fs
        mov ax, KDATA
        mov fs, ax
        MIX_LOOP (VFS * 16 + 0x70)
        pop fs
        mov [mix_want], eax
        EXPECT_VEC RING3_RET, NOERR, "VM86: a loop of 32-bit arithmetic (operand-size prefixes)"
        EXPECT_EQ [pm_f_eax], [mix_want], "  the same result as at ring 0"

; --- IOPL-sensitive instructions under IOPL 0: #GP(0) -----------------------------
%macro SENSITIVE 2
t_%1:   TRY
        IN_VM86 .v, 0
        bits 16
.v:     nop
.f:     %1
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0, t_%1.f, VCS, %2
%endmacro
        SENSITIVE cli, "IOPL 0: CLI is #GP(0)"
        SENSITIVE sti, "IOPL 0: STI is #GP(0)"
        SENSITIVE pushf, "IOPL 0: PUSHF is #GP(0)"
        SENSITIVE popf, "IOPL 0: POPF is #GP(0)"
        SENSITIVE iret, "IOPL 0: IRET is #GP(0)"
t_int0: TRY
        IN_VM86 .v, 0
        bits 16
.v:
.f:     int RING3_RET                   ; not through the IDT: #GP(0) to the monitor
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0, t_int0.f, VCS, "IOPL 0: INT n is #GP(0), even to a DPL 3 gate"
t_int3: TRY
        IN_VM86 .v, 0
        bits 16
.v:
.f:     int3                            ; not IOPL-sensitive: the gate's DPL 0 decides
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 3 * 8 + 2, t_int3.f, VCS, "IOPL 0: INT3 to a DPL 0 gate is #GP(vector)"

; --- the same under IOPL 3: they work as in real mode ------------------------------
t_iopl3: TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:     cli
        pushf
        pop word [0x20]                 ; IF 0, IOPL 3
        sti
        pushf
        pop word [0x22]                 ; IF 1
        push word 0x0000
        popf                            ; IOPL stays 3, IF cleared
        pushf
        pop word [0x24]
        pushfd
        pop dword [0x28]                ; the image has no VM
        pushf
        push cs
        push word .after
        iret                            ; real-mode IRET
        hlt                             ; (#GP if the IRET did not jump)
.after: mov ax, 0x600D
        int RING3_RET
        bits 32
        ENDTRY
        EXPECT_VEC RING3_RET, NOERR, "IOPL 3: CLI STI PUSHF POPF IRET run, INT 30h goes to ring 0"
        EXPECT_EQ [pm_f_eax], 0x600D, "  IRET returned to its CS:IP"
        movzx eax, word [0x30020]
        and eax, IOPL3 | EFL_IF
        EXPECT_EQ eax, IOPL3, "  after CLI: IF 0, IOPL 3"
        movzx eax, word [0x30022]
        and eax, IOPL3 | EFL_IF
        EXPECT_EQ eax, IOPL3 | EFL_IF, "  after STI: IF 1"
        movzx eax, word [0x30024]
        and eax, IOPL3 | EFL_IF
        EXPECT_EQ eax, IOPL3, "  POPF of 0: IF 0, IOPL unchanged"
        mov eax, [0x30028]
        and eax, EFL_VM
        EXPECT_EQ eax, 0, "  PUSHFD's image has VM clear"
t_int40: TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:
.f:     int 0x40                        ; a DPL 0 gate
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0x40 * 8 + 2, t_int40.f, VCS, "IOPL 3: INT 40h to a DPL 0 gate is #GP(vector)"
t_ring3: TRY
        SET_GATE 0x41, pm_r3_exit, 0xEE00
        mov word [pm_idt + 0x41 * 8 + 2], UCODE | 3
        IN_VM86 .v, IOPL3
        bits 16
.v:
.f:     int 0x41                        ; a DPL 3 gate to ring-3 code
        bits 32
        ENDTRY
        EXPECT_FAULT 13, UCODE, t_ring3.f, VCS, "INT n to a gate whose code is not ring 0: #GP(selector)"

t_conf: TRY
        SET_GATE 0x43, pm_r3_exit, 0xEE00
        mov word [pm_idt + 0x43 * 8 + 2], KCONF
        IN_VM86 .v, IOPL3
        bits 16
.v:
.f:     int 0x43                        ; a DPL 3 gate to conforming ring-0 code
        bits 32
        ENDTRY
        EXPECT_FAULT 13, KCONF, t_conf.f, VCS, "INT n to a gate whose code is conforming: #GP(selector)"

; --- INT n reflected to the real-mode IVT by the #GP monitor (IOPL 0) --------------
t_refl: TRY
        mov byte [mon_on], 1
        IN_VM86 .v, 0
        bits 16
.v:     mov ax, 0x1234
        int VEC_MON                     ; -> monitor -> 0000:vm_int60 -> IRET -> monitor
        mov [0x30], ax
        mov [0x32], sp
.x:     int RING3_RET                   ; the monitor's way out
        bits 32
        ENDTRY
        mov byte [mon_on], 0
        EXPECT_FAULT RING3_RET, NOERR, t_refl.x, VCS, "monitor: INT 60h reflected to the IVT handler and back"
        EXPECT_EQ [0x30030], 0x1235 | (VSP << 16), "  the handler ran on the VM86 stack, which is balanced"
        EXPECT_EQ [mon_count], 0x00010001, "  one INT and one IRET emulated"

; --- the TSS's I/O bitmap, whatever the IOPL ---------------------------------------
        PM_IO_ALLOW 0x21
        PM_IO_ALLOW 0x80
%macro IO_CHECK 4                       ; name, IOPL, code, "message": faults at .f
t_%1:   TRY
        IN_VM86 .v, %2
        bits 16
.v:     mov dx, 0x3F8
        in al, 0x21                     ; allowed
        out 0x80, al                    ; allowed
.f:     %3
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0, t_%1.f, VCS, %4
%endmacro
        IO_CHECK io_deny0, 0, {in al, 0x61}, "I/O IOPL 0: allowed ports pass, IN from a denied port is #GP(0)"
        IO_CHECK io_deny3, IOPL3, {out 0x70, al}, "I/O IOPL 3: OUT to a denied port is #GP(0)"
        IO_CHECK io_word, IOPL3, {out 0x80, ax}, "I/O: a word over an allowed and a denied port is #GP(0)"
        IO_CHECK io_limit, IOPL3, {in al, dx}, "I/O: a port past the bitmap is #GP(0)"
        IO_CHECK io_ins, IOPL3, {insb}, "I/O: INSB from a port past the bitmap is #GP(0)"
t_io_ok: TRY
        IN_VM86 .v, 0
        bits 16
.v:     in al, 0x21
        out 0x80, al
.f:     cli                             ; the first #GP
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0, t_io_ok.f, VCS, "I/O IOPL 0: IN and OUT to allowed ports run"

; --- a timer interrupt in VM86 --------------------------------------------------------
t_irq:  TRY
        mov al, 0x34                    ; PIT channel 0: rate generator, 1 kHz
        out 0x43, al
        mov ax, 1193
        out 0x40, al
        mov al, ah
        out 0x40, al
        mov al, 0xFE                    ; IRQ 0 only
        out 0x21, al
        IN_VM86 .v, EFL_IF
        bits 16
.v:     mov dx, 200
.o:     xor cx, cx
.l:     loop .l
        dec dx
        jnz .o
        hlt                             ; no interrupt came: #GP
        bits 32
        ENDTRY
        push eax
        mov al, 0xFF
        out 0x21, al
        mov al, 0x20                    ; EOI
        out 0x20, al
        pop eax
        EXPECT_FAULT VEC_IRQ0, NOERR, ANY, VCS, "IRQ 0 taken in VM86 through its interrupt gate"
        mov eax, [pm_f_efl]
        and eax, EFL_VM | EFL_IF
        EXPECT_EQ eax, EFL_VM | EFL_IF, "  frame: EFLAGS with VM and IF"
        EXPECT_FRAME32 16, VSS, "  frame: VM86 SS"
        EXPECT_EQ [pm_f_ds], 0, "  DS is null in the handler"

; --- the 64 KiB limit and the 16-bit offset wrap ------------------------------------
t_lim:  TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:     mov bx, 0xFFFF
        mov ax, [bx + 1]                ; offset 0: DS:0
        mov [0x40], ax
.f:     mov ax, [bx]                    ; a word at FFFFh
        bits 32
        ENDTRY
        EXPECT_FAULT 13, 0, t_lim.f, VCS, "a word at offset FFFFh is #GP(0)"
        movzx eax, word [0x30040]
        EXPECT_EQ eax, 0xA55A, "  [BX+1] with BX = FFFFh wraps to offset 0"

; --- CR4.VME is refused exactly when CPUID lacks VME -------------------------------
t_vme:  TRY
        mov eax, 1
        cpuid
        and edx, 2
        mov [has_vme], edx
        mov eax, cr4
        or eax, 1
.f:     mov cr4, eax
        and eax, ~1
        mov cr4, eax
        ENDTRY
        cmp dword [has_vme], 0
        jne .vme
        EXPECT_FAULT 13, 0, t_vme.f, KCODE, "no VME in CPUID: setting CR4.VME is #GP(0)"
        jmp .done
.vme:   EXPECT_EQ [pm_f_vec], NONE, "VME in CPUID: CR4.VME can be set"
.done:

; --- a task gate out of VM86 and IRET (NT) back into the VM86 task -----------------
t_tgate: TRY
        mov dword [pm_idt + VEC_TG * 8], TG_TSS << 16
        mov dword [pm_idt + VEC_TG * 8 + 4], 0xE500     ; a task gate, DPL 3
        IN_VM86 .v, IOPL3
        bits 16
.v:     mov ax, 0x7777
        int VEC_TG                      ; to tg_task, which IRETs back
        add ax, 1
        int RING3_RET
        bits 32
        ENDTRY
        EXPECT_VEC RING3_RET, NOERR, "task gate from VM86, IRET with NT back to it"
        EXPECT_EQ [pm_f_eax], 0x7778, "  the VM86 task resumed after its INT with its registers"
        mov eax, [tg_seen_efl]
        and eax, EFL_VM | IOPL3
        EXPECT_EQ eax, EFL_VM | IOPL3, "  the TSS saved EFLAGS with VM"
        EXPECT_EQ [tg_seen_seg], VDS | (VGS << 16), "  the TSS saved the VM86 DS and GS"
        mov eax, [pm_f_efl]
        and eax, EFL_VM
        EXPECT_EQ eax, EFL_VM, "  back in VM86 after the task switch"

; --- #PF from VM86 code: a user access (U/S set in the error code) -----------------
        PM_PAGING
        and dword [PTE(0x38000)], ~1    ; DS:8000h not present
        and dword [PTE(0x39000)], ~4    ; DS:9000h supervisor only
        mov eax, cr3
        mov cr3, eax
t_pf1:  TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:     mov ax, [0x7000]                ; a user page: fine
.f:     mov ax, [0x8004]
        bits 32
        ENDTRY
        EXPECT_FAULT 14, 4, t_pf1.f, VCS, "#PF: read of a not-present page from VM86 (U)"
        EXPECT_EQ [pm_f_cr2], 0x38004, "  CR2"
t_pf2:  TRY
        IN_VM86 .v, IOPL3
        bits 16
.v:
.f:     mov byte [0x9010], 1
        bits 32
        ENDTRY
        EXPECT_FAULT 14, 7, t_pf2.f, VCS, "#PF: write to a supervisor page from VM86 (P W U)"
        or dword [PTE(0x38000)], 1
        or dword [PTE(0x39000)], 4
        mov eax, cr3
        mov cr3, eax

; --- a BIOS service called from VM86, its stack page remapped by paging --------------
; INT 12h reflected by the monitor to the BIOS (IOPL 3: the BIOS's own code
; runs as in real mode), with the VM86 stack's page mapped elsewhere, as an
; EMM's page tables map pages: the BIOS must find its frame (IP, CS, FLAGS)
; through the paging and return to the caller with the memory size.
        PM_IO_ALLOW 0xF5                ; pxOS's BIOS stubs trap through port F5h
        mov dword [PTE(0x4F000)], 0x80000 | 7
        mov eax, cr3
        mov cr3, eax
t_bios: TRY
        mov byte [mon_on], 1
        IN_VM86 .v, IOPL3
        bits 16
.v:     xor ax, ax
        int 0x12                        ; -> #GP (DPL 0 gate) -> monitor -> the IVT's INT 12h
        mov [0x30], ax
        mov [0x32], sp
.x:     int RING3_RET
        bits 32
        ENDTRY
        mov byte [mon_on], 0
        mov dword [PTE(0x4F000)], 0x4F000 | 7
        mov eax, cr3
        mov cr3, eax
        EXPECT_FAULT RING3_RET, NOERR, t_bios.x + 2, VCS, "BIOS INT 12h from VM86 with the stack page remapped: back"
        movzx eax, word [0x413]
        or eax, VSP << 16
        EXPECT_EQ [0x30030], eax, "  AX = the BDA's memory size, the VM86 stack balanced"

; --- INT 13h from VM86 into a remapped buffer (pxOS's BIOS only) ---------------------
; The boot sector read to VES:0, whose page is mapped to 81000h, under IOPL 0
; (the monitor emulates INT and IRET, as EMM386 does): the BIOS must
; put the data where the caller's paging says (as an EMM's DMA handling makes
; a real BIOS do). Another BIOS (SeaBIOS on QEMU) reads the floppy by DMA and
; waits for IRQ 6, masked here: skipped unless INT 13h is pxOS's ROM stub.
        cmp dword [0x13 * 4], 0xF0001098
        jne t_bios13_skip
        mov dword [PTE(VES * 16)], 0x81000 | 7
        mov dword [0x81000], 0
        mov eax, cr3
        mov cr3, eax
t_bios13: TRY
        mov byte [mon_on], 1
        mov dword [mon_count], 0
        IN_VM86 .v, 0                   ; IOPL 0: the stub's IRET is the monitor's to emulate
        bits 16
.v:     mov ax, 0x0201                  ; read 1 sector: C 0, H 0, S 1, drive 0, to ES:0
        mov cx, 1
        xor dx, dx
        xor bx, bx
        int 0x13
        mov [0x30], ax
.x:     int RING3_RET
        bits 32
        ENDTRY
        mov byte [mon_on], 0
        mov eax, [VES * 16]             ; through the paging: physical 81000h
        mov dword [PTE(VES * 16)], VES * 16 | 7
        mov ebx, cr3
        mov cr3, ebx
        EXPECT_EQ eax, [0x7C00], "BIOS INT 13h from VM86: the sector lands in the remapped page"
        movzx eax, word [0x30030]
        EXPECT_EQ eax, 0x0001, "  AH = 0, AL = 1 sector"
        EXPECT_EQ [mon_count], 0x00010001, "  under IOPL 0 the monitor emulated the INT and the stub's IRET"
t_bios13_skip:

; --- a task switch into a VM86 task (last: TR stays on it) -------------------------
t_task: TRY
        jmp VM_TSS:0
        ENDTRY
        EXPECT_FAULT RING3_RET, NOERR, vm_task.x + 2, VCS, "task switch to a TSS with VM: its code runs in VM86"
        EXPECT_EQ [pm_f_eax], 0x4321 + VDS, "  registers and DS from the TSS"
        mov eax, [pm_f_efl]
        and eax, EFL_VM | IOPL3
        EXPECT_EQ eax, EFL_VM | IOPL3, "  frame: EFLAGS with VM and IOPL 3"
        EXPECT_FRAME32 16, VSS, "  frame: SS from the TSS"
        EXPECT_FRAME32 32, VGS, "  frame: GS from the TSS"

        PM_FINISH

; --- VM86 code outside the checks ----------------------------------------------------
        bits 16
; INT 60h's real-mode handler (through the IVT, by the monitor).
vm_int60:
        add ax, 1
        iret
; The VM86 task: EAX from its TSS plus DS.
vm_task:
        mov bx, ds
        add ax, bx
.x:     int RING3_RET
        bits 32

; The ring-0 task behind the task gate: records what the VM86 task's TSS holds
; and returns to it (IRET with NT).
tg_task:
        mov eax, [pm_tss + 0x24]        ; EFLAGS
        mov [tg_seen_efl], eax
        mov ax, [pm_tss + 0x54]         ; DS
        mov [tg_seen_seg], ax
        mov ax, [pm_tss + 0x5C]         ; GS
        mov [tg_seen_seg + 2], ax
        iret
        jmp tg_task

; The #GP handler: in VM86 with the monitor on, emulates INT n (reflected to
; the IVT: FLAGS, CS, IP+2 pushed on the VM86 stack, IF and TF cleared) and
; IRET, and turns INT 30h into an event of vector 30h; anything else is an
; ordinary #GP for the checks. DS is null here: data through SS (flat).
monitor_gp:
        test dword [esp + 12], EFL_VM
        jz .pass
        cmp byte [ss:mon_on], 0
        je .pass
        push eax
        push ebx
        push ecx
        push edx
        ; err +16, EIP +20, CS +24, EFLAGS +28, ESP +32, SS +36
        movzx ebx, word [esp + 24]
        shl ebx, 4
        movzx eax, word [esp + 20]
        add ebx, eax
        movzx ecx, word [esp + 36]
        shl ecx, 4                      ; ECX: VM86 stack base
        movzx edx, word [esp + 32]      ; EDX: VM86 SP
        mov al, [ss:ebx]
        cmp al, 0xCF
        je .iret
        cmp al, 0xCD
        jne .other
        movzx eax, byte [ss:ebx + 1]
        cmp al, RING3_RET
        je .exit
        inc word [ss:mon_count]
        mov bx, [esp + 28]              ; FLAGS
        sub dx, 2
        mov [ss:ecx + edx], bx
        mov bx, [esp + 24]              ; CS
        sub dx, 2
        mov [ss:ecx + edx], bx
        mov bx, [esp + 20]              ; IP past the INT
        add bx, 2
        sub dx, 2
        mov [ss:ecx + edx], bx
        mov [esp + 32], dx
        movzx ebx, word [ss:eax * 4]
        mov [esp + 20], ebx
        movzx ebx, word [ss:eax * 4 + 2]
        mov [esp + 24], ebx
        and dword [esp + 28], ~(EFL_IF | 0x100)
        jmp .resume
.iret:  inc word [ss:mon_count + 2]
        movzx ebx, word [ss:ecx + edx]
        mov [esp + 20], ebx
        add dx, 2
        movzx ebx, word [ss:ecx + edx]
        mov [esp + 24], ebx
        add dx, 2
        mov bx, [ss:ecx + edx]          ; FLAGS: IOPL stays the monitor's
        add dx, 2
        mov [esp + 32], dx
        and bx, ~IOPL3
        mov ax, [esp + 28]
        and ax, IOPL3
        or bx, ax
        mov [esp + 28], bx
.resume:
        pop edx
        pop ecx
        pop ebx
        pop eax
        add esp, 4                      ; the error code
        iretd
.exit:  pop edx
        pop ecx
        pop ebx
        pop eax
        add esp, 4
        jmp PM_STUB(RING3_RET)
.other: pop edx
        pop ecx
        pop ebx
        pop eax
.pass:  jmp PM_STUB(13)

; The master PIC's vectors at 20h (ICW1-4), all masked.
remap_pic:
        mov al, 0x11
        out 0x20, al
        mov al, VEC_IRQ0
        out 0x21, al
        mov al, 4
        out 0x21, al
        mov al, 1
        out 0x21, al
        mov al, 0xFF
        out 0x21, al
        ret

        PM_CODE
        align 4
mon_on:   db 0
        align 4
mon_count: dw 0, 0                      ; INTs reflected, IRETs emulated
has_vme:  dd 0
mix_want: dd 0
tg_seen_efl: dd 0
tg_seen_seg: dd 0
vm_tss:
        dd 0, KSTACK1, KDATA, 0, 0, 0, 0, PAGEDIR   ; link, ESP0, SS0, ..., CR3
        dd vm_task, EFL_VM | IOPL3 | 2              ; EIP, EFLAGS
        dd 0x4321, 0, 0, 0, VSP, 0, 0, 0            ; EAX ECX EDX EBX ESP EBP ESI EDI
        dd VES, VCS, VSS, VDS, VFS, VGS, 0          ; ES CS SS DS FS GS LDT
        dw 0, 104                                   ; T, I/O map base: no bitmap
vm_tss_end:
tg_tss: TSS32 tg_task, KSTACK0 - 0x2000
s_hello: db "pm_vm86: virtual-8086 mode", 10, 0
        PM_END
