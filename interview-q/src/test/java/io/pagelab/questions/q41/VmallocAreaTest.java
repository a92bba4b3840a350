package io.pagelab.questions.q41;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q41 支离破碎的内存如何得到大块连续内存？ How do you get a large contiguous area out of fragmented memory?
 *
 * <p>The rules are mm/vmalloc.c (linux-reference.md §11.2): __get_vm_area_node() adds one guard page
 * to the page-aligned size unless VM_NO_GUARD; find_vmap_lowest_match() returns the lowest free gap
 * that fits; __vmalloc_area_node() maps each order-0 page with PAGE_KERNEL. VMALLOC_START =
 * 0xffffc90000000000, VMALLOC_END = 0xffffe8ffffffffff (32 TiB). Expected addresses are added by hand.
 */
@Grader(id = "q41")
@DisplayName("Q41 vmalloc: a contiguous virtual area from scattered pages")
class VmallocAreaTest {

    static final long START = 0xffffc90000000000L;
    static final long END = 0xffffe90000000000L;

    /** A page table that only remembers what was mapped. */
    static final class RecordingPageTable implements PageTable {
        final TreeMap<Long, PageMapping> entries = new TreeMap<>(Long::compareUnsigned);

        @Override
        public void map(long va, long pfn, long pageSize, Prot prot) {
            if (entries.containsKey(va)) {
                throw new IllegalStateException(String.format("%#x is already mapped", va));
            }
            entries.put(va, new PageMapping(va, pfn, pageSize, prot));
        }

        @Override
        public long unmap(long va) {
            PageMapping m = entries.remove(va);
            return m == null ? NOT_MAPPED : m.pfn();
        }

        @Override
        public long translate(long va) {
            return lookup(va).map(m -> m.physicalAddress(va)).orElse(NOT_MAPPED);
        }

        @Override
        public Optional<PageMapping> lookup(long va) {
            var e = entries.floorEntry(va);
            return e != null && e.getValue().contains(va) ? Optional.of(e.getValue()) : Optional.empty();
        }

        @Override
        public boolean supportsPageSize(long pageSize) {
            return pageSize == 4096;
        }
    }

    @Test
    @Points(2)
    @Hint("Round up to a multiple of 4096 first, then add one 4096-byte guard page; VM_NO_GUARD adds none.")
    void theAreaIsWholePagesPlusOneGuardPage() {
        assertThat(VmallocArea.areaSize(3 * 4096, false)).as("3 pages + guard").isEqualTo(16384);
        assertThat(VmallocArea.areaSize(1, false)).as("1 byte -> 1 page + guard").isEqualTo(8192);
        assertThat(VmallocArea.areaSize(5000, false)).as("5000 bytes -> 2 pages + guard").isEqualTo(12288);
        // linux-reference.md §11.2 sample: a 16 KiB kernel stack shows 20480
        assertThat(VmallocArea.areaSize(16384, false)).as("16 KiB stack").isEqualTo(20480);
        assertThat(VmallocArea.areaSize(4096, true)).as("VM_NO_GUARD").isEqualTo(4096);
    }

    @Test
    @Points(2)
    @Hint("With nothing allocated, the lowest free address is the start of the range; the next area "
            + "begins right after the previous one's guard page.")
    void firstAreaIsAtVmallocStartAndTheNextAfterItsGuardPage() {
        assertThat(VmallocArea.lowestFit(START, END, List.of(), 0x4000)).isEqualTo(START);
        // [START, START + 0x4000) = 3 pages + guard
        assertThat(VmallocArea.lowestFit(START, END, List.of(new long[] {START, START + 0x4000}), 0x2000))
                .isEqualTo(START + 0x4000);
    }

    @Test
    @Points(3)
    @Hint("Walk the busy areas in address order and keep a cursor: the first gap between the cursor and "
            + "the next busy start that is at least areaSize wins; a smaller hole is skipped.")
    void aFreedHoleIsReusedWhenItFitsAndSkippedWhenItDoesNot() {
        // busy: [START+0x4000, START+0x6000) and [START+0x6000, START+0x9000); hole [START, START+0x4000)
        List<long[]> busy = List.of(new long[] {START + 0x6000, START + 0x9000}, new long[] {START + 0x4000, START + 0x6000});
        assertThat(VmallocArea.lowestFit(START, END, busy, 0x3000)).as("2 pages + guard fit the 0x4000 hole")
                .isEqualTo(START);
        assertThat(VmallocArea.lowestFit(START, END, busy, 0x4000)).as("exact fit").isEqualTo(START);
        assertThat(VmallocArea.lowestFit(START, END, busy, 0x5000)).as("too big for the hole: after the last area")
                .isEqualTo(START + 0x9000);
    }

    @Test
    @Points(2)
    @Hint("When no gap up to the end of the range is big enough, fail like alloc_vmap_area(): "
            + "throw OutOfMemoryException(\"vmap allocation for size N failed: ...\").")
    void nothingFitsFailsLikeTheKernel() {
        long end = START + 0x8000;
        List<long[]> busy = List.of(new long[] {START + 0x2000, START + 0x6000});
        // gaps: [START, +0x2000) and [+0x6000, +0x8000) are 0x2000 each; 0x3000 fits neither
        Throwable t = catchThrowable(() -> VmallocArea.lowestFit(START, end, busy, 0x3000));
        assertThat(t).isInstanceOf(OutOfMemoryException.class).hasMessageStartingWith("vmap allocation for size 12288 failed");
        assertThat(VmallocArea.lowestFit(START, end, busy, 0x2000)).isEqualTo(START);
    }

    @Test
    @Points(3)
    @Hint("Page i of the area is addr + i * 4096; map it to pfns[i]. Nothing is mapped for the guard page.")
    void scatteredPfnsBecomeOneContiguousVirtualRange() {
        RecordingPageTable pt = new RecordingPageTable();
        // a fragmented machine: no two of these frames are neighbours
        long[] pfns = {0x1a3f1, 0x00812, 0x3c001, 0x1a3ef};
        VmallocArea.mapArea(pt, START, pfns);

        for (int i = 0; i < pfns.length; i++) {
            assertThat(pt.translate(START + i * 4096L + 0x10)).as("page %d", i).isEqualTo((pfns[i] << 12) + 0x10);
        }
        assertThat(pt.translate(START + 4 * 4096L)).as("guard page").isEqualTo(PageTable.NOT_MAPPED);
        assertThat(pt.entries).hasSize(4);
    }

    @Test
    @Points(2)
    @Hint("vmalloc maps with PAGE_KERNEL: readable and writable by the kernel, never by user space, and "
            + "not executable (NX). Prot.KERNEL_RW is exactly that.")
    void pagesAreKernelReadWriteAndNotExecutable() {
        RecordingPageTable pt = new RecordingPageTable();
        VmallocArea.mapArea(pt, START + 0x6000, new long[] {0x2000, 0x2002});
        for (PageMapping m : pt.entries.values()) {
            assertThat(m.prot().canRead() && m.prot().canWrite()).as("%s rw", m).isTrue();
            assertThat(m.prot().canExec()).as("%s NX", m).isFalse();
            assertThat(m.prot().isUser()).as("%s kernel only", m).isFalse();
        }
        assertThat(pt.entries.keySet()).containsExactly(START + 0x6000, START + 0x7000);
    }
}
