package io.pagelab.lessons.kernelmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the kernelmap lesson once and checks what it must show. Fixed values come from
 * linux-reference.md §1.4 (mm.rst, page_64_types.h) and §14.1/§14.2 (KASLR); the seeded values are
 * recomputed here by hand from the kernel's formulas and the documented random stream
 * (RandomSource.seeded(s) is SplittableRandom(s): "Physical", then "Virtual", then one per region).
 */
class KernelMapLessonTest {

    private static final long MIB = 1L << 20;
    private static final long TB = 1L << 40;
    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new KernelMapLesson());
    }

    @Test
    void theCanonicalHalvesAndTaskSizeMax() {
        // (1 << 47) - 4096 = 0x7ffffffff000 (page_64_types.h)
        assertThat(output).contains("TASK_SIZE_MAX = 2^47 - 4096 = 0x00007ffffffff000")
                .contains("0xffff800000000000  ┘").contains("0x00007fffffffffff  ┐");
    }

    @Test
    void theMapShowsMmRstsRows() {
        // linux-reference.md §1.4
        assertThat(output).contains("ffff888000000000     64 TB  direct mapping of all physical memory (page_offset_base)")
                .contains("ffffc90000000000     32 TB  vmalloc/ioremap space (vmalloc_base)")
                .contains("ffffea0000000000      1 TB  virtual memory map (vmemmap_base)")
                .contains("ffffffff80000000    512 MB  kernel text mapping, mapped to physical address 0")
                .contains("ffffffffa0000000   1520 MB  module mapping space");
    }

    @Test
    void addressesAreClassifiedIntoTheirRegions() {
        // 0xffffffffc0a01000 lies in [0xffffffffa0000000, 0xfffffffffeffffff]: modules (512 MiB image)
        assertThat(output).contains("0x0000800000000000  NON_CANONICAL")
                .contains("0xffff888012345678  DIRECT_MAP")
                .contains("0xffffc90000123000  VMALLOC")
                .contains("0xffffffffc0a01000  MODULES")
                .contains("0xffffffffff600000  VSYSCALL");
    }

    @Test
    void paAndVaAreSubtractions() {
        // 0xffff888012345678 - 0xffff888000000000 = 0x12345678;
        // 0xffffffff81234567 - 0xffffffff80000000 = 0x1234567, + phys_base 0x4000000 = 0x5234567
        assertThat(output).contains("__pa(0xffff888012345678) = 0x12345678")
                .contains("__va(0x12345678) = 0xffff888012345678")
                .contains("__pa(0xffffffff81234567) = 0x1234567   (phys_base 0)")
                .contains("__pa(0xffffffff81234567) = 0x5234567   (phys_base 0x4000000)")
                .contains("0xffffffff81000000 in the text mapping and 0xffff888001000000 in the direct map");
        assertThat(output).contains("__pa(0xffffc90000123000) refused");
    }

    @Test
    void structPageIsVmemmapPlusPfnTimesSixtyFour() {
        // 0x12345 * 0x40 = 0x48d140; 0x13ffff * 0x40 = 0x4ffffc0
        assertThat(output).contains("= 0xffffea0000000000 + 0x12345 × 64 = 0xffffea000048d140")
                .contains("page_to_pfn(0xffffea000048d140)  = 0x12345")
                .contains("pfn_to_page(0x13ffff) = 0xffffea0004ffffc0");
    }

    @Test
    void fiveLevelPagingMovesTheBases() {
        // linux-reference.md §1.4: 5-level direct map ff11000000000000, vmalloc ffa0000000000000,
        // vmemmap ffd4000000000000; TASK_SIZE_MAX (1 << 56) - 4096
        assertThat(output).contains("TASK_SIZE_MAX        0x00007ffffffff000    0x00fffffffffff000")
                .contains("PAGE_OFFSET          0xffff888000000000    0xff11000000000000")
                .contains("VMALLOC_START        0xffffc90000000000    0xffa0000000000000")
                .contains("vmemmap              0xffffea0000000000    0xffd4000000000000");
    }

    @Test
    void withoutKaslrTheKernelRunsAtSixteenMib() {
        // §14.1: LOAD_PHYSICAL_ADDR = ALIGN(0x1000000, 0x200000); a bzImage at 1 MiB aligns to
        // 0x200000, below 0x1000000, so it is raised to 0x1000000; _text = 0xffffffff81000000
        assertThat(output).contains("LOAD_PHYSICAL_ADDR = ALIGN(0x1000000, 0x200000) = 0x1000000")
                .contains("below it -> 0x1000000")
                .contains("_text = __START_KERNEL_map + 0x1000000 = 0xffffffff81000000")
                .contains("nokaslr             0x1000000    0xffffffff81000000   0x0")
                .contains("KASLR disabled: 'nokaslr' on cmdline.");
    }

    @Test
    void theSlotsAreCountedAroundTheAvoidedRanges() {
        // usable [0x100000, 0xbffe0000) from 0x1000000, cut by ZO [0x3400000, 0x4000000) and
        // initrd [0xbcc00000, 0xbfc00000); a 0x2600000 (38 MiB) kernel:
        //   [0x1000000, 0x3400000) = 36 MiB: too small
        //   [0x4000000, 0xbcc00000) = 0xb8c00000: (0xb8c00000 - 0x2600000) / 2 MiB + 1 = 1459 + 1 = 1460
        //   [0xbfc00000, 0xbffe0000): too small
        //   [0x100000000, 0x140000000) = 1 GiB: (1024 - 38) / 2 + 1 = 494
        // virtual (§14.1): (1024 - 16 - 38) / 2 + 1 = 486
        assertThat(output).contains("slots from 0x4000000     1460  (0x4000000 .. 0xba600000)")
                .contains("slots from 0x100000000    494  (0x100000000 .. 0x13da00000)")
                .contains("total physical slots       1954")
                .contains("virtual slots               486");
    }

    @Test
    void aSeededBootPlacesTheKernelByTheKernelsFormulas() {
        SplittableRandom random = new SplittableRandom(KernelMapLesson.SEED);
        // find_random_phys_addr: slot = random % 1954, in the first area (1460 slots) or the second
        long slot = Long.remainderUnsigned(random.nextLong(), 1954);
        long physical = slot < 1460 ? 0x4000000L + slot * 2 * MIB : 0x100000000L + (slot - 1460) * 2 * MIB;
        // find_random_virt_addr: (random % 486) * 2 MiB + 16 MiB
        long offset = Long.remainderUnsigned(random.nextLong(), 486) * 2 * MIB + 16 * MIB;
        String line = String.format(Locale.ROOT, "%-18s  %-11s  0x%016x   0x%x", "seed 42", "0x" + Long.toHexString(physical),
                0xffffffff80000000L + offset, physical - offset);
        // the same seed twice: the line appears twice
        assertThat(output.split(java.util.regex.Pattern.quote(line), -1)).hasSize(3);
    }

    @Test
    void theRegionSizesAndTheRoomToShare() {
        // §14.2: direct map = DIV_ROUND_UP(0x140000 << 12 = 5 GiB, 1 TB) + 10 = 11 TB; vmalloc 32 TB;
        // vmemmap = DIV_ROUND_UP(11 TB / 4096 * 64 = 176 GiB, 1 TB) = 1 TB;
        // room = 0xfffffe0000000000 - 0xffff888000000000 = 0x758000000000 = 117.5 TB, - 44 TB = 73.5 TB
        assertThat(output).contains("direct map  11 TB").contains("vmalloc     32 TB").contains("vmemmap      1 TB")
                .contains("- 44 TB = 73.5 TB");
    }

    @Test
    void pageOffsetBaseMovesByWholeGibibytesFromTheSameStream() {
        SplittableRandom random = new SplittableRandom(KernelMapLesson.SEED);
        random.nextLong(); // Physical
        random.nextLong(); // Virtual
        // kernel_randomize_memory, region 0: entropy = (rand % (remain / 3 + 1)) & PUD_MASK
        long remain = (long) (73.5 * TB);
        long entropy = Long.remainderUnsigned(random.nextLong(), remain / 3 + 1) & -(1L << 30);
        long base = 0xffff888000000000L + entropy;
        assertThat(output).contains(String.format(Locale.ROOT, "page_offset_base moved up by 0x%x = %d GiB;", entropy,
                entropy >> 30));
        assertThat(output).contains(String.format(Locale.ROOT, "__va(0x12345678) is now 0x%016x.", base + 0x12345678L));
        // without KASLR the bases are mm.rst's
        assertThat(output).contains("page_offset_base  0xffff888000000000")
                .contains("vmalloc_base      0xffffc90000000000")
                .contains("vmemmap_base      0xffffea0000000000");
    }

    @Test
    void theSummaryCoversItsSixQuestions() {
        assertThat(output).contains("q03 ").contains("q04 ").contains("q16 ").contains("q19 ").contains("q20 ")
                .contains("q21 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new KernelMapLesson())).isEqualTo(output);
    }
}
