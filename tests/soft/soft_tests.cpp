// Unit tests of the software engine: hand-assembled snippets (nasm listings in
// the comments) run through the public Vcpu interface on a GuestMemory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/soft/soft_vcpu.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {
namespace {

// add_flags:
//   mov al, 0xFF
//   mov bl, 1
//   add al, bl
//   pushf
//   pop dx
//   mov al, 0x7F
//   add al, 1
//   pushf
//   pop si
//   mov ax, 0
//   sub ax, 1
//   pushf
//   pop di
//   hlt
const std::vector<uint8_t> k_add_flags = {0xB0, 0xFF, 0xB3, 0x01, 0x00, 0xD8, 0x9C, 0x5A, 0xB0, 0x7F, 0x04, 0x01,
                                          0x9C, 0x5E, 0xB8, 0x00, 0x00, 0x83, 0xE8, 0x01, 0x9C, 0x5F, 0xF4};
// shifts:
//   mov al, 0x81
//   mov cl, 0
//   stc
//   shl al, cl        ; count 0: flags (CF=1) unchanged
//   pushf
//   pop bx
//   mov ah, 0x81
//   shl ah, 1         ; CF=1, OF = MSB(res)^CF = 0^1 = 1
//   pushf
//   pop dx
//   mov si, 0x8000
//   sar si, 15        ; -1, CF=0
//   mov di, 0x1234
//   mov cl, 17
//   rcl di, cl        ; rotate through 17 bits: 17 % 17 = 0 -> unchanged
//   hlt
const std::vector<uint8_t> k_shifts = {0xB0, 0x81, 0xB1, 0x00, 0xF9, 0xD2, 0xE0, 0x9C, 0x5B, 0xB4,
                                       0x81, 0xD0, 0xE4, 0x9C, 0x5A, 0xBE, 0x00, 0x80, 0xC1, 0xFE,
                                       0x0F, 0xBF, 0x34, 0x12, 0xB1, 0x11, 0xD3, 0xD7, 0xF4};
// rep_movsb_wrap:
//   mov ax, 0x1000
//   mov ds, ax
//   mov ax, 0x2000
//   mov es, ax
//   mov si, 0xFFFE
//   xor di, di
//   mov cx, 4
//   cld
//   rep movsb
//   hlt
const std::vector<uint8_t> k_rep_movsb_wrap = {0xB8, 0x00, 0x10, 0x8E, 0xD8, 0xB8, 0x00, 0x20, 0x8E, 0xC0, 0xBE,
                                               0xFE, 0xFF, 0x31, 0xFF, 0xB9, 0x04, 0x00, 0xFC, 0xF3, 0xA4, 0xF4};
// io:
//   mov dx, 0x1234
//   in al, dx
//   out 0x80, al
//   in ax, 0x60
//   hlt
const std::vector<uint8_t> k_io = {0xBA, 0x34, 0x12, 0xEC, 0xE6, 0x80, 0xE5, 0x60, 0xF4};
// rep_insb:
//   xor ax, ax
//   mov es, ax
//   mov di, 0x600
//   mov dx, 0x3F0
//   mov cx, 3
//   cld
//   rep insb
//   hlt
const std::vector<uint8_t> k_rep_insb = {0x31, 0xC0, 0x8E, 0xC0, 0xBF, 0x00, 0x06, 0xBA, 0xF0,
                                         0x03, 0xB9, 0x03, 0x00, 0xFC, 0xF3, 0x6C, 0xF4};
// irq:
//   sti
//   inc cx
//   inc cx
//   hlt
const std::vector<uint8_t> k_irq = {0xFB, 0x41, 0x41, 0xF4};
// irq_handler:
//   mov bl, 0x42
//   iret
const std::vector<uint8_t> k_irq_handler = {0xB3, 0x42, 0xCF};
// a20:
//   mov ax, 0xFFFF
//   mov ds, ax
//   mov al, [0x20]
//   hlt
const std::vector<uint8_t> k_a20 = {0xB8, 0xFF, 0xFF, 0x8E, 0xD8, 0xA0, 0x20, 0x00, 0xF4};
// self_modify:
//   org 0x1000
//   mov cx, 2
//   l1:
//   patch: mov al, 1
//   add bl, al
//   mov byte [cs:patch+1], 5
//   dec cx
//   jnz l1
//   hlt
const std::vector<uint8_t> k_self_modify = {0xB9, 0x02, 0x00, 0xB0, 0x01, 0x00, 0xC3, 0x2E, 0xC6,
                                            0x06, 0x04, 0x10, 0x05, 0x49, 0x75, 0xF3, 0xF4};
// div0:
//   xor cx, cx
//   mov ax, 10
//   div cx
//   hlt
const std::vector<uint8_t> k_div0 = {0x31, 0xC9, 0xB8, 0x0A, 0x00, 0xF7, 0xF1, 0xF4};
// de_handler:
//   mov bp, sp
//   mov si, [bp]   ; pushed IP
//   mov di, 0x77
//   hlt
const std::vector<uint8_t> k_de_handler = {0x89, 0xE5, 0x8B, 0x76, 0x00, 0xBF, 0x77, 0x00, 0xF4};
// triple:
//   lidt [cs:idtr]
//   int3
//   hlt
//   idtr: dw 0
//   dd 0
const std::vector<uint8_t> k_triple = {0x2E, 0x0F, 0x01, 0x1E, 0x08, 0x00, 0xCC,
                                       0xF4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
// fpu_detect:
//   mov word [0x500], 0x5A5A
//   fninit
//   fnstsw [0x500]
//   mov ax, 0x1234
//   fnstsw ax
//   mov eax, 1
//   cpuid
//   hlt
const std::vector<uint8_t> k_fpu_detect = {0xC7, 0x06, 0x00, 0x05, 0x5A, 0x5A, 0xDB, 0xE3, 0xDD,
                                           0x3E, 0x00, 0x05, 0xB8, 0x34, 0x12, 0xDF, 0xE0, 0x66,
                                           0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0xA2, 0xF4};
// loop_forever:
//   l: inc ax
//   jmp l
const std::vector<uint8_t> k_loop_forever = {0x40, 0xEB, 0xFD};
// mmio:
//   mov ax, 0xFFFF
//   mov ds, ax
//   mov al, [0x10]      ; 0x100000: beyond 1 MiB of RAM -> MMIO
//   mov byte [0x11], 0x99
//   hlt
const std::vector<uint8_t> k_mmio = {0xB8, 0xFF, 0xFF, 0x8E, 0xD8, 0xA0, 0x10,
                                     0x00, 0xC6, 0x06, 0x11, 0x00, 0x99, 0xF4};
// rom_write:
//   mov ax, 0xF000
//   mov ds, ax
//   mov byte [0x0000], 0x12
//   mov al, [0x0000]
//   hlt
const std::vector<uint8_t> k_rom_write = {0xB8, 0x00, 0xF0, 0x8E, 0xD8, 0xC6, 0x06,
                                          0x00, 0x00, 0x12, 0xA0, 0x00, 0x00, 0xF4};
// unreal:
//   org 0x1000
//   cli
//   lgdt [gdtr]
//   mov eax, cr0
//   or al, 1
//   mov cr0, eax
//   jmp 0x10:pm16
//   pm16:
//   mov bx, 0x08
//   mov ds, bx
//   mov es, bx
//   mov eax, cr0
//   and al, 0xFE
//   mov cr0, eax
//   jmp 0:rm
//   rm:
//   xor bx, bx
//   mov ds, bx
//   mov es, bx
//   mov eax, [dword 0x200000]      ; above 1 MiB through DS with a 4 GiB limit
//   mov dword [dword 0x200010], 0xCAFEBABE
//   hlt
//   align 8
//   gdt: dq 0
//   dq 0x00CF92000000FFFF   ; 0x08: flat 4 GiB data
//   dq 0x00009A000000FFFF   ; 0x10: 16-bit code, base 0
//   gdtr: dw 23
//   dd gdt
const std::vector<uint8_t> k_unreal = {
    0xFA, 0x0F, 0x01, 0x16, 0x60, 0x10, 0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0, 0xEA, 0x13, 0x10,
    0x10, 0x00, 0xBB, 0x08, 0x00, 0x8E, 0xDB, 0x8E, 0xC3, 0x0F, 0x20, 0xC0, 0x24, 0xFE, 0x0F, 0x22, 0xC0,
    0xEA, 0x27, 0x10, 0x00, 0x00, 0x31, 0xDB, 0x8E, 0xDB, 0x8E, 0xC3, 0x66, 0x67, 0xA1, 0x00, 0x00, 0x20,
    0x00, 0x66, 0x67, 0xC7, 0x05, 0x10, 0x00, 0x20, 0x00, 0xBE, 0xBA, 0xFE, 0xCA, 0xF4, 0x90, 0x90, 0x90,
    0x90, 0x90, 0x90, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00,
    0x92, 0xCF, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0x00, 0x00, 0x17, 0x00, 0x48, 0x10, 0x00, 0x00};
// pm32:
//   org 0x1000
//   cli
//   lgdt [gdtr]
//   mov eax, cr0
//   or al, 1
//   mov cr0, eax
//   jmp dword 0x18:pm32
//   bits 32
//   pm32:
//   mov ax, 0x08
//   mov ds, ax
//   mov ss, ax
//   mov esp, 0x90000
//   mov eax, [0x300000]
//   add eax, 1
//   mov [0x300004], eax
//   push eax
//   pop ecx
//   jmp 0x10:back16
//   back16:
//   mov eax, cr0
//   and al, 0xFE
//   mov cr0, eax
//   jmp 0:rm
//   rm:
//   xor ax, ax
//   mov ds, ax
//   mov ss, ax
//   hlt
//   align 8
//   gdt: dq 0
//   dq 0x00CF92000000FFFF   ; 0x08: flat data
//   dq 0x00009A000000FFFF   ; 0x10: 16-bit code
//   dq 0x00CF9A000000FFFF   ; 0x18: 32-bit flat code
//   gdtr: dw 31
//   dd gdt
const std::vector<uint8_t> k_pm32 = {
    0xFA, 0x0F, 0x01, 0x16, 0x70, 0x10, 0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0, 0x66, 0xEA, 0x16,
    0x10, 0x00, 0x00, 0x18, 0x00, 0x66, 0xB8, 0x08, 0x00, 0x8E, 0xD8, 0x8E, 0xD0, 0xBC, 0x00, 0x00, 0x09,
    0x00, 0xA1, 0x00, 0x00, 0x30, 0x00, 0x83, 0xC0, 0x01, 0xA3, 0x04, 0x00, 0x30, 0x00, 0x50, 0x59, 0xEA,
    0x39, 0x10, 0x00, 0x00, 0x10, 0x00, 0x0F, 0x20, 0xC0, 0x24, 0xFE, 0x0F, 0x22, 0xC0, 0xEA, 0x46, 0x10,
    0x00, 0x00, 0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0, 0xF4, 0x90, 0x90, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0xCF, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A,
    0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0xCF, 0x00, 0x1F, 0x00, 0x50, 0x10, 0x00, 0x00};

// pm_int_paging (a 580-byte program, org 0x1000): enters 32-bit protected mode with
// a GDT and an IDT, builds page tables (identity 0-4 MiB, linear 4 MiB -> physical
// 3 MiB), turns paging on, reads [0x400000] into EBX, calls INT 0x30 through a
// 32-bit interrupt gate (handler: ECX = 0x55, IRETD), then touches the unmapped
// 0x800000: the #PF handler stores CR2 in EDX, pops the error code into ESI, halts.
const std::vector<uint8_t> k_pm_int_paging = {
    0xFA, 0x0F, 0x01, 0x16, 0xB0, 0x10, 0x0F, 0x01, 0x1E, 0x3E, 0x12, 0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0,
    0x66, 0xEA, 0x1B, 0x10, 0x00, 0x00, 0x18, 0x00, 0x66, 0xB8, 0x08, 0x00, 0x8E, 0xD8, 0x8E, 0xC0, 0x8E, 0xD0, 0xBC,
    0x00, 0x00, 0x09, 0x00, 0xBF, 0x00, 0x10, 0x10, 0x00, 0xB8, 0x03, 0x00, 0x00, 0x00, 0xB9, 0x00, 0x04, 0x00, 0x00,
    0xAB, 0x05, 0x00, 0x10, 0x00, 0x00, 0xE2, 0xF8, 0xC7, 0x05, 0x00, 0x00, 0x10, 0x00, 0x03, 0x10, 0x10, 0x00, 0xC7,
    0x05, 0x04, 0x00, 0x10, 0x00, 0x03, 0x20, 0x10, 0x00, 0xC7, 0x05, 0x00, 0x20, 0x10, 0x00, 0x03, 0x00, 0x30, 0x00,
    0xB8, 0x00, 0x00, 0x10, 0x00, 0x0F, 0x22, 0xD8, 0x0F, 0x20, 0xC0, 0x0D, 0x00, 0x00, 0x00, 0x80, 0x0F, 0x22, 0xC0,
    0xEB, 0x00, 0xA1, 0x00, 0x00, 0x40, 0x00, 0x89, 0xC3, 0xCD, 0x30, 0xA1, 0x00, 0x00, 0x80, 0x00, 0xF4, 0xB9, 0x55,
    0x00, 0x00, 0x00, 0xCF, 0x0F, 0x20, 0xD2, 0x5E, 0xF4, 0x90, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0xCF, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0x00, 0x00, 0xFF, 0xFF, 0x00,
    0x00, 0x00, 0x9A, 0xCF, 0x00, 0x1F, 0x00, 0x90, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x89, 0x10, 0x18, 0x00, 0x00, 0x8E, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x83, 0x10, 0x18, 0x00,
    0x00, 0x8E, 0x00, 0x00, 0x87, 0x01, 0xB6, 0x10, 0x00, 0x00};

// string_ops:
//   xor ax, ax
//   mov ds, ax
//   mov es, ax
//   mov byte [0x600], 0xAB
//   mov si, 0x600
//   mov di, 0x601
//   mov cx, 8
//   cld
//   rep movsb
//   mov di, 0x700
//   mov ax, 0x1234
//   mov cx, 5
//   rep stosw
//   mov si, 0x806
//   mov di, 0x906
//   mov cx, 4
//   std
//   rep movsw
//   cld
//   hlt
const std::vector<uint8_t> k_string_ops = {0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xC0, 0xC6, 0x06, 0x00, 0x06, 0xAB, 0xBE,
                                           0x00, 0x06, 0xBF, 0x01, 0x06, 0xB9, 0x08, 0x00, 0xFC, 0xF3, 0xA4, 0xBF,
                                           0x00, 0x07, 0xB8, 0x34, 0x12, 0xB9, 0x05, 0x00, 0xF3, 0xAB, 0xBE, 0x06,
                                           0x08, 0xBF, 0x06, 0x09, 0xB9, 0x04, 0x00, 0xFD, 0xF3, 0xA5, 0xFC, 0xF4};

// smc_rep_stos (the REP STOSB overwrites the next instruction, in the same block, with NOPs):
//   org 0x1000
//   xor ax, ax
//   mov es, ax
//   mov di, target
//   mov al, 0x90
//   mov cx, 2
//   cld
//   rep stosb
//   target: mov bl, 1
//   hlt
const std::vector<uint8_t> k_smc_rep_stos = {0x31, 0xC0, 0x8E, 0xC0, 0xBF, 0x0F, 0x10, 0xB0, 0x90,
                                             0xB9, 0x02, 0x00, 0xFC, 0xF3, 0xAA, 0xB3, 0x01, 0xF4};

// det_io:
//   l: inc ax
//   out 0x80, al
//   test ax, 0x3FF
//   jnz l
//   in al, 0x60
//   jmp l
const std::vector<uint8_t> k_det_io = {0x40, 0xE6, 0x80, 0xA9, 0xFF, 0x03, 0x75, 0xF8, 0xE4, 0x60, 0xEB, 0xF4};

struct Machine {
  explicit Machine(uint64_t ram = 4u << 20, SoftOptions opts = {}) : mem(ram) {
    vcpu = make_soft_vcpu(mem, mmio, opts);
  }
  void load(uint32_t addr, const std::vector<uint8_t>& bytes) { ASSERT_TRUE(mem.write(addr, bytes)); }
  // Real mode at cs:ip, SS:SP = 0:0x7000.
  void start(uint16_t cs, uint16_t ip) {
    CpuState s = vcpu->state();
    s.load_real_segment(CS, cs);
    s.seg[CS].attrib = 0x9B;
    s.load_real_segment(SS, 0);
    s.gpr[ESP] = 0x7000;
    s.eip = ip;
    vcpu->set_state(s);
  }
  // Sets an IVT entry.
  void vector(uint8_t v, uint16_t cs, uint16_t ip) {
    mem.write16(v * 4u, ip);
    mem.write16(v * 4u + 2, cs);
  }
  Exit run() { return vcpu->run(); }
  CpuState run_to_hlt() {
    for (int k = 0; k < 100; ++k) {
      Exit e = vcpu->run();
      if (e.reason == ExitReason::Hlt) return vcpu->state();
      if (e.reason == ExitReason::Io) {
        if (!e.io.is_write) std::memset(e.io.data.data(), 0xFF, e.io.data.size());
        continue;
      }
      ADD_FAILURE() << "unexpected exit " << int(e.reason) << " " << e.error;
      break;
    }
    return vcpu->state();
  }
  GuestMemory mem;
  MmioBus mmio;
  std::unique_ptr<Vcpu> vcpu;
};

constexpr uint32_t kArith = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF | flag::OF;

TEST(SoftEngine, ResetStateAndName) {
  Machine m;
  EXPECT_EQ(m.vcpu->name(), "soft");
  EXPECT_EQ(m.vcpu->state(), reset_state());
}

TEST(SoftEngine, AddSubFlags) {
  Machine m;
  m.load(0x1000, k_add_flags);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  // 0xFF + 1: result 0, CF ZF AF PF.
  EXPECT_EQ(s.gpr[EDX] & kArith, flag::CF | flag::ZF | flag::AF | flag::PF);
  // 0x7F + 1 = 0x80: OF SF AF.
  EXPECT_EQ(s.gpr[ESI] & kArith, flag::OF | flag::SF | flag::AF);
  // 0 - 1 = 0xFFFF: CF SF AF PF.
  EXPECT_EQ(s.gpr[EDI] & kArith, flag::CF | flag::SF | flag::AF | flag::PF);
  EXPECT_EQ(s.r16(EAX), 0xFFFF);
  EXPECT_EQ(s.eip, 0x1000u + k_add_flags.size());
}

TEST(SoftEngine, ShiftEdgeCases) {
  Machine m;
  m.load(0x1000, k_shifts);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.r8lo(EAX), 0x81);        // shift by 0 leaves the value
  EXPECT_TRUE(s.gpr[EBX] & flag::CF);  // ... and the flags
  EXPECT_EQ(s.r8hi(EAX), 0x02);
  EXPECT_TRUE(s.gpr[EDX] & flag::CF);
  EXPECT_TRUE(s.gpr[EDX] & flag::OF);
  EXPECT_EQ(s.r16(ESI), 0xFFFF);
  EXPECT_EQ(s.r16(EDI), 0x1234);  // RCL by 17 on a word is a full turn through CF
}

TEST(SoftEngine, RepMovsbWrapsInsideTheSegment) {
  Machine m;
  m.load(0x1000, k_rep_movsb_wrap);
  m.mem.write8(0x10000 + 0xFFFE, 'a');
  m.mem.write8(0x10000 + 0xFFFF, 'b');
  m.mem.write8(0x10000 + 0x0000, 'c');
  m.mem.write8(0x10000 + 0x0001, 'd');
  m.mem.write8(0x20000, 0);  // 0x1000:0xFFFE.. = 0x1FFFE, 0x1FFFF, then wraps to 0x10000
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(m.mem.read8(0x20000), 'a');
  EXPECT_EQ(m.mem.read8(0x20001), 'b');
  EXPECT_EQ(m.mem.read8(0x20002), 'c');
  EXPECT_EQ(m.mem.read8(0x20003), 'd');
  EXPECT_EQ(s.r16(ESI), 2);
  EXPECT_EQ(s.r16(ECX), 0);
  EXPECT_EQ(s.r16(EDI), 4);
}

TEST(SoftEngine, RepStringFastPathsKeepInstructionSemantics) {
  Machine m;
  m.load(0x1000, k_string_ops);
  for (int k = 0; k < 8; ++k) m.mem.write8(0x800 + k, uint8_t(0x10 + k));
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  for (int k = 0; k <= 8; ++k) EXPECT_EQ(m.mem.read8(0x600 + k), 0xAB) << k;  // overlapping copy repeats
  for (int k = 0; k < 5; ++k) EXPECT_EQ(m.mem.read16(0x700 + 2 * k), 0x1234) << k;
  EXPECT_EQ(m.mem.read16(0x70A), 0);
  for (int k = 0; k < 8; ++k) EXPECT_EQ(m.mem.read8(0x900 + k), 0x10 + k) << k;  // backwards copy
  EXPECT_EQ(s.r16(ESI), 0x7FE);
  EXPECT_EQ(s.r16(EDI), 0x8FE);
  EXPECT_EQ(s.r16(ECX), 0);
}

// rep_chunk: a REP MOVSB forward (fast path) and backward (element by element)
// comes back every rep_chunk iterations, each dispatch one retired instruction;
// the copy is the same whatever the chunk.
TEST(SoftEngine, RepChunkSplitsLongStringInstructions) {
  // xor ax,ax; mov ds,ax; mov es,ax; mov si,2000h; mov di,4000h; mov cx,1000; cld; rep movsb
  // std; mov si,2100h; mov di,5100h; mov cx,200; rep movsb; hlt
  const std::vector<uint8_t> code = {0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xC0, 0xBE, 0x00, 0x20, 0xBF, 0x00,
                                     0x40, 0xB9, 0xE8, 0x03, 0xFC, 0xF3, 0xA4, 0xFD, 0xBE, 0x00, 0x21,
                                     0xBF, 0x00, 0x51, 0xB9, 0xC8, 0x00, 0xF3, 0xA4, 0xF4};
  SoftOptions chunked;
  chunked.rep_chunk = 64;
  Machine whole, split(4u << 20, chunked);
  for (Machine* m : {&whole, &split}) {
    m->load(0x1000, code);
    for (uint32_t k = 0; k < 0x400; ++k) m->mem.write8(0x2000 + k, uint8_t(k * 7 + 1));
    m->start(0, 0x1000);
    CpuState s = m->run_to_hlt();
    EXPECT_EQ(s.r16(ECX), 0);
    EXPECT_EQ(s.r16(ESI), 0x2100 - 200);
    EXPECT_EQ(s.r16(EDI), 0x5100 - 200);
    for (uint32_t k = 0; k < 1000; ++k) ASSERT_EQ(m->mem.read8(0x4000 + k), uint8_t(k * 7 + 1)) << k;
    for (uint32_t k = 0; k < 200; ++k) ASSERT_EQ(m->mem.read8(0x5100 - k), uint8_t((0x100 - k) * 7 + 1)) << k;
  }
  // 1000 = 15 * 64 + 40 and 200 = 3 * 64 + 8: 16 + 4 dispatches instead of 1 + 1.
  EXPECT_EQ(split.vcpu->instructions_retired() - whole.vcpu->instructions_retired(), 18u);
}

TEST(SoftEngine, PortIoExitProtocol) {
  Machine m;
  m.load(0x1000, k_io);
  m.start(0, 0x1000);
  Exit e = m.run();
  ASSERT_EQ(e.reason, ExitReason::Io);
  EXPECT_EQ(e.io.port, 0x1234);
  EXPECT_EQ(e.io.size, 1);
  EXPECT_FALSE(e.io.is_write);
  EXPECT_EQ(e.io.count, 1u);
  ASSERT_EQ(e.io.data.size(), 1u);
  e.io.data[0] = 0x5A;
  e = m.run();  // the IN completes, then the OUT exits
  ASSERT_EQ(e.reason, ExitReason::Io);
  EXPECT_EQ(e.io.port, 0x80);
  EXPECT_TRUE(e.io.is_write);
  EXPECT_EQ(e.io.data[0], 0x5A);
  e = m.run();
  ASSERT_EQ(e.reason, ExitReason::Io);
  EXPECT_EQ(e.io.port, 0x60);
  EXPECT_EQ(e.io.size, 2);
  e.io.data[0] = 0x34;
  e.io.data[1] = 0x12;
  // The monitor may rewrite registers while the IN is pending: it still completes.
  CpuState s = m.vcpu->state();
  s.gpr[EBX] = 0xBEEF;
  m.vcpu->set_state(s);
  e = m.run();
  ASSERT_EQ(e.reason, ExitReason::Hlt);
  s = m.vcpu->state();
  EXPECT_EQ(s.r16(EAX), 0x1234);
  EXPECT_EQ(s.r16(EBX), 0xBEEF);
}

TEST(SoftEngine, PendingInIsDroppedWhenEipChanges) {
  Machine m;
  m.load(0x1000, k_io);
  m.mem.write8(0x2000, 0xF4);
  m.start(0, 0x1000);
  Exit e = m.run();
  ASSERT_EQ(e.reason, ExitReason::Io);
  e.io.data[0] = 0x77;
  CpuState s = m.vcpu->state();
  s.eip = 0x2000;  // the BIOS redirected execution: the IN is abandoned
  s.set_r8lo(EAX, 0x11);
  m.vcpu->set_state(s);
  ASSERT_EQ(m.run().reason, ExitReason::Hlt);
  EXPECT_EQ(m.vcpu->state().r8lo(EAX), 0x11);
}

TEST(SoftEngine, RepInsbOneElementPerExit) {
  Machine m;
  m.load(0x1000, k_rep_insb);
  m.start(0, 0x1000);
  for (int k = 0; k < 3; ++k) {
    Exit e = m.run();
    ASSERT_EQ(e.reason, ExitReason::Io) << k;
    EXPECT_EQ(e.io.port, 0x3F0);
    EXPECT_EQ(e.io.count, 1u);
    e.io.data[0] = uint8_t(0xA0 + k);
  }
  ASSERT_EQ(m.run().reason, ExitReason::Hlt);
  EXPECT_EQ(m.mem.read8(0x600), 0xA0);
  EXPECT_EQ(m.mem.read8(0x601), 0xA1);
  EXPECT_EQ(m.mem.read8(0x602), 0xA2);
  CpuState s = m.vcpu->state();
  EXPECT_EQ(s.r16(ECX), 0);
  EXPECT_EQ(s.r16(EDI), 0x603);
}

TEST(SoftEngine, InterruptWindowShadowAndInjection) {
  Machine m;
  m.load(0x1000, k_irq);
  m.load(0x3000, k_irq_handler);
  m.vector(0x20, 0, 0x3000);
  m.start(0, 0x1000);
  EXPECT_FALSE(m.vcpu->can_inject());  // IF is clear at reset
  m.vcpu->request_irq_window(true);
  Exit e = m.run();
  ASSERT_EQ(e.reason, ExitReason::IrqWindow);
  CpuState s = m.vcpu->state();
  EXPECT_EQ(s.r16(ECX), 1);  // STI's shadow covers the first INC
  ASSERT_TRUE(m.vcpu->can_inject());
  m.vcpu->request_irq_window(false);
  m.vcpu->inject_interrupt(0x20);
  e = m.run();
  ASSERT_EQ(e.reason, ExitReason::Hlt);
  s = m.vcpu->state();
  EXPECT_EQ(s.r8lo(EBX), 0x42);
  EXPECT_EQ(s.r16(ECX), 2);
  EXPECT_EQ(s.gpr[ESP], 0x7000u);
  EXPECT_TRUE(s.eflags & flag::IF);
}

TEST(SoftEngine, A20Gate) {
  Machine m;
  m.load(0x1000, k_a20);
  m.mem.write8(0x10, 0x11);
  m.mem.write8(0x100010, 0x22);
  m.mem.set_a20(false);
  m.start(0, 0x1000);
  EXPECT_EQ(m.run_to_hlt().r8lo(EAX), 0x11);  // FFFF:0020 wraps to 0x10
  m.mem.set_a20(true);
  m.start(0, 0x1000);
  EXPECT_EQ(m.run_to_hlt().r8lo(EAX), 0x22);
}

TEST(SoftEngine, UnrealMode) {
  Machine m;
  m.load(0x1000, k_unreal);
  m.mem.write32(0x200000, 0x12345678);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.gpr[EAX], 0x12345678u);
  EXPECT_EQ(m.mem.read32(0x200010), 0xCAFEBABEu);
  EXPECT_EQ(s.cr0 & 1, 0u);
  EXPECT_EQ(s.seg[DS].selector, 0);
  EXPECT_EQ(s.seg[DS].limit, 0xFFFFFFFFu);  // the hidden cache keeps the 4 GiB limit
}

