package io.pagelab.api;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Optional;

/**
 * A translation from virtual pages to physical frames with access rights: what a process's (or
 * the kernel's) page tables hold, seen from above. The interface speaks of pages, frames and
 * {@link Prot} only: x86-64's four-level PGD/PUD/PMD/PTE tree (arch/x86/mm/pgtable.c, Linux 6.x)
 * is one implementation; another architecture (arm64, RISC-V Sv39) implements the same interface
 * with its own descriptors.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code va} must be a multiple of the page size and valid for the architecture (canonical on
 *       x86-64), {@code pfn}'s address a multiple of the page size, otherwise
 *       {@link io.pagelab.api.error.BadAddressException}; a page size the table does not support
 *       throws {@link io.pagelab.api.error.InvalidArgumentException}.</li>
 *   <li>Mapping an address that is already mapped (by a page of any size) throws
 *       {@link io.pagelab.api.error.InvalidArgumentException}: unmap first. Nothing changes.</li>
 *   <li>{@link #translate(long)} finds the physical address for any byte of a mapped page, and
 *       {@link #NOT_MAPPED} otherwise. It ignores {@link Prot}: checking access rights is the
 *       MMU's job. A page mapped with {@link Prot#NONE} is still mapped (Linux keeps PROT_NONE
 *       pages in the page table, only the CPU may not use them).</li>
 *   <li>{@link #translate}, {@link #lookup} and {@link #unmap} accept any address: one the
 *       architecture cannot map (non-canonical) simply has no mapping.</li>
 *   <li>{@link #lookup} reports the rights the table holds. They may be wider than those asked
 *       for where the hardware cannot express a combination (x86 cannot map a page writable or
 *       executable but unreadable; without NX every page is executable), never narrower.</li>
 * </ul>
 * {@code io.pagelab.api.testkit.PageTableContract} (mm-api test-jar) checks all of this.
 */
public interface PageTable {
    /** Returned by {@link #translate} and {@link #unmap} when no page is mapped (never a valid address). */
    long NOT_MAPPED = -1L;

    /** Maps the page at {@code va} of {@code pageSize} bytes to the block starting at {@code pfn}. */
    void map(long va, long pfn, long pageSize, Prot prot);

    /** Maps one base page (4 KiB). */
    default void map(long va, long pfn, Prot prot) {
        map(va, pfn, Pages.PAGE_SIZE, prot);
    }

    /**
     * Removes the page that contains {@code va} (of whatever size) and returns the pfn it mapped,
     * or {@link #NOT_MAPPED} if there was none.
     */
    long unmap(long va);

    /** The physical address of virtual address {@code va}, or {@link #NOT_MAPPED}. */
    long translate(long va);

    /** The mapping that contains {@code va}, if any. */
    Optional<PageMapping> lookup(long va);

    /** True when pages of this size can be mapped (4096 always; 2 MiB and 1 GiB on x86-64). */
    boolean supportsPageSize(long pageSize);

    /**
     * Gives the page that contains {@code va} (of whatever size) new access rights and keeps its
     * frame, as mprotect(2) does to each mapped page through mm/mprotect.c: change_protection()
     * (Linux 6.x). Implementations rewrite the entry in place; this default unmaps and maps again.
     *
     * @throws InvalidArgumentException when no page contains {@code va}
     */
    default void protect(long va, Prot prot) {
        PageMapping m = lookup(va).orElseThrow(() -> new InvalidArgumentException(String.format(
                "cannot change the protection at %#x: no page is mapped there (map it first)", va)));
        unmap(m.va());
        map(m.va(), m.pfn(), m.pageSize(), prot);
    }
}
