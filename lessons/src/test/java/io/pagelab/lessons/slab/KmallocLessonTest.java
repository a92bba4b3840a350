package io.pagelab.lessons.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the kmalloc lesson once and checks the numbers it must show. Expected values come from
 * linux-reference.md §4 (kmalloc size classes), §11.1 (percpu) and §11.2 (vmalloc), or are
 * computed by hand in the comments.
 */
class KmallocLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new KmallocLesson());
    }

    @Test
    void smallSizesGoThroughSizeIndexAndLargerOnesThroughFls() {
        // 100: (100 - 1) / 8 = 12; size_index[12] = 7 (the 104..128 entries) -> kmalloc-128, 28 slack
        assertThat(output).contains("size_index[(100-1)/8 = 12] = 7         7  kmalloc-128     128     28");
        // 70: (70 - 1) / 8 = 8; size_index[8] = 1 (72..96 entries) -> kmalloc-96, 26 slack
        assertThat(output).contains("size_index[(70-1)/8 = 8] = 1           1  kmalloc-96       96     26");
        // 300: 299 = 0x12b, highest set bit is 2^8 -> fls = 9 -> kmalloc-512, 512 - 300 = 212 slack
        assertThat(output).contains("fls(300 - 1) = fls(0x12b) = 9          9  kmalloc-512     512    212");
        // 8192 = KMALLOC_MAX_CACHE_SIZE: fls(0x1fff) = 13 -> kmalloc-8k, the last cache
        assertThat(output).contains("fls(8192 - 1) = fls(0x1fff) = 13      13  kmalloc-8k     8192      0");
    }

    @Test
    void kmallocOfZeroIsZeroSizePtrWithKsizeZero() {
        assertThat(output).contains("ZERO_SIZE_PTR      0").contains("ZERO_SIZE_PTR = (void *)16");
    }

    @Test
    void aLargeKmallocIsAWholeOrderOfPages() {
        // 20000 / 4096 = 4.88 -> 5 pages -> get_order = 3 (8 pages = 32768); 32768 - 20000 = 12768
        assertThat(output).contains("kmalloc(20000): 20000 bytes = 4.88 pages → 5 pages → order 3 (8 pages)")
                .contains("ksize() = 32768: 12768 bytes of slack");
    }

    @Test
    void afterFragmentingNoZoneHasABlockOfOrderFourOrMore() {
        // one page pinned in every aligned 16 pages: the largest possible free block is order 3
        String zeros = "     0     0     0     0     0     0     0";
        List<String> after = output.lines().filter(l -> l.contains("after  DMA")).collect(Collectors.toList());
        assertThat(after).hasSize(2).allSatisfy(l -> assertThat(l).endsWith(zeros));
        assertThat(output).contains("page allocation failure: order:4");
    }

    @Test
    void vmallocGetsTheFirstAreaWithItsGuardPage() {
        // §11.2: VMALLOC_START = 0xffffc90000000000; 64 KiB = 16 pages + 1 guard = 17 * 4096 = 69632
        // = 0x11000; s_show prints "%7ld", so three spaces before 69632
        assertThat(output).contains("0xffffc90000000000-0xffffc90000011000   69632")
                .contains("pages=16 vmalloc N0=16")
                .contains("0xffffc90000010000  →  not mapped: the guard page");
        // the pinned pages are 15 mod 16, so no free run of 2 pages can span groups 14..0 twice in a row
        assertThat(output).contains("physically 16 pages, no two of them side by side");
    }

    @Test
    void theVmallocAreaUsesFourKibPagesWhereTheDirectMapUsesTwoMib() {
        // a 256 MiB machine's direct map is all 2 MiB-aligned RAM: PMD pages; vmalloc maps 4 KiB PTEs
        assertThat(output).contains("in a 2 MiB direct-map page").contains("in a 4 KiB page of its own");
    }

    @Test
    void thePercpuBootLineMatchesARealKernelForOneCpuAndSharesTheAtomForFour() {
        // §11.1, a real line: size_sum = 299008 + 8192 + 28672 = 335872 = 82 pages; 1 CPU: u = 2 MiB
        assertThat(output).contains("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u2097152");
        // 4 CPUs: upa starts at 2097152 / 335872 = 6; 6 and 5 do not divide 2 MiB into whole pages,
        // 4 does (524288); 4 CPUs waste no unit, so u = 524288 and one 2 MiB allocation holds all four
        assertThat(output).contains("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u524288")
                .contains("pcpu-alloc: s299008 r8192 d28672 u524288 alloc=1*2097152")
                .contains("pcpu-alloc: [0] 0 1 2 3");
    }

    @Test
    void eachCpusCopyIsThePointerPlusItsPerCpuOffset() {
        // the first dynamic allocation starts right after static + reserved: 299008 + 8192 = 307200
        // = 0x4b000; copies are one unit (524288 = 0x80000) apart; 5 + 3 + 7 + 1 = 16 increments
        assertThat(output).contains("returned ptr = 0x4b000")
                .contains("Copies are 0x80000 = 512 KiB (one unit) apart")
                .contains("the total is their sum: 16.");
        Pattern row = Pattern.compile("^\\s+│\\s+(\\d)  0x([0-9a-f]{16})\\s+0x([0-9a-f]{16})\\s+(\\d+)\\s+(\\d+)$");
        int rows = 0;
        long previous = -1;
        for (String line : output.lines().collect(Collectors.toList())) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                long offset = Long.parseUnsignedLong(m.group(2), 16);
                long copy = Long.parseUnsignedLong(m.group(3), 16);
                assertThat(copy - offset).as(line).isEqualTo(0x4b000);
                if (previous != -1) {
                    assertThat(offset - previous).as(line).isEqualTo(0x80000);
                }
                assertThat(m.group(5)).as("each copy holds its own CPU's increments: " + line).isEqualTo(m.group(4));
                previous = offset;
                rows++;
            }
        }
        assertThat(rows).isEqualTo(4);
    }

    @Test
    void theSummaryCoversItsFourQuestions() {
        assertThat(output).contains("q38 ").contains("q41 ").contains("q42 ").contains("q43 ")
                .contains("kmalloc vs vmalloc vs percpu");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new KmallocLesson())).isEqualTo(output);
    }
}
