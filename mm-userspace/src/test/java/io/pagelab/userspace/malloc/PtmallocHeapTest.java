package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.HeapFixture.HEAP;
import static io.pagelab.userspace.malloc.HeapFixture.UNSORTED;
import static io.pagelab.userspace.malloc.HeapFixture.protect;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Heap layout, tcache, fastbins and the bins of the main arena. Expected addresses are computed by
 * hand in the comments (linux-reference.md §5) and were checked against glibc 2.36 (Debian 12) with
 * small C programs run under {@code setarch -R}.
 */
class PtmallocHeapTest {
    private final HeapFixture f = new HeapFixture();

    @Test
    void firstMallocFollowsThe0x290TcacheChunkAtHeapStart() {
        // tcache_init: _int_malloc(640) -> 0x290 chunk at the heap start; user chunk at +0x290, pointer +0x2a0
        assertThat(f.pm.malloc(24)).isEqualTo(HEAP + 0x2a0);
        assertThat(f.pm.tcacheAddress()).isEqualTo(HEAP + 0x10);
        assertThat(f.sizeField(HEAP + 0x10)).as("tcache chunk size | PREV_INUSE").isEqualTo(0x291);
    }

    @Test
    void firstSbrkIs0x21000AndTopHoldsTheRest() {
        // sysmalloc: 0x290 + top_pad 0x20000 + MINSIZE 0x20 = 0x202b0 -> page aligned 0x21000 (§5.8)
        long p = f.pm.malloc(24);
        assertThat(f.as.brk(0)).isEqualTo(HEAP + 0x21000);
        // top = 0x21000 - 0x290 - 0x20 = 0x20d50, with PREV_INUSE
        assertThat(f.sizeField(f.nextMem(p))).isEqualTo(0x20d51);
        assertThat(f.pm.sbrkBase()).isEqualTo(HEAP);
    }

    @Test
    void usableSizeIsChunkSizeMinusEight() {
        // musable: chunksize - 16 + 8 (the next prev_size is usable): 0x20 -> 24, 0x30 -> 40 (§5.1)
        assertThat(f.pm.mallocUsableSize(f.pm.malloc(0))).isEqualTo(24);
        assertThat(f.pm.mallocUsableSize(f.pm.malloc(25))).isEqualTo(40);
        assertThat(f.pm.mallocUsableSize(0)).isZero();
    }

    @Test
    void tcacheIsLifoWithSafeLinkedNextAndTheKey() {
        long a = f.pm.malloc(24);
        long b = f.pm.malloc(24);
        f.pm.free(a);
        f.pm.free(b);
        // tcache_put: b->next = PROTECT_PTR(&b->next, a); a->next = PROTECT_PTR(&a->next, NULL) = a >> 12
        assertThat(f.as.readLong(b)).isEqualTo(protect(b, a));
        assertThat(f.as.readLong(a)).isEqualTo(a >>> 12);
        assertThat(f.as.readLong(b + 8)).as("e->key").isEqualTo(f.pm.tcacheKey());
        // counts[0] == 2 (uint16 at tcache + 0), entries[0] == b (tcache + 128)
        long tc = f.pm.tcacheAddress();
        assertThat(f.as.readByte(tc)).isEqualTo((byte) 2);
        assertThat(f.as.readLong(tc + 128)).isEqualTo(b);
        assertThat(f.pm.malloc(24)).isEqualTo(b);
        assertThat(f.as.readLong(b + 8)).as("tcache_get clears the key").isZero();
        assertThat(f.pm.malloc(24)).isEqualTo(a);
    }

    @Test
    void theEighthFreeOfASizeGoesToTheFastbin() {
        long[] p = f.mallocs(8, 24);
        f.freeAll(p);
        // tcache holds 7 (TCACHE_FILL_COUNT); the 8th lands in fastbinsY[0], fd = PROTECT_PTR(&fd, NULL)
        assertThat(f.as.readLong(HeapFixture.fastbinSlot(0))).isEqualTo(p[7] - 16);
        assertThat(f.as.readLong(p[7])).isEqualTo(p[7] >>> 12);
        assertThat(f.sizeField(p[7])).as("fast chunks keep their in-use look").isEqualTo(0x21);
        assertThat(f.pm.mallinfo2().smblks()).isEqualTo(1);
        assertThat(f.pm.mallinfo2().fsmblks()).isEqualTo(0x20);
    }

    @Test
    void fastbinChunksAreStashedIntoTheTcacheOnTheNextFastbinHit() {
        long[] p = f.mallocs(10, 24);
        f.freeAll(p); // tcache: p6..p0, fastbin: p9 -> p8 -> p7
        for (int i = 6; i >= 0; i--) {
            assertThat(f.pm.malloc(24)).isEqualTo(p[i]);
        }
        // tcache empty: _int_malloc pops fastbin head p9 and stashes p8, p7 into the tcache (p7 on top)
        assertThat(f.pm.malloc(24)).isEqualTo(p[9]);
        assertThat(f.as.readLong(HeapFixture.fastbinSlot(0))).isZero();
        assertThat(f.pm.malloc(24)).isEqualTo(p[7]);
        assertThat(f.pm.malloc(24)).isEqualTo(p[8]);
    }

