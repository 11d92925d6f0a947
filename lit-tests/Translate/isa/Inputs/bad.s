# core 0
G_LI r1, 1024
G_LI r32, 5
SC_LD r1, r2
FOO r1
