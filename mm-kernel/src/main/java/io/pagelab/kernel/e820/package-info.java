/** The x86 e820 memory map as the kernel keeps it: sanitising, range edits, printing (arch/x86/kernel/e820.c). */
package io.pagelab.kernel.e820;
