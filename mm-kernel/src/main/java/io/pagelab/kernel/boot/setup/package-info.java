/**
 * The real-mode setup stage of the x86 boot (arch/x86/boot/): the code that runs before the kernel
 * proper, calls the BIOS while the CPU is still in real mode, and hands what it learned to the
 * kernel in the zero page ({@code struct boot_params}). Also the two ways to get there: a legacy
 * loader that runs this setup code, and GRUB2, which fills the zero page itself.
 */
package io.pagelab.kernel.boot.setup;