TEST(SoftEngine, ProtectedMode32AndBack) {
  Machine m;
  m.load(0x1000, k_pm32);
  m.mem.write32(0x300000, 41);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(m.mem.read32(0x300004), 42u);
  EXPECT_EQ(s.gpr[ECX], 42u);
  EXPECT_EQ(s.cr0 & 1, 0u);
  EXPECT_EQ(s.seg[CS].selector, 0);
}

TEST(SoftEngine, ProtectedModeInterruptsAndPaging) {
  Machine m;
  m.load(0x1000, k_pm_int_paging);
  m.mem.write32(0x300000, 0xFEEDF00D);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.gpr[EBX], 0xFEEDF00Du);  // through the page tables
  EXPECT_EQ(s.gpr[ECX], 0x55u);        // INT 0x30 and IRETD
  EXPECT_EQ(s.gpr[EDX], 0x800000u);    // CR2 of the page fault
  EXPECT_EQ(s.gpr[ESI], 0u);           // not-present, read, supervisor
  EXPECT_EQ(s.cr2, 0x800000u);
}

TEST(SoftEngine, StartsAtTheResetVectorInRom) {
  Machine m;
  const uint8_t code[] = {0xB0, 0x42, 0xF4};  // mov al,0x42; hlt at F000:FFF0
  std::memcpy(m.mem.rom().data() + 0xFFF0, code, sizeof code);
  ASSERT_EQ(m.run().reason, ExitReason::Hlt);
  CpuState s = m.vcpu->state();
  EXPECT_EQ(s.r8lo(EAX), 0x42);
  EXPECT_EQ(s.eip, 0xFFF3u);
}

