/** Kernel-style number formatting for byte-exact dmesg lines (lib/vsprintf.c). */
package io.pagelab.kernel.printk;
