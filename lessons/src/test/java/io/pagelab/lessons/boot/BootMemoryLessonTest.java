package io.pagelab.lessons.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the e820 lesson once, without colour, and checks the facts it must show. Expected values
 * come from the real dmesg of linux-reference.md §2.4 (a) or are computed by hand in the comments.
 */
class BootMemoryLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BootMemoryLesson().run(LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        output = bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theBiosWalkTakesEightCallsAndEndsWhenEbxComesBackZero() {
        // §2.4 (a) has 8 entries; one call each, the 8th returns EBX = 0
        assertThat(output).contains("   1     0x0  →  0   'SMAP'     0x1   [mem 0x0000000000000000-0x000000000009fbff] usable");
        assertThat(output).contains("   8     0x7  →  0   'SMAP'     0x0   [mem 0x0000000100000000-0x000000013fffffff] usable");
        assertThat(output).contains("8 calls, 8 entries");
    }

    @Test
    void theTableIsPrintedAsTheRealDmesgPrintsIt() {
        // verbatim from linux-reference.md §2.4 (a)
        assertThat(output).contains("BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable")
                .contains("BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved");
    }

    @Test
    void theKernelsEarlyEditsAndEndOfRamMatchTheRealBootLog() {
        // verbatim from linux-reference.md §2.4 (a)
        assertThat(output).contains("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved")
                .contains("e820: remove [mem 0x000a0000-0x000fffff] usable")
                .contains("last_pfn = 0x140000 max_arch_pfn = 0x400000000");
    }

    @Test
    void thePciGapIsTheHoleFromThreeToAlmostFourGib() {
        // e820_search_gap by hand: scanning down from 4 GiB, the biggest gap is between the end of
        // the reserved entry at 0xbfffffff and the start of the one at 0xfeffc000
        assertThat(output).contains("[mem 0xc0000000-0xfeffbfff] available for PCI devices");
    }

    @Test
    void theLinearOverviewShowsThePciHoleAndTheZoomShowsTheLegacyHole() {
        // 80 MiB per character: 38 of RAM, 13 of PCI hole, 13 of RAM above 4 GiB (see AddressSpaceBarTest)
        assertThat(output).contains("█".repeat(38) + "·".repeat(13) + "█".repeat(13));
        // 16 KiB per character: 40 of low RAM, 20 of legacy hole 0xa0000-0xeffff, 4 of BIOS ROM
        assertThat(output).contains("█".repeat(40) + "·".repeat(20) + "▒".repeat(4));
        assertThat(output).contains("1 character = 80 MiB").contains("1 character = 16 KiB")
                .contains("log2(size in KiB)");
    }

    @Test
    void theLogChartNamesBothHoles() {
        assertThat(output).contains("0x0000a0000-0x0000effff  (hole)")
                .contains("legacy VGA/ROM window")
                .contains("0x0c0000000-0x0feffbfff  (hole)")
                .contains("PCI hole");
        assertThat(output).contains("usable RAM").contains("reserved by firmware").contains("hole: no e820 entry");
    }

    @Test
    void memblockHoldsThePageTrimmedRamRanges() {
        // e820 usable ranges after page 0 became reserved: 0x1000-0x9fbff, trimmed to whole pages
        // (0x9f000 is PFN_DOWN(0x9fc00)), then the two big ranges unchanged (§2.4 (a) node ranges)
        assertThat(output).contains("memory[0x0] [0x0000000000001000-0x000000000009efff]")
                .contains("memory[0x1] [0x0000000000100000-0x00000000bffdffff]")
                .contains("memory[0x2] [0x0000000100000000-0x000000013fffffff]");
    }

    @Test
    void anEarlyAllocationTakesTheHighestFreePage() {
        // top-down below the limit max_pfn << 12 = 0x140000000: nothing is reserved up there,
        // so the last page of RAM, 0x13ffff000
        assertThat(output).contains("got page 0x13ffff000").contains("reserved grew by 4 KiB");
    }

    @Test
    void theZonesAndNodeRangesMatchTheRealBoot() {
        // verbatim from linux-reference.md §2.4 (a)
        assertThat(output).contains("  DMA      [mem 0x0000000000001000-0x0000000000ffffff]")
                .contains("  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]")
                .contains("  Normal   [mem 0x0000000100000000-0x000000013fffffff]")
                .contains("  node   0: [mem 0x0000000000001000-0x000000000009efff]")
                .contains("On node 0, zone DMA: 97 pages in unavailable ranges")
                .contains("On node 0, zone Normal: 32 pages in unavailable ranges");
    }

    @Test
    void thePresentPagesAreTheTotalPagesOfTheRealBoot() {
        // node ranges in pages: 0x9e (158) + 0xbfee0 (786144) + 0x40000 (262144) = 1,048,446,
        // the "Total pages: 1048446" of §2.4 (a)
        assertThat(output).contains("Pages present in the zones: 1,048,446");
    }

    @Test
    void theLessonCoversItsFiveQuestionsInItsSummary() {
        assertThat(output).contains("q01 ").contains("q02 ").contains("q05 ").contains("q06 ").contains("q07 ");
    }

    @Test
    void runningTwiceGivesTheSameText() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BootMemoryLesson().run(LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8)));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(output);
    }
}