TEST(SoftEngine, SelfModifyingCodeInvalidatesBlocks) {
  Machine m;
  m.load(0x1000, k_self_modify);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.r8lo(EAX), 5);
  EXPECT_EQ(s.r8lo(EBX), 6);  // 1 on the first pass, 5 after the patch
}

TEST(SoftEngine, RepStosOverTheNextInstruction) {
  Machine m;
  m.load(0x1000, k_smc_rep_stos);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.r8lo(EBX), 0);  // MOV BL,1 became two NOPs before it ran
  EXPECT_EQ(s.eip, 0x1000u + k_smc_rep_stos.size());
}

TEST(SoftEngine, MonitorWritesBetweenRunsAreSeen) {
  Machine m;
  std::vector<uint8_t> a = {0xB0, 0x01, 0xF4};  // mov al,1; hlt
  std::vector<uint8_t> b = {0xB0, 0x02, 0xF4};  // mov al,2; hlt
  m.load(0x1000, a);
  m.start(0, 0x1000);
  EXPECT_EQ(m.run_to_hlt().r8lo(EAX), 1);
  m.load(0x1000, b);  // e.g. the BIOS loading a sector over old code
  m.start(0, 0x1000);
  EXPECT_EQ(m.run_to_hlt().r8lo(EAX), 2);
}

