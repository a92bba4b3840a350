package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.printk.Vsprintf;

/**
 * Where the sections of a loaded x86-64 kernel image are: the linker symbols of
 * arch/x86/kernel/vmlinux.lds.S (Linux 6.x) as virtual addresses in the kernel text mapping, plus
 * the physical address the image was loaded at.
 *
 * <pre>
 *  _text ......... .text (code)                                     -&gt; RX after mark_rodata_ro()
 *  _etext          gap up to a 2 MiB boundary (freed)
 *  __start_rodata  .rodata (2 MiB aligned, X86_ALIGN_RODATA_BEGIN)  -&gt; RO + NX
 *  __end_rodata    gap up to __end_rodata_hpage_align (freed)
 *  _sdata ........ .data, .init.*, .bss                             -&gt; RW + NX
 *  __end_of_kernel_reserve   (what setup_arch() reserves from _text)
 *  __brk_base .... brk area (early page tables, DMI); _brk_end = what was used
 *  _end
 * </pre>
 *
 * {@link #pa(long)} is {@code __pa_symbol()}: {@code va - _text + physStart}. The static page
 * tables of head_64.S (early_top_pgt, level3_kernel_pgt, level2_kernel_pgt, early_dynamic_pgts)
 * are placed by pagelab in the first pages of .data, see {@link #staticTablePa(int)}.
 *
 * @param physStart physical address of _text (CONFIG_PHYSICAL_START 0x1000000 without KASLR)
 * @param text _text
 * @param etext _etext
 * @param startRodata __start_rodata
 * @param endRodata __end_rodata
 * @param endRodataHpageAlign __end_rodata_hpage_align
 * @param sdata _sdata
 * @param endOfKernelReserve __end_of_kernel_reserve
 * @param brkBase __brk_base
 * @param brkEnd _brk_end
 * @param end _end
 */
public record KernelImage(long physStart, long text, long etext, long startRodata, long endRodata,
        long endRodataHpageAlign, long sdata, long endOfKernelReserve, long brkBase, long brkEnd, long end) {
    /** {@code __START_KERNEL_map}: virtual address of physical 0 in the kernel text mapping. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** {@code CONFIG_PHYSICAL_START} default. */
    public static final long PHYSICAL_START = 0x1000000L;
    /** {@code PMD_SIZE}. */
    public static final long PMD_SIZE = 1L << 21;

    public KernelImage {
        checkArgument((physStart & (PMD_SIZE - 1)) == 0 && physStart > 0,
                "kernel load address %s must be a positive multiple of 2 MiB (CONFIG_PHYSICAL_ALIGN)",
                Vsprintf.hex(physStart));
        checkArgument((text & (PMD_SIZE - 1)) == 0 && Long.compareUnsigned(text, START_KERNEL_MAP) >= 0,
                "_text %s must be 2 MiB aligned and inside the kernel text mapping (from %s)", Vsprintf.hex(text),
                Vsprintf.hex(START_KERNEL_MAP));
        long[] order = {text, etext, startRodata, endRodata, endRodataHpageAlign, sdata, endOfKernelReserve, brkBase,
            brkEnd, end};
        String[] names = {"_text", "_etext", "__start_rodata", "__end_rodata", "__end_rodata_hpage_align", "_sdata",
            "__end_of_kernel_reserve", "__brk_base", "_brk_end", "_end"};
        for (int i = 1; i < order.length; i++) {
            checkArgument(Long.compareUnsigned(order[i - 1], order[i]) <= 0, "%s %s is above %s %s: the sections"
                    + " must come in link order", names[i - 1], Vsprintf.hex(order[i - 1]), names[i],
                    Vsprintf.hex(order[i]));
        }
        checkArgument((startRodata & (PMD_SIZE - 1)) == 0 && (endRodataHpageAlign & (PMD_SIZE - 1)) == 0,
                "__start_rodata %s and __end_rodata_hpage_align %s must be 2 MiB aligned (vmlinux.lds.S)",
                Vsprintf.hex(startRodata), Vsprintf.hex(endRodataHpageAlign));
        checkArgument((sdata & 0xfff) == 0 && (brkBase & 0xfff) == 0 && (end & 0xfff) == 0,
                "_sdata, __brk_base and _end must be page-aligned");
        checkArgument(Long.compareUnsigned(end - text, 1L << 30) <= 0, "the image [%s, %s) is larger than"
                + " KERNEL_IMAGE_SIZE (1 GiB)", Vsprintf.hex(text), Vsprintf.hex(end));
    }

    /**
     * An image shaped like a 6.x distribution kernel loaded without KASLR, consistent with
     * {@code BootConfig.defaults()}: _text at 0xffffffff81000000 (physical 0x1000000), 0x2600000
     * bytes up to __end_of_kernel_reserve, 0x9000 bytes of brk used. Section sizes are pagelab's.
     */
    public static KernelImage defaults() {
        return new KernelImage(PHYSICAL_START,
                0xffffffff81000000L, // _text
                0xffffffff82002000L, // _etext
                0xffffffff82200000L, // __start_rodata
                0xffffffff82a3a000L, // __end_rodata
                0xffffffff82c00000L, // __end_rodata_hpage_align
                0xffffffff82c00000L, // _sdata
                0xffffffff83600000L, // __end_of_kernel_reserve
                0xffffffff83600000L, // __brk_base
                0xffffffff83609000L, // _brk_end
                0xffffffff8362c000L); // _end: 64 KiB slop + 48 KiB early_pgt_alloc + 64 KiB dmi_alloc
    }

    /** The same image loaded at another physical address (a 2 MiB multiple), as physical KASLR does. */
    public KernelImage loadedAt(long newPhysStart) {
        return new KernelImage(newPhysStart, text, etext, startRodata, endRodata, endRodataHpageAlign, sdata,
                endOfKernelReserve, brkBase, brkEnd, end);
    }

    /** {@code __pa_symbol(va)}: the physical address of an image address. */
    public long pa(long va) {
        checkArgument(Long.compareUnsigned(va, text) >= 0 && Long.compareUnsigned(va, end) <= 0,
                "%s is not inside the kernel image [%s, %s]", Vsprintf.hex(va), Vsprintf.hex(text), Vsprintf.hex(end));
        return va - text + physStart;
    }

    /**
     * {@code load_delta} of __startup_64(): how far the image sits from where it was linked to run
     * ({@code _text - __START_KERNEL_map}); 0 without KASLR.
     */
    public long loadDelta() {
        return physStart - (text - START_KERNEL_MAP);
    }

    /**
     * Physical address of static page table {@code i}: 0 early_top_pgt, 1 init_top_pgt,
     * 2 level4_kernel_pgt (5-level), 3 level3_kernel_pgt, 4 level2_kernel_pgt, 5.. early_dynamic_pgts.
     */
    public long staticTablePa(int i) {
        checkArgument(i >= 0 && i < 16, "static table %s: allowed are 0..15", i);
        return pa(sdata) + 4096L * i;
    }

    /** Bytes from _text to _end. */
    public long size() {
        return end - text;
    }
}
