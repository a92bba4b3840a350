package io.pagelab.questions.q21;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.kernel.kaslr.RandomSource;
import io.pagelab.questions.q21.MemoryKaslr.Region;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q21 内存分配空间如何实现不可预测性？ How is the allocation space made unpredictable?
 *
 * <p>Worked by hand from arch/x86/mm/kaslr.c: kernel_randomize_memory() (Linux 6.11+, reference
 * linux-reference.md §14.2) for the QEMU 4 GiB guest of §2.4 (a): RAM up to 0x13fffffff, so
 * max_pfn = 0x140000. Scripted random values make each base computable, on 4- and 5-level paging;
 * seeded runs are checked for the invariants every layout must keep (no library model as oracle).
 */
@Grader(id = "q21")
@DisplayName("Q21 kernel_randomize_memory: page_offset_base, vmalloc_base, vmemmap_base")
class MemoryKaslrTest {

    private static final long TB = 1L << 40;
    private static final long GB = 1L << 30;
    private static final long MAX_PFN_4G = 0x140000L;

    @Test
    @Points(3)
    @Hint("5 GiB of address space rounds up to 1 TB, plus the 10 TB padding: 11 TB. vmemmap: 11 TB of 4 KiB "
            + "pages * 64 bytes = 176 GiB, rounded up to 1 TB.")
    void regionSizesOfA4GiBMachine() {
        assertThat(MemoryKaslr.regionSizesTb(4, MAX_PFN_4G)).as("4-level sizes in TB").containsExactly(11, 32, 1);
        assertThat(MemoryKaslr.regionSizesTb(5, MAX_PFN_4G)).as("5-level sizes in TB").containsExactly(11, 12800, 1);
    }

    @Test
    @Points(2)
    @Hint("The direct map never exceeds 2^(MAX_PHYSMEM_BITS - 40) TB: 64 TB on 4-level, 4096 TB on 5-level; "
            + "the vmemmap then needs 64 * 16 GiB = 1 TB, or 4096 * 16 GiB = 64 TB.")
    void hugeMachinesAreCappedAtMaxPhysmemBits() {
        assertThat(MemoryKaslr.regionSizesTb(4, 1L << 34)).as("64 TB of RAM, 4-level").containsExactly(64, 32, 1);
        assertThat(MemoryKaslr.regionSizesTb(5, 1L << 40)).as("4 PB of RAM, 5-level").containsExactly(4096, 12800, 64);
    }

    @Test
    @Points(3)
    @Hint("With every random value 0 the regions are packed: each next base is round_up(base + size + 1, 1 GiB), "
            + "i.e. 1 GiB after the previous region's room.")
    void zeroEntropyPacksTheRegionsOneGiBApart() {
        // 0xffff888000000000 + 11 TB = 0xffff938000000000 -> +1 GiB: 0xffff938040000000;
        // + 32 TB = 0xffffb38040000000 -> 0xffffb38080000000
        assertThat(MemoryKaslr.randomize(4, MAX_PFN_4G, true, RandomSource.sequence(0, 0, 0)))
                .as("bases with zero entropy").containsExactly(
                        new Region("page_offset_base", 0xffff888000000000L, 11),
                        new Region("vmalloc_base", 0xffff938040000000L, 32),
                        new Region("vmemmap_base", 0xffffb38080000000L, 1));
    }

    @Test
    @Points(2)
    @Hint("entropy = (rand % (share + 1)) & ~(1 GiB - 1): a value below the share is kept, then rounded DOWN "
            + "to a multiple of 1 GiB.")
    void aDrawIsRoundedDownToOneGiB() {
        // share of region 0: (117.5 TB - 44 TB) / 3 = 24.5 TB; 0x12345678901 < share -> & PUD_MASK = 0x12340000000
        List<Region> r = MemoryKaslr.randomize(4, MAX_PFN_4G, true, RandomSource.sequence(0x12345678901L, 0, 0));
        assertThat(r.get(0).base()).as("page_offset_base").isEqualTo(0xffff89a340000000L);
        // region 1 starts from round_up(0xffff89a340000000 + 11 TB + 1, 1 GiB) = 0xffff94a380000000
        assertThat(r.get(1).base()).as("vmalloc_base").isEqualTo(0xffff94a380000000L);
    }

    @Test
    @Points(2)
    @Hint("Each region draws its own value, in order: page_offset_base, vmalloc_base, vmemmap_base.")
    void theSecondDrawMovesOnlyFromTheSecondRegionOn() {
        // vmalloc share: 73.5 TB / 2; 10 TB + 5 is below it -> entropy 10 TB
        List<Region> r = MemoryKaslr.randomize(4, MAX_PFN_4G, true, RandomSource.sequence(0, 10 * TB + 5, 0));
        assertThat(r.get(0).base()).as("page_offset_base").isEqualTo(0xffff888000000000L);
        assertThat(r.get(1).base()).as("vmalloc_base").isEqualTo(0xffff9d8040000000L);
        // 0xffff9d8040000000 + 32 TB = 0xffffbd8040000000 -> 0xffffbd8080000000
        assertThat(r.get(2).base()).as("vmemmap_base").isEqualTo(0xffffbd8080000000L);
    }