TEST(SoftEngine, DivideErrorPushesFaultingIp) {
  Machine m;
  m.load(0x1000, k_div0);
  m.load(0x3000, k_de_handler);
  m.vector(0, 0, 0x3000);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.r16(EDI), 0x77);
  EXPECT_EQ(s.r16(ESI), 0x1005);  // xor cx,cx (2) + mov ax,10 (3): the DIV itself
}

TEST(SoftEngine, TripleFaultShutsDown) {
  Machine m;
  m.load(0x1000, k_triple);
  m.start(0, 0x1000);
  EXPECT_EQ(m.run().reason, ExitReason::Shutdown);
}

TEST(SoftEngine, FpuDetectionAndCpuid) {
  Machine m;
  m.load(0x1000, k_fpu_detect);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(m.mem.read16(0x500), 0);  // FNSTSW after FNINIT: an FPU answers (fpu_test.cpp tests it further)
  EXPECT_EQ(s.gpr[EAX], 0x0619u);     // family 6 model 1 (Pentium Pro)
  EXPECT_EQ(s.gpr[EDX] & 1, 1u);      // the FPU feature bit
}

TEST(SoftEngine, KickAndInstructionCount) {
  Machine m;
  m.load(0x1000, k_loop_forever);
  m.start(0, 0x1000);
  m.vcpu->kick();
  EXPECT_EQ(m.run().reason, ExitReason::Kicked);
  uint64_t n0 = m.vcpu->instructions_retired();
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m.vcpu->kick();
  });
  EXPECT_EQ(m.run().reason, ExitReason::Kicked);
  t.join();
  EXPECT_GT(m.vcpu->instructions_retired(), n0);
}

