package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** mallinfo2, malloc_stats and mallopt (glibc 2.36 int_mallinfo, __malloc_stats, __libc_mallopt). */
class MallocStatsTest {
    private final HeapFixture f = new HeapFixture();

    @Test
    void mallinfoOfAFreshHeapWithOneChunk() {
        f.pm.malloc(24);
        // system 0x21000; free = top 0x20d50 (134480); in use 0x290 + 0x20 = 688
        assertThat(f.pm.mallinfo2()).isEqualTo(new Mallinfo2(135168, 1, 0, 0, 0, 0, 0, 688, 134480, 134480));
    }

    @Test
    void tcacheChunksCountAsInUseAndBinnedOnesAsFree() {
        long a = f.pm.malloc(24);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a); // tcache: still "in use" for mallinfo
        f.pm.free(b); // unsorted: a free block
        Mallinfo2 mi = f.pm.mallinfo2();
        assertThat(mi.ordblks()).as("top + one unsorted chunk").isEqualTo(2);
        assertThat(mi.uordblks()).isEqualTo(0x290 + 0x20 + 0x20);
        assertThat(mi.fordblks()).isEqualTo(135168 - mi.uordblks());
    }

    @Test
    void mallocStatsCountsMmappedChunksInTheTotal() {
        f.pm.malloc(24);
        f.pm.malloc(200000); // mmapped 0x31000 = 200704
        assertThat(f.pm.mallocStats()).isEqualTo(""
                + "Arena 0:\n"
                + "system bytes     =     135168\n"
                + "in use bytes     =        688\n"
                + "Total (incl. mmap):\n"
                + "system bytes     =     335872\n"
                + "in use bytes     =     201392\n"
                + "max mmap regions =          1\n"
                + "max mmap bytes   =     200704\n");
    }

    @Test
    void malloptMxfastZeroDisablesFastbins() {
        assertThat(f.pm.mallopt(Ptmalloc.M_MXFAST, 0)).isTrue();
        long[] p = f.mallocs(8, 24);
        f.pm.malloc(24);
        f.freeAll(p);
        assertThat(f.as.readLong(HeapFixture.fastbinSlot(0))).isZero();
        assertThat(f.pm.mallinfo2().smblks()).isZero();
    }

    @Test
    void malloptRefusesAnMxfastAboveMaxFastSize() {
        // MAX_FAST_SIZE = 80 * 8 / 4 = 160; a negative int is a huge size_t
        assertThat(f.pm.mallopt(Ptmalloc.M_MXFAST, 161)).isFalse();
        assertThat(f.pm.mallopt(Ptmalloc.M_MXFAST, -1)).isFalse();
        assertThat(f.pm.mallopt(Ptmalloc.M_MXFAST, 160)).isTrue();
    }

    @Test
    void malloptAcceptsUnknownParameters() {
        // __libc_mallopt starts with res = 1 and has no default case (checked on glibc 2.36)
        assertThat(f.pm.mallopt(99, 5)).isTrue();
        assertThat(f.pm.mallopt(Ptmalloc.M_ARENA_MAX, 0)).isTrue();
    }

    @Test
    void malloptMmapThresholdSendsSmallerRequestsToMmap() {
        f.pm.mallopt(Ptmalloc.M_MMAP_THRESHOLD, 4096);
        f.pm.mallopt(Ptmalloc.M_TOP_PAD, 0);
        // the first heap is one page (0x290 + 0x20 rounded up), leaving top 0xd70: malloc(5000) reaches
        // sysmalloc, where nb 5008 >= 4096 picks mmap; the threshold is never consulted before that
        assertThat(f.pm.isMmapped(f.pm.malloc(5000))).isTrue();
        assertThat(f.pm.isMmapped(f.pm.malloc(100))).isFalse();
    }
}
