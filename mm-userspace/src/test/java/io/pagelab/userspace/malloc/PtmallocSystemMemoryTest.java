package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.HeapFixture.HEAP;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * sysmalloc (brk growth, mmap), the dynamic mmap threshold, systrim and malloc_trim. Values are
 * computed by hand from glibc 2.36's formulas (linux-reference.md §5.8) in the comments, and were
 * checked against glibc 2.36 under {@code setarch -R}.
 */
class PtmallocSystemMemoryTest {
    private final HeapFixture f = new HeapFixture();

    @Test
    void heapGrowsContiguouslyByNbPlusTopPadPlusMinsizeMinusTheOldTop() {
        long p = f.pm.malloc(100000); // nb 100016 = 0x186b0 fits the first top (0x20d70)
        assertThat(p).isEqualTo(HEAP + 0x2a0);
        // top left: 0x21000 - 0x290 - 0x186b0 = 0x86c0 < nb + MINSIZE -> sysmalloc:
        // 0x186b0 + 0x20000 + 0x20 - 0x86c0 = 0x30010 -> page aligned 0x31000; top grows in place
        long q = f.pm.malloc(100000);
        assertThat(q).isEqualTo(HEAP + 0x290 + 0x186b0 + 0x10);
        assertThat(f.as.brk(0)).isEqualTo(HEAP + 0x21000 + 0x31000);
        assertThat(f.sizeField(f.nextMem(q))).as("top: 0x86c0 + 0x31000 - 0x186b0").isEqualTo(0x21010 | 1);
        assertThat(f.pm.mallinfo2().arena()).isEqualTo(0x52000);
    }

    @Test
    void freeingIntoABigTopTrimsTheHeapDownToTopPad() {
        f.pm.malloc(100000);
        long q = f.pm.malloc(100000);
        f.pm.free(q);
        // q (0x186b0) merges with top (0x21010): 0x396c0 >= trim_threshold 0x20000 -> systrim(top_pad):
        // extra = ALIGN_DOWN(0x396c0 - 0x20 - 1 - 0x20000, 4096) = 0x19000 -> break 0x52000 - 0x19000
        assertThat(f.as.brk(0)).isEqualTo(HEAP + 0x39000);
        assertThat(f.sizeField(q)).isEqualTo(0x206c0 | 1);
        assertThat(f.pm.mallinfo2().arena()).isEqualTo(0x39000);
        assertThat(f.pm.mallinfo2().keepcost()).isEqualTo(0x206c0);
    }

    @Test
    void mallocTrimReleasesTopDownToThePadAsked() {
        f.pm.malloc(100000);
        long q = f.pm.malloc(100000);
        f.pm.free(q); // top 0x206c0 (previous test)
        // malloc_trim(0): extra = ALIGN_DOWN(0x206c0 - 0x21, 4096) = 0x20000 -> top 0x6c0
        assertThat(f.pm.mallocTrim(0)).isTrue();
        assertThat(f.as.brk(0)).isEqualTo(HEAP + 0x19000);
        assertThat(f.sizeField(q)).isEqualTo(0x6c1);
        assertThat(f.pm.mallocTrim(0)).as("nothing left to give back").isFalse();
    }

    @Test
    void requestAboveTheMmapThresholdGetsItsOwnMapping() {
        long p = f.pm.malloc(200000);
        // nb = 200016 >= 128 KiB: mmap ALIGN_UP(200016 + 8, 4096) = 200704 = 0x31000 (§5.8)
        assertThat(f.pm.isMmapped(p)).isTrue();
        assertThat(p - f.pm.mappingStart(p)).isEqualTo(0x10);
        assertThat(f.sizeField(p)).isEqualTo(0x31000 | 2);
        assertThat(f.prevSizeField(p)).isZero();
        assertThat(f.pm.mallocUsableSize(p)).isEqualTo(200688);
        assertThat(f.pm.mallinfo2().hblks()).isEqualTo(1);
        assertThat(f.pm.mallinfo2().hblkhd()).isEqualTo(200704);
        f.pm.free(p);
        assertThat(f.as.mappedBytes()).as("only the libc .data stand-in is left").isEqualTo(0x2000);
    }

