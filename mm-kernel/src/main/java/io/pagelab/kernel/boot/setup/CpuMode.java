package io.pagelab.kernel.boot.setup;

/**
 * The x86 operating mode the setup code runs in. The BIOS services (INT 0x10, 0x13, 0x15, 0x16) are
 * 16-bit real-mode code reached through the real-mode interrupt vector table at address 0; once
 * arch/x86/boot/pm.c: go_to_protected_mode() has loaded a GDT and set CR0.PE, interrupts go
 * through the protected-mode IDT and the BIOS is out of reach.
 */
public enum CpuMode {
    /** 16-bit real mode: segment * 16 + offset addressing, BIOS interrupts available. */
    REAL,
    /** 32-bit protected mode, entered at the end of the setup code: no BIOS any more. */
    PROTECTED
}
