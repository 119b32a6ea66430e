; pm_paging: page faults with their error code and CR2 (not present, write
; to read-only with CR0.WP clear and set, at CPL 0 and CPL 3, user access to
; a supervisor page, user fetch), the accessed and dirty bits, 4 MiB pages
; (CR4.PSE), and the double faults of SDM table 6-5 that involve #PF.
; Run: pxos run --boot-sector pm_paging.bin --display none
        bits 16
        org 0x7C00
%include "pm.inc"
        PM_BOOT
stage2:
        PM_ENTER

PG      equ 0x200000                    ; the test pages: PG, PG+1000h, ...
IDT2    equ 0x204000 - 14 * 8           ; an IDT whose gates 0..13 lie in page 203000h

; SETPTE addr, flags: maps the page at addr to itself with flags, INVLPG.
%macro SETPTE 2
        mov dword [PTE(%1)], (%1) | (%2)
        invlpg [%1]
%endmacro

%macro WP 1                             ; WP 0 / WP 1: CR0.WP
        mov eax, cr0
%if %1
        or eax, 0x10000
%else
        and eax, ~0x10000
%endif
        mov cr0, eax
%endmacro

pm_main:
        PM_PUTS s_hello
        PM_PAGING

; --- not present -----------------------------------------------------------
p_np:   TRY
        SETPTE PG, 6                    ; RW|US, not present
.f:     mov eax, [PG + 4]
        ENDTRY
        EXPECT_FAULT 14, 0, p_np.f, KCODE, "#PF: read, not present, CPL 0 (err 0)"
        EXPECT_EQ [pm_f_cr2], PG + 4, "  CR2"
p_npw:  TRY
.f:     mov dword [PG + 0x10], 1
        ENDTRY
        EXPECT_FAULT 14, 2, p_npw.f, KCODE, "#PF: write, not present, CPL 0 (err 2)"
        EXPECT_EQ [pm_f_cr2], PG + 0x10, "  CR2"
p_np3:  TRY
        IN_RING3 .r3
.r3:
.f:     mov al, [PG + 0xFFF]
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 4, p_np3.f, UCODE | 3, "#PF: read, not present, CPL 3 (err 4)"
        EXPECT_EQ [pm_f_cr2], PG + 0xFFF, "  CR2"
p_pde:  TRY
        mov dword [PAGEDIR + 4], 0      ; 4..8 MiB: no page table
        invlpg [0x400000]
.f:     mov eax, [0x400123]
        ENDTRY
        EXPECT_FAULT 14, 0, p_pde.f, KCODE, "#PF: PDE not present (err 0)"
        EXPECT_EQ [pm_f_cr2], 0x400123, "  CR2"
p_cross: TRY
        SETPTE PG, 7
        SETPTE PG + 0x1000, 6           ; the second page is absent
.f:     mov eax, [PG + 0xFFE]           ; a dword across the boundary
        ENDTRY
        EXPECT_FAULT 14, 0, p_cross.f, KCODE, "#PF: dword read across into an absent page"
        EXPECT_EQ [pm_f_cr2], PG + 0x1000, "  CR2 is the first byte of the absent page"

; --- read-only pages and CR0.WP ---------------------------------------------------
p_wp0:  TRY
        SETPTE PG, 5                    ; P|US, read-only
        WP 0
        mov dword [PG], 0x1234          ; CPL 0 with WP clear: allowed
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "#PF: none for a CPL 0 write to read-only with WP=0"
        EXPECT_EQ [PG], 0x1234, "  the write landed"
p_wp1:  TRY
        WP 1
.f:     mov dword [PG], 0x5678
        ENDTRY
        WP 0
        EXPECT_FAULT 14, 3, p_wp1.f, KCODE, "#PF: CPL 0 write to read-only with WP=1 (err 3)"
        EXPECT_EQ [pm_f_cr2], PG, "  CR2"
        EXPECT_EQ [PG], 0x1234, "  the write did not land"
p_ro3:  TRY
        IN_RING3 .r3
.r3:    mov eax, [PG]                   ; reading is fine
.f:     mov [PG + 8], eax
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 7, p_ro3.f, UCODE | 3, "#PF: CPL 3 write to read-only, WP=0 (err 7)"
        EXPECT_EQ [pm_f_cr2], PG + 8, "  CR2"
p_ro3b: TRY
        WP 1
        IN_RING3 .r3
.r3:
.f:     inc byte [PG + 9]               ; read-modify-write
        R3_EXIT
        ENDTRY
        WP 0
        EXPECT_FAULT 14, 7, p_ro3b.f, UCODE | 3, "#PF: CPL 3 INC on read-only, WP=1 (err 7)"
p_pdro: TRY
        SETPTE PG, 7
        and dword [PAGEDIR], ~2         ; the page table's PDE read-only
        invlpg [PG]
        IN_RING3 .r3
.r3:
.f:     mov [PG + 8], eax
        R3_EXIT
        ENDTRY
        or dword [PAGEDIR], 2
        invlpg [PG]
        EXPECT_FAULT 14, 7, p_pdro.f, UCODE | 3, "#PF: CPL 3 write, PDE read-only, PTE writable (err 7)"

; --- supervisor pages --------------------------------------------------------------
p_sup:  TRY
        SETPTE PG, 3                    ; P|RW, supervisor
        mov eax, [PG]                   ; CPL 0: fine
        IN_RING3 .r3
