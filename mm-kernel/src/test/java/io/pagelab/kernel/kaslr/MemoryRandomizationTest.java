package io.pagelab.kernel.kaslr;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.layout.KernelLayout64;
import io.pagelab.kernel.layout.RegionKind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryRandomizationTest {

    private static final long TB = 1L << 40;
    private static final long GB = 1L << 30;
    /** QEMU 4 GiB guest (linux-reference.md §2.4 (a)): RAM up to 0x13fffffff, max_pfn 0x140000. */
    private static final long QEMU_4G_MAX_PFN = 0x140000L;

    @Test
    void regionSizesFollowRamPlusTheTenTerabytePadding() {
        // 5 GiB of address space rounds up to 1 TB, + 10 TB padding = 11 TB; vmalloc 32 TB;
        // vmemmap 11 TB of pages * 64 bytes = 11 * 2^28 * 64 = 176 GiB -> 1 TB
        RandomizedBases b = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, true, false,
                RandomSource.sequence(0, 0, 0));
        assertThat(b.regions()).extracting(RandomizedRegion::sizeTb).containsExactly(11L, 32L, 1L);
        // window 0xfffffe0000000000 - 0xffff888000000000 = 117.5 TB, minus 44 TB
        assertThat(b.entropyBytes()).isEqualTo(0x498000000000L).isEqualTo(73 * TB + TB / 2);
    }

    @Test
    void zeroEntropyPacksTheRegionsOneGiBApart() {
        // page_offset_base = vaddr_start; + 11 TB = 0xffff938000000000, round_up(+1, 1 GiB) = 0xffff938040000000;
        // + 32 TB = 0xffffb38040000000, round_up(+1) = 0xffffb38080000000
        RandomizedBases b = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, true, false,
                RandomSource.sequence(0, 0, 0));
        assertThat(b.pageOffsetBase()).isEqualTo(0xffff888000000000L);
        assertThat(b.vmallocBase()).isEqualTo(0xffff938040000000L);
        assertThat(b.vmemmapBase()).isEqualTo(0xffffb38080000000L);
    }

    @Test
    void aDrawIsReducedModuloTheRegionsShareAndRoundedDownToOneGiB() {
        // region 0 may take up to 73.5 TB / 3 = 24.5 TB; 0x12345678901 is below that, so it is kept and
        // masked to 1 GiB: 0x12340000000; 0xffff888000000000 + 0x12340000000 = 0xffff89a340000000
        RandomizedBases b = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, true, false,
                RandomSource.sequence(0x12345678901L, 0, 0));
        assertThat(b.regions().get(0).entropy()).isEqualTo(0x12340000000L);
        assertThat(b.pageOffsetBase()).isEqualTo(0xffff89a340000000L);
    }

    @Test
    void aDirectMapLargerThan64TbIsCappedAtMaxPhysmemBits() {
        // 64 TB of RAM: 64 + 10 = 74 TB > 2^(46-40) = 64 TB; vmemmap 64 * 2^28 * 64 = 1 TB
        RandomizedBases b = MemoryRandomization.randomize(4, 1L << 34, true, false, RandomSource.sequence(0, 0, 0));
        assertThat(b.regions()).extracting(RandomizedRegion::sizeTb).containsExactly(64L, 32L, 1L);
    }

    @Test
    void fiveLevelUsesItsOwnWindowAndVmallocSize() {
        // window 0xfffffe0000000000 - 0xff11000000000000 = 0xeefe TB = 61182 TB; minus 11 + 12800 + 1
        RandomizedBases b = MemoryRandomization.randomize(5, QEMU_4G_MAX_PFN, true, false,
                RandomSource.sequence(0, 0, 0));
        assertThat(b.regions()).extracting(RandomizedRegion::sizeTb).containsExactly(11L, 12800L, 1L);
        assertThat(b.entropyBytes()).isEqualTo((61182L - 12812L) * TB);
        assertThat(b.pageOffsetBase()).isEqualTo(0xff11000000000000L);
    }

    @Test
    void nokaslrOrKasanKeepTheFixedBasesWithoutDrawing() {
        RandomizedBases off = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, false, false, RandomSource.sequence());
        assertThat(off.randomized()).isFalse();
        assertThat(off.pageOffsetBase()).isEqualTo(0xffff888000000000L);
        assertThat(off.vmallocBase()).isEqualTo(0xffffc90000000000L);
        assertThat(off.vmemmapBase()).isEqualTo(0xffffea0000000000L);
        RandomizedBases kasan = MemoryRandomization.randomize(5, QEMU_4G_MAX_PFN, true, true, RandomSource.sequence());
        assertThat(kasan.vmemmapBase()).isEqualTo(0xffd4000000000000L);
    }

    @Test
    void overManySeedsBasesAreAlignedOrderedSeparatedAndInsideTheWindow() {
        Set<Long> seen = new HashSet<>();
        long maxEntropy0 = 0;
        for (long seed = 0; seed < 2_000; seed++) {
            RandomizedBases b = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, true, false, RandomSource.seeded(seed));
            long previousEnd = 0xffff888000000000L;
            for (RandomizedRegion r : b.regions()) {
                assertThat(r.base() & (GB - 1)).as("seed %d: %s aligned to 1 GiB", seed, r).isZero();
                assertThat(Long.compareUnsigned(r.base(), previousEnd)).as("seed %d: %s after the previous", seed, r)
                        .isGreaterThanOrEqualTo(0);
                previousEnd = r.base() + r.sizeBytes() + GB;
            }
            // the struct pages actually used (4 GiB of RAM: 0x140000 * 64 bytes) end below vaddr_end
            assertThat(Long.compareUnsigned(b.vmemmapBase() + QEMU_4G_MAX_PFN * 64, 0xfffffe0000000000L))
                    .as("seed %d", seed).isLessThan(0);
            seen.add(b.pageOffsetBase());
            maxEntropy0 = Math.max(maxEntropy0, b.regions().get(0).entropy());
        }
        // region 0 has 24.5 TB / 1 GiB + 1 = 25089 positions: 2000 draws rarely collide, and reach near the top
        assertThat(seen).hasSizeGreaterThan(1900);
        assertThat(maxEntropy0).isGreaterThan(24 * TB);
    }

    @Test
    void theRandomizedLayoutConvertsThroughTheNewBases() {
        RandomizedBases b = MemoryRandomization.randomize(4, QEMU_4G_MAX_PFN, true, false, RandomSource.seeded(7));
        KernelLayout64 layout = b.layout();
        assertThat(layout.pa(b.pageOffsetBase() + 0x1000)).isEqualTo(0x1000L);
        assertThat(layout.va(0x1000)).isEqualTo(b.pageOffsetBase() + 0x1000);
        assertThat(layout.classify(b.vmallocBase()).kind()).isEqualTo(RegionKind.VMALLOC);
        assertThat(layout.pfnToPage(2)).isEqualTo(b.vmemmapBase() + 128);
    }
}