    @Test
    void theThresholdIsOnlyConsultedWhenTopIsTooSmall() {
        // nb(131049) = 131072 = threshold, but the first top (0x20d70 = 134512) can serve it
        long a = f.pm.malloc(131049);
        assertThat(f.pm.isMmapped(a)).isFalse();
        long b = f.pm.malloc(131049); // top now 3440: sysmalloc, nb >= threshold -> mmap
        assertThat(f.pm.isMmapped(b)).isTrue();
        long c = f.pm.malloc(131048); // nb 131056 < threshold -> brk
        assertThat(f.pm.isMmapped(c)).isFalse();
    }

    @Test
    void freeingAnMmappedChunkRaisesTheThresholdToItsSize() {
        long p = f.pm.malloc(200000);
        f.pm.free(p);
        // __libc_free: 0x31002 > 0x20000 and <= 32 MiB -> mmap_threshold = 0x31000, trim_threshold 2x
        assertThat(f.pm.mmapThreshold()).isEqualTo(0x31000);
        assertThat(f.pm.trimThreshold()).isEqualTo(0x62000);
        assertThat(f.pm.isMmapped(f.pm.malloc(200000))).as("now below the threshold").isFalse();
    }

    @Test
    void setThresholdsDisableTheDynamicThreshold() {
        assertThat(f.pm.mallopt(Ptmalloc.M_MMAP_THRESHOLD, 0x20000)).isTrue();
        f.pm.free(f.pm.malloc(200000));
        assertThat(f.pm.mmapThreshold()).isEqualTo(0x20000);
    }

    @Test
    void mmapMaxZeroKeepsLargeRequestsOnTheHeap() {
        f.pm.mallopt(Ptmalloc.M_MMAP_MAX, 0);
        assertThat(f.pm.isMmapped(f.pm.malloc(400000))).isFalse();
    }

    @Test
    void topPadZeroMakesTheFirstHeapOnePage() {
        f.pm.mallopt(Ptmalloc.M_TOP_PAD, 0);
        f.pm.malloc(24); // 0x290 + 0 + 0x20 -> one page
        assertThat(f.as.brk(0)).isEqualTo(HEAP + 0x1000);
    }

    @Test
    void foreignBrkBelowTheHeapEndIsReported() {
        f.pm.malloc(0x10000); // top left 0x20d50 - 0x10010 = 0x10d40 at HEAP + 0x102c0
        f.as.brk(HEAP + 0x11000); // someone else moves the break below malloc's heap end
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> f.pm.malloc(0x10d40)))
                .hasMessage("break adjusted to free malloc space");
    }

    @Test
    void whenBrkCannotGrowTheMainArenaContinuesInAMegabyteMapping() {
        f.pm.malloc(0x1f000); // top left: 0x20d70 - 0x1f010 = 0x1d60
        f.as.mmap(HEAP + 0x21000, 4096, io.pagelab.api.Prot.USER_R, io.pagelab.api.AddressSpace.MAP_PRIVATE
                | io.pagelab.api.AddressSpace.MAP_ANONYMOUS | io.pagelab.api.AddressSpace.MAP_FIXED_NOREPLACE);
        // sbrk(0x2f000) fails (a mapping right above the heap): mmap max(0x31000, MMAP_AS_MORECORE_SIZE
        // 1 MiB) becomes the new top, the arena turns noncontiguous, the old top is fenceposted and freed
        long p1 = f.pm.malloc(0x10000);
        assertThat(f.pm.isMmapped(p1)).isFalse();
        assertThat(p1 & 0xfff).isEqualTo(0x10);
        assertThat(f.sizeField(p1)).isEqualTo(0x10011);
        // the freed old top (0x1d60 - 0x20 = 0x1d40) serves the next small request: at its start
        assertThat(f.pm.malloc(24)).isEqualTo(HEAP + 0x1f2b0);
        f.pm.malloc(0x100000); // mmapped: ALIGN_UP(0x100010 + 8, 4096) = 0x101000
        f.pm.malloc(5000); // from the mapped top
        // checked on glibc 2.36: system 0x21000 + 1 MiB = 1183744; top 983024 plus the 0x1d40 - 0x20
        // left of the old top are free
        assertThat(f.pm.mallinfo2())
                .isEqualTo(new Mallinfo2(1183744, 2, 0, 1, 0x101000, 0, 0, 198272, 985472, 983024));
    }
}
