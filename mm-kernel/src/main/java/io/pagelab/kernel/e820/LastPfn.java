package io.pagelab.kernel.e820;

import io.pagelab.kernel.printk.Vsprintf;

/**
 * The result of {@code e820__end_ram_pfn()} (arch/x86/kernel/e820.c, Linux 6.x): the page frame
 * number just past the highest usable or ACPI-data page below a limit, capped at
 * {@code max_arch_pfn}, and the line it printed.
 *
 * @param pfn        the last pfn (exclusive end, in pages)
 * @param maxArchPfn {@code MAX_ARCH_PFN} = MAXMEM &gt;&gt; PAGE_SHIFT (0x400000000 with 46 physical bits)
 */
public record LastPfn(long pfn, long maxArchPfn) {
    /** {@code last_pfn = 0x140000 max_arch_pfn = 0x400000000} ({@code "last_pfn = %#lx max_arch_pfn = %#lx"}). */
    public String line() {
        return "last_pfn = " + Vsprintf.hex(pfn) + " max_arch_pfn = " + Vsprintf.hex(maxArchPfn);
    }
}
