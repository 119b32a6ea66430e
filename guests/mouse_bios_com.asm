; mouse_bios_com: guests/mouse_bios.asm as a DOS .COM program.
%define DOS_COM
%include "mouse_bios.asm"