    @Test
    void aFreedLargeChunkGoesToTheUnsortedBinWithMainArenaLinks() {
        long a = f.pm.malloc(0x500); // chunk 0x510: above tcache (0x410) and fastbin (0x80) sizes
        long guard = f.pm.malloc(24);
        f.pm.free(a);
        // the single unsorted chunk: fd = bk = unsorted bin header = main_arena + 96 = 0x7ffff7fa8cc0
        assertThat(f.as.readLong(a)).isEqualTo(UNSORTED).isEqualTo(0x7ffff7fa8cc0L);
        assertThat(f.as.readLong(a + 8)).isEqualTo(UNSORTED);
        assertThat(f.sizeField(guard)).as("PREV_INUSE of the next chunk cleared").isEqualTo(0x20);
        assertThat(f.prevSizeField(guard)).as("footer").isEqualTo(0x510);
    }

    @Test
    void unsortedBinIsFifo() {
        long a = f.pm.malloc(0x500);
        f.pm.malloc(24);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a);
        f.pm.free(b); // inserted at the head: unsorted fd = b, bk = a
        assertThat(f.as.readLong(UNSORTED + 16)).isEqualTo(b - 16);
        assertThat(f.as.readLong(UNSORTED + 24)).isEqualTo(a - 16);
        // malloc walks from the tail: a is an exact fit and is returned first
        assertThat(f.pm.malloc(0x500)).isEqualTo(a);
        assertThat(f.pm.malloc(0x500)).isEqualTo(b);
    }

    @Test
    void smallRequestsCarveTheLastRemainderInSequence() {
        long a = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a);
        // malloc(0x100): nb 0x110. a is sorted into large bin 68, the binmap scan splits it, the
        // remainder (0x400 at a+0x110) goes to unsorted as last_remainder; the next small request
        // takes the front of that remainder.
        long x = f.pm.malloc(0x100);
        long y = f.pm.malloc(0x100);
        assertThat(x).isEqualTo(a);
        assertThat(y).isEqualTo(a + 0x110);
        assertThat(f.as.readLong(HeapFixture.MAIN_ARENA + 0x68)).as("last_remainder").isEqualTo(a - 16 + 0x220);
    }

    @Test
    void largeBinKeepsChunksSortedWithTheNextsizeSkipList() {
        long c500 = f.pm.malloc(0x4f0); // chunk 0x500
        f.pm.malloc(24);
        long c520 = f.pm.malloc(0x510); // chunk 0x520
        f.pm.malloc(24);
        long c510 = f.pm.malloc(0x500); // chunk 0x510
        f.pm.malloc(24);
        f.freeAll(c500, c520, c510);
        f.pm.malloc(0x600); // sorts all three into large bin 68 (0x500..0x53f: 48 + (size >> 6))
        long bin = HeapFixture.binAt(68);
        long first = f.as.readLong(bin + 16);
        long second = f.as.readLong(first + 16);
        long third = f.as.readLong(second + 16);
        assertThat(new long[] {first, second, third}).as("descending sizes from bin->fd")
                .containsExactly(c520 - 16, c510 - 16, c500 - 16);
        assertThat(f.as.readLong(third + 16)).isEqualTo(bin);
        // fd_nextsize runs from the largest to the next smaller size and wraps around
        assertThat(f.as.readLong(first + 32)).isEqualTo(second);
        assertThat(f.as.readLong(third + 32)).isEqualTo(first);
        assertThat(f.as.readLong(first + 40)).isEqualTo(third);
        // binmap[2] bit 4 (bin 68 = 2 * 32 + 4)
        assertThat(f.as.readLong(HeapFixture.MAIN_ARENA + 0x868) & 0xffffffffL & (1L << 4)).isNotZero();
        // best fit: malloc(0x4f0) takes the 0x500 chunk, the smallest that fits
        assertThat(f.pm.malloc(0x4f0)).isEqualTo(c500);
    }

    @Test
    void largeRequestConsolidatesFastbinsFirst() {
        long[] p = f.mallocs(9, 24);
        long guard = f.pm.malloc(24);
        f.freeAll(p); // p7, p8 in fastbin 0x20; neighbours, so consolidation merges them
        f.pm.malloc(0x500);
        // malloc_consolidate: p7 + p8 -> one free 0x40 chunk (then sorted into small bin 4)
        assertThat(f.as.readLong(HeapFixture.fastbinSlot(0))).isZero();
        assertThat(f.sizeField(p[7])).isEqualTo(0x41);
        assertThat(f.prevSizeField(guard)).isEqualTo(0x40);
        assertThat(f.as.readLong(HeapFixture.binAt(4) + 16)).isEqualTo(p[7] - 16);
    }

    @Test
    void freeingNextToTopMergesIntoTop() {
        long a = f.pm.malloc(0x500);
        long topBefore = f.sizeField(f.nextMem(a)) & ~7L;
        f.pm.free(a);
        // a (0x510) + top
        assertThat(f.sizeField(a)).isEqualTo((topBefore + 0x510) | 1);
        assertThat(f.pm.malloc(0x500)).isEqualTo(a);
    }
}