.r3:
.f:     mov eax, [PG + 0x20]
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 5, p_sup.f, UCODE | 3, "#PF: CPL 3 read of a supervisor page (err 5)"
        EXPECT_EQ [pm_f_cr2], PG + 0x20, "  CR2"
p_supw: TRY
        IN_RING3 .r3
.r3:
.f:     mov [PG + 0x20], eax
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 7, p_supw.f, UCODE | 3, "#PF: CPL 3 write to a supervisor page (err 7)"
p_supx: TRY
        mov byte [PG + 0x40], 0xC3      ; RET
        IN_RING3 .r3
.r3:
        jmp PG + 0x40                   ; fetch from a supervisor page
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 5, PG + 0x40, UCODE | 3, "#PF: CPL 3 fetch from a supervisor page (err 5)"
        EXPECT_EQ [pm_f_cr2], PG + 0x40, "  CR2"

; --- accessed and dirty --------------------------------------------------------------
p_ad:   TRY
        SETPTE PG + 0x1000, 7
        mov eax, [PG + 0x1000]
        mov eax, [PTE(PG + 0x1000)]
        and eax, 0x60
        EXPECT_EQ eax, 0x20, "A set, D clear after a read"
        mov dword [PG + 0x1000], 1
        mov eax, [PTE(PG + 0x1000)]
        and eax, 0x60
        EXPECT_EQ eax, 0x60, "A and D set after a write"
        mov eax, [PAGEDIR]
        and eax, 0x20
        EXPECT_EQ eax, 0x20, "PDE accessed"
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "no fault setting A and D"

; --- 4 MiB pages -------------------------------------------------------------------------
p_pse:  TRY
        mov eax, cr4
        or eax, 0x10                    ; PSE
        mov cr4, eax
        mov dword [PAGEDIR + 4], 0x00000000 | 0x80 | 7   ; 4..8 MiB -> 0..4 MiB
        invlpg [0x400000]
        mov eax, [0x400000 + s_hello]
        EXPECT_EQ eax, [s_hello], "PSE: a 4 MiB page maps 400000h onto 0"
        mov dword [0x400000 + PG + 0x2000], 0xCAFE
        EXPECT_EQ [PG + 0x2000], 0xCAFE, "PSE: a write through the 4 MiB page"
        mov eax, [PAGEDIR + 4]
        and eax, 0x60
        EXPECT_EQ eax, 0x60, "PSE: the 4 MiB PDE's A and D set"
        ENDTRY
        EXPECT_EQ [pm_f_vec], NONE, "PSE: no fault through a 4 MiB page"
p_pse2: TRY
        mov dword [PAGEDIR + 4], 0x00000000 | 0x80 | 5   ; read-only, user
        invlpg [0x400000]
        IN_RING3 .r3
.r3:
.f:     mov [0x400000 + PG + 0x2004], eax
        R3_EXIT
        ENDTRY
        EXPECT_FAULT 14, 7, p_pse2.f, UCODE | 3, "PSE: CPL 3 write to a read-only 4 MiB page (err 7)"
        EXPECT_EQ [pm_f_cr2], 0x400000 + PG + 0x2004, "  CR2"
        mov dword [PAGEDIR + 4], 0
        invlpg [0x400000]

; --- double faults (SDM table 6-5) ---------------------------------------------------------
; An IDT whose gates 0..13 lie in page 203000h and 14.. in page 204000h.
        mov esi, pm_idt
        mov edi, IDT2
        mov ecx, PM_IDT_VECTORS * 2
        cld
        rep movsd
        SETPTE PG, 6                    ; absent
p_gpf:  TRY
        SETPTE 0x203000, 6              ; gates 0..13 absent
        lidt [idt2_desc]
        mov ax, 0x100
.f:     mov ds, ax                      ; #GP; reading its gate: #PF (no #DF)
        ENDTRY
        SETPTE 0x203000, 7
        lidt [pm_idt_desc]
        EXPECT_FAULT 14, 0, p_gpf.f, KCODE, "#GP then #PF reading its gate: #PF, not #DF"
        EXPECT_EQ [pm_f_cr2], IDT2 + 13 * 8, "  CR2 is gate 13's address"
p_pfpf: TRY
        SETPTE 0x204000, 6              ; gates 14.. absent
        lidt [idt2_desc]
.f:     mov eax, [PG]                   ; #PF; reading its gate: #PF -> #DF
        ENDTRY
        SETPTE 0x204000, 7
        lidt [pm_idt_desc]
        EXPECT_EQ [pm_f_vec], 8, "#DF: #PF then #PF reading its gate"
        EXPECT_EQ [pm_f_err], 0, "  error code 0"
p_pfgp: TRY
        mov word [pm_idt + 14 * 8 + 2], 0x100   ; gate 14's CS past the GDT limit
.f:     mov eax, [PG]                   ; #PF; its gate: #GP -> #DF
        ENDTRY
        mov word [pm_idt + 14 * 8 + 2], KCODE
        EXPECT_EQ [pm_f_vec], 8, "#DF: #PF then #GP (gate's CS past the GDT limit)"
        EXPECT_EQ [pm_f_err], 0, "  error code 0"

        PM_FINISH

        PM_CODE
idt2_desc:
        dw PM_IDT_VECTORS * 8 - 1
        dd IDT2
s_hello: db "pm_paging: page faults, CR0.WP, A/D, PSE, #DF", 10, 0
        PM_END