TEST(SoftEngine, DeterministicQuantum) {
  uint64_t first = 0;
  for (int round = 0; round < 2; ++round) {
    Machine m(4u << 20, SoftOptions{true});
    m.load(0x1000, k_loop_forever);
    m.start(0, 0x1000);
    m.vcpu->kick();  // honoured only at the quantum boundary
    ASSERT_EQ(m.run().reason, ExitReason::Kicked);
    ASSERT_EQ(m.run().reason, ExitReason::Kicked);
    uint64_t n = m.vcpu->instructions_retired();
    EXPECT_EQ(n % 65536, 0u);
    if (round == 0) {
      first = n;
    } else {
      EXPECT_EQ(n, first);
    }
  }
}

TEST(SoftEngine, DeterministicExitsRepeatExactly) {
  std::vector<std::pair<int, uint64_t>> trace[2];
  for (int round = 0; round < 2; ++round) {
    Machine m(4u << 20, SoftOptions{true});
    m.load(0x1000, k_det_io);
    m.start(0, 0x1000);
    for (int k = 0; k < 3000; ++k) {
      Exit e = m.run();
      if (e.reason == ExitReason::Io && !e.io.is_write) e.io.data[0] = uint8_t(k);
      uint64_t n = m.vcpu->instructions_retired();
      if (e.reason == ExitReason::Kicked) {
        EXPECT_EQ(n % 65536, 0u);
      }
      trace[round].emplace_back(int(e.reason), n);
    }
  }
  EXPECT_EQ(trace[0], trace[1]);
}