    @Test
    @Points(2)
    @Hint("Without KASLR (nokaslr) the bases are mm.rst's fixed ones and nothing is drawn.")
    void withoutKaslrTheBasesAreFixed() {
        assertThat(MemoryKaslr.randomize(4, MAX_PFN_4G, false, RandomSource.sequence()))
                .as("4-level, nokaslr").extracting(Region::base)
                .containsExactly(0xffff888000000000L, 0xffffc90000000000L, 0xffffea0000000000L);
        assertThat(MemoryKaslr.randomize(5, MAX_PFN_4G, false, RandomSource.sequence()))
                .as("5-level, nokaslr").extracting(Region::base)
                .containsExactly(0xff11000000000000L, 0xffa0000000000000L, 0xffd4000000000000L);
    }

    @Test
    @Points(3)
    @Hint("Random values are unsigned (Long.remainderUnsigned); bases stay 1 GiB-aligned, in order, at least "
            + "1 GiB apart, inside [vaddr_start, vaddr_end).")
    void overManySeedsTheBasesKeepTheirShape() {
        Set<Long> distinct = new HashSet<>();
        for (long seed = 0; seed < 1_000; seed++) {
            List<Region> r = MemoryKaslr.randomize(4, MAX_PFN_4G, true, RandomSource.seeded(seed));
            long floor = 0xffff888000000000L;
            for (Region region : r) {
                assertThat(region.base() & (GB - 1)).as("seed %d: %s aligned", seed, region).isZero();
                assertThat(Long.compareUnsigned(region.base(), floor)).as("seed %d: %s in order", seed, region)
                        .isGreaterThanOrEqualTo(0);
                floor = region.base() + region.sizeTb() * TB + GB;
            }
            assertThat(Long.compareUnsigned(r.get(2).base(), 0xfffffe0000000000L)).as("seed %d: below vaddr_end", seed)
                    .isLessThan(0);
            distinct.add(r.get(0).base());
        }
        assertThat(distinct).as("distinct page_offset_base values over 1000 seeds").hasSizeGreaterThan(950);
    }

    @Test
    @Points(2)
    @Hint("5-level paging runs the same loop from its own start, 0xff11000000000000, with 12800 TB of vmalloc; "
            + "the draws, the unsigned modulo and the 1 GiB (PUD) rounding are the same as on 4-level.")
    void fiveLevelPagingDrawsTheSameWayFromItsOwnStart() {
        // Linux 6.x kaslr.c uses PUD_MASK / PUD_SIZE on both depths (the P4D variant of 4.17-era kernels is gone).
        // 5-level, 4 GiB guest: sizes 11, 12800, 1 TB (regionSizesOfA4GiBMachine). vaddr_end - vaddr_start =
        // 0xfffffe0000000000 - 0xff11000000000000 = 0xeefe << 40 = 61182 TB; remain = 61182 - 12812 = 48370 TB.
        // Region 0's share: 48370 TB / 3 = (0xbcf2 << 40) / 3 = 0x3efb5555555555 bytes.
        // a) rand 0x123456789abc (about 18 TB) is below the share; & PUD_MASK keeps 0x123440000000:
        //    page_offset_base = 0xff11000000000000 + 0x123440000000 = 0xff11123440000000;
        //    + 11 TB (0xb0000000000) = 0xff111d3440000000, + 1 rounded up to 1 GiB: 0xff111d3480000000;
        //    + 12800 TB (0x3200 << 40 = 0x32000000000000) = 0xff431d3480000000 -> 0xff431d34c0000000.
        assertThat(MemoryKaslr.randomize(5, MAX_PFN_4G, true, RandomSource.sequence(0x123456789abcL, 0, 0)))
                .as("5-level, first draw 0x123456789abc").extracting(Region::base)
                .containsExactly(0xff11123440000000L, 0xff111d3480000000L, 0xff431d34c0000000L);
        // b) rand = (share + 1) + 7 GiB + 5 = 0x3efb5555555556 + 0x1c0000005 = 0x3efb571555555b wraps around:
        //    rand % (share + 1) = 7 GiB + 5, & PUD_MASK = 7 GiB = 0x1c0000000:
        //    page_offset_base = 0xff110001c0000000; + 11 TB + 1 -> 0xff110b0200000000; + 12800 TB + 1 ->
        //    0xff430b0240000000.
        assertThat(MemoryKaslr.randomize(5, MAX_PFN_4G, true, RandomSource.sequence(0x3efb571555555bL, 0, 0)))
                .as("5-level, first draw just above the share").extracting(Region::base)
                .containsExactly(0xff110001c0000000L, 0xff110b0200000000L, 0xff430b0240000000L);
    }
}
