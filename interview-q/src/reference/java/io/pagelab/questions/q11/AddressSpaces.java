package io.pagelab.questions.q11;

import io.pagelab.api.PageTable;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.PageFault;

/**
 * Q11 页面映射有何作用？都有什么好处？ What is page mapping for? (reference solution)
 *
 * <p>Each process gets its own page table, so the same virtual address leads to different frames
 * in different processes (isolation: one process cannot even name another's memory), while two
 * page tables may point at the same frame on purpose (sharing: shared libraries, MAP_SHARED,
 * the kernel). On x86-64 every process maps the kernel too: pgd_alloc() ends in pgd_ctor()
 * (arch/x86/mm/pgtable.c, Linux 6.x), which copies the kernel half of swapper_pg_dir, entries
 * KERNEL_PGD_BOUNDARY (256) to 511, into the new PGD. Those entries point at the kernel's own
 * PUD tables, so everything the kernel maps below them later is seen by every process at once.
 * 每个进程有独立页表：同一虚拟地址在不同进程中对应不同物理页（隔离），也可以有意指向同一物理页（共享）；内核部分的顶层页表项从
 * swapper_pg_dir 复制，指向同一组下级页表，所有进程共享内核映射。
 *
 * <pre>
 *   process 1 PGD            swapper_pg_dir            process 2 PGD
 *   [0..255]  private        [256..511] -----+-------  [0..255]  private
 *   [256..511] copies  ------&gt; same PUD tables &lt;------  [256..511] copies
 * </pre>
 *
 * <p>Your task: implement the three methods.
 * <ul>
 *   <li>{@link #cloneKernelPgds}: copy the 8-byte entries 256..511 of the PGD at {@code swapperPgd}
 *       into the PGD at {@code pgd} (clone_pgd_range()); leave entries 0..255 alone.</li>
 *   <li>{@link #writeVirtual}: store {@code data} at virtual address {@code va} of the address space
 *       {@code pt}, byte by byte through {@code pt.translate()} (a write may cross pages, which may
 *       be far apart in RAM). If any byte's page is unmapped, throw
 *       {@code new PageFault(address, PageFault.PF_USER | PageFault.PF_WRITE, true)} for the first
 *       such byte BEFORE writing anything.</li>
 *   <li>{@link #readVirtual}: the {@code len} bytes at {@code va}; an unmapped byte throws
 *       {@code new PageFault(address, PageFault.PF_USER, true)}.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q11} to check your work.
 */
public final class AddressSpaces {
    /** KERNEL_PGD_BOUNDARY on x86-64: the first PGD entry of the kernel half. */
    public static final int KERNEL_PGD_BOUNDARY = 256;

    private AddressSpaces() {
    }

    public static void cloneKernelPgds(PhysicalMemory ram, long swapperPgd, long pgd) {
        for (int i = KERNEL_PGD_BOUNDARY; i < 512; i++) {
            ram.writeLong(pgd + 8L * i, ram.readLong(swapperPgd + 8L * i));
        }
    }

    public static void writeVirtual(PhysicalMemory ram, PageTable pt, long va, byte[] data) {
        long[] pa = new long[data.length];
        for (int i = 0; i < data.length; i++) { // translate everything first: a fault writes nothing
            pa[i] = pt.translate(va + i);
            if (pa[i] == PageTable.NOT_MAPPED) {
                throw new PageFault(va + i, PageFault.PF_USER | PageFault.PF_WRITE, true);
            }
        }
        for (int i = 0; i < data.length; i++) {
            ram.writeByte(pa[i], data[i]);
        }
    }

    public static byte[] readVirtual(PhysicalMemory ram, PageTable pt, long va, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            long pa = pt.translate(va + i);
            if (pa == PageTable.NOT_MAPPED) {
                throw new PageFault(va + i, PageFault.PF_USER, true);
            }
            out[i] = ram.readByte(pa);
        }
        return out;
    }
}
