package io.pagelab.questions.q17;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.exercise.Todo;
import io.pagelab.hardware.mmu.Access;

/**
 * Q17 用户态进程虚拟内存与物理内存的关系如何？ How do a process's virtual addresses relate to
 * physical memory?
 *
 * <p>Each process has its own page-table tree (mm_struct.pgd); CR3 holds the PHYSICAL address of
 * its top table, and a context switch loads the next process's. On every access by user code the
 * CPU walks that tree in RAM (x86-64 4-level paging; linux-reference.md §1.1-1.3):
 *
 * <pre>
 *  va canonical? (bits 63..47 all equal)     no  -&gt; #GP, not #PF
 *  table = CR3 bits 51..12   (the low 12 bits of CR3 are a PCID or flags, not address)
 *  PML4E = table[va 47..39] -&gt; PDPTE = [38..30] -&gt; PDE = [29..21] -&gt; PTE = [20..12]
 *    each entry: 8 bytes, little-endian; P bit 0; R/W bit 1; U/S bit 2; PS bit 7; NX bit 63;
 *    next table / page frame = entry bits 51..12
 *    PS = 1 in a PDPTE: 1 GiB page, frame = bits 51..30, offset = va bits 29..0
 *    PS = 1 in a PDE:   2 MiB page, frame = bits 51..21, offset = va bits 20..0
 *  physical address = frame | offset
 * </pre>
 *
 * User code may touch a page only if U/S is set at every level; write only if R/W is set at every
 * level; fetch only if NX is clear at every level (EFER.NXE is on).
 * 每个进程有自己的页表，CR3 存放其顶层页表的物理地址；用户访问时 CPU 在内存中逐级查表得到物理地址，或产生缺页异常。
 *
 * <p>Your task: implement {@link #translate} for an access made in USER mode. Return the physical
 * address, or throw:
 * <ul>
 *   <li>{@code GeneralProtectionFault.nonCanonical(va, 48)} for a non-canonical address;</li>
 *   <li>{@code new PageFault(va, errorCode, true)} when an entry on the way is not present (error
 *       code: U 0x4, plus W 0x2 for a write, plus I 0x10 for a fetch) or when the rights deny the
 *       access (the same bits plus P 0x1).</li>
 * </ul>
 * Read entries with {@code memory.readLong(pa)}. Do not change any entry (no A/D bits).
 *
 * <p>Do not call io.pagelab.hardware.mmu.PageWalker or X86PageTable: they are the library's own copy.
 *
 * <p>Run {@code ./pagelab grade q17} to check your work.
 */
public final class UserTranslation {

    private UserTranslation() {
    }

    /**
     * The physical address of {@code va} for a user-mode access through the tables at {@code cr3}.
     *
     * @param memory the RAM holding the tables
     * @param cr3 the CR3 value: physical address of the PML4 in bits 51..12
     * @param va the virtual address
     * @param access read, write or fetch
     * @return the physical address
     */
    public static long translate(PhysicalMemory memory, long cr3, long va, Access access) {
        throw new Todo("q17/UserTranslation.java");
    }
}