TEST(SoftEngine, MmioAndRom) {
  Machine m(1u << 20);
  uint8_t last_write = 0;
  m.mmio.add("test", 0x100000, 0x1000, [&](uint64_t off, std::span<uint8_t> d, bool w) {
    if (w)
      last_write = d[0];
    else
      d[0] = uint8_t(0x40 + off);
  });
  m.load(0x1000, k_mmio);
  m.start(0, 0x1000);
  CpuState s = m.run_to_hlt();
  EXPECT_EQ(s.r8lo(EAX), 0x40);
  EXPECT_EQ(last_write, 0x99);

  m.mem.rom()[0] = 0x55;
  m.load(0x1000, k_rom_write);
  m.start(0, 0x1000);
  s = m.run_to_hlt();
  EXPECT_EQ(s.r8lo(EAX), 0x55);  // the write to ROM was dropped
  EXPECT_EQ(m.mem.rom()[0], 0x55);
}

TEST(SoftEngine, RandomBytesNeverCrashTheHost) {
  // Any guest input must end in an exit, never in a host crash.
  Machine m(1u << 20, SoftOptions{true});  // deterministic: Kicked every 65536 instructions
  uint32_t x = 12345;
  uint64_t executed = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> junk(256);
    for (uint8_t& b : junk) b = uint8_t((x = x * 1103515245 + 12345) >> 16);
    m.load(0x1000, junk);
    m.start(0, 0x1000);
    uint64_t before = m.vcpu->instructions_retired();
    for (int k = 0; k < 4; ++k) {
      Exit e = m.run();
      if (e.reason == ExitReason::Shutdown || e.reason == ExitReason::Error) break;
      if (e.reason == ExitReason::Io && !e.io.is_write) std::memset(e.io.data.data(), 0, e.io.data.size());
    }
    executed += m.vcpu->instructions_retired() - before;
  }
  EXPECT_GT(executed, 1000u);
}

TEST(SoftEngine, RandomBytesInProtectedMode32NeverCrashTheHost) {
  Machine m(1u << 20, SoftOptions{true});
  uint32_t x = 777;
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> junk(512);
    for (uint8_t& b : junk) b = uint8_t((x = x * 1103515245 + 12345) >> 16);
    m.load(0x1000, junk);
    CpuState s = m.vcpu->state();
    s.cr0 |= 1;
    for (Segment& sg : s.seg) sg = Segment{0x08, 0, 0xFFFFFFFF, 0xC093};
    s.seg[CS] = Segment{0x10, 0, 0xFFFFFFFF, 0xC09B};
    s.gdt = DescriptorTable{0x800, 0x17};
    s.idt = DescriptorTable{0, 0};  // any exception ends in a triple fault
    s.gpr[ESP] = 0x8000;
    s.eip = 0x1000;
    m.vcpu->set_state(s);
    for (int k = 0; k < 4; ++k) {
      Exit e = m.run();
      if (e.reason == ExitReason::Shutdown || e.reason == ExitReason::Error) break;
      if (e.reason == ExitReason::Io && !e.io.is_write) std::memset(e.io.data.data(), 0, e.io.data.size());
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace pxos
