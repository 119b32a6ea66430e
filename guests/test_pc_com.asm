; test_pc_com: guests/test_pc.asm as a DOS .COM program.
%define DOS_COM
%include "test_pc.asm"
