package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmapsRollupTest {

    @Test
    void theHeaderSpansTheFirstVmaToTheStackWithoutTheVsyscallPage() {
        // captured smaps: the first VMA starts at 555555554000 (the binary), the last before the gate
        // VMA [vsyscall] is [stack], ending at 7ffffffff000
        List<String> entries = ProcSamples.smapsEntries();
        String first = entries.get(0);
        String stack = entries.get(entries.size() - 2);
        assertThat(ProcSamples.firstLine(stack)).endsWith("[stack]\n");
        long start = Long.parseUnsignedLong(first.substring(0, first.indexOf('-')), 16);
        long end = Long.parseUnsignedLong(stack.substring(stack.indexOf('-') + 1, stack.indexOf(' ')), 16);
        String rendered = SmapsRollup.render(start, end, new MemSizeStats());
        assertThat(rendered.substring(0, rendered.indexOf('\n') + 1))
                .isEqualTo(ProcSamples.lineStartingWith("smaps_rollup", "555555554000-"));
    }

    @Test
    void theLinesComeInTheCapturedOrderWithTheRollupOnlyPssSplit() {
        List<String> expected = labels(ProcSamples.file("smaps_rollup"));
        List<String> actual = labels(SmapsRollup.render(0x555555554000L, 0x7ffffffff000L, new MemSizeStats()));
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(actual).contains("Pss_Anon:", "Pss_File:", "Pss_Shmem:").doesNotContain("Size:", "VmFlags:");
    }

    @Test
    void theRollupOfTheCapturedRegionsSumsTheirPages() {
        // the pages of regions D, A, C, L, F (see SmapsTest), accounted into one accumulator:
        //  D: 2 private + 6 shared (mapcount 2) dirty anon; A: 4 private dirty anon;
        //  C: 2 private dirty shmem; L: 4 private dirty anon, locked; F: 4 private clean file.
        // Rss = 32 + 16 + 8 + 16 + 16 = 88 kB. Pss = 20 + 16 + 8 + 16 + 16 = 76 kB, of which
        // anon 20 + 16 + 16 = 52, shmem 8, file 16; Pss_Dirty = 76 - 16 (clean file) = 60.
        // Shared_Dirty 24; Private_Dirty 8 + 16 + 8 + 16 = 48; Private_Clean 16; Anonymous 32 + 16 + 16 = 64.
        MemSizeStats s = new MemSizeStats();
        for (int i = 0; i < 2; i++) {
            s.accountPage(PageKind.ANON, 1, true, true, false);
        }
        for (int i = 0; i < 6; i++) {
            s.accountPage(PageKind.ANON, 2, true, true, false);
        }
        for (int i = 0; i < 4; i++) {
            s.accountPage(PageKind.ANON, 1, true, true, false);
            s.accountPage(PageKind.ANON, 1, true, true, true);
            s.accountPage(PageKind.FILE, 1, true, false, false);
        }
        for (int i = 0; i < 2; i++) {
            s.accountPage(PageKind.SHMEM, 1, true, true, false);
        }
        VmaSet vmas = new VmaSet();
        vmas.insert(Vma.anonymous(0x7ffff7cd2000L, 0x7ffff7cda000L, Vma.VM_READ, null));
        vmas.insert(Vma.anonymous(0x7ffff7d92000L, 0x7ffff7d96000L, Vma.VM_READ, null));
        assertThat(SmapsRollup.render(vmas, s)).isEqualTo(""
                + "7ffff7cd2000-7ffff7d96000 ---p 00000000 00:00 0                          [rollup]\n"
                + "Rss:                  88 kB\n"
                + "Pss:                  76 kB\n"
                + "Pss_Dirty:            60 kB\n"
                + "Pss_Anon:             52 kB\n"
                + "Pss_File:             16 kB\n"
                + "Pss_Shmem:             8 kB\n"
                + "Shared_Clean:          0 kB\n"
                + "Shared_Dirty:         24 kB\n"
                + "Private_Clean:        16 kB\n"
                + "Private_Dirty:        48 kB\n"
                + "Referenced:           88 kB\n"
                + "Anonymous:            64 kB\n"
                + "KSM:                   0 kB\n"
                + "LazyFree:              0 kB\n"
                + "AnonHugePages:         0 kB\n"
                + "ShmemPmdMapped:        0 kB\n"
                + "FilePmdMapped:         0 kB\n"
                + "Shared_Hugetlb:        0 kB\n"
                + "Private_Hugetlb:       0 kB\n"
                + "Swap:                  0 kB\n"
                + "SwapPss:               0 kB\n"
                + "Locked:               16 kB\n");
    }

    @Test
    void anEmptyAddressSpaceRollsUpToTheZeroRange() {
        assertThat(SmapsRollup.render(new VmaSet(), new MemSizeStats()))
                .startsWith("00000000-00000000 ---p 00000000 00:00 0                                  [rollup]\n");
    }

    @Test
    void theCapturedRollupAgreesWithTheSumOfTheCapturedSmapsForAdditiveFields() {
        // a property of Linux itself, checked on the capture: Rss, Shared/Private, Anonymous, Locked
        // are integer byte sums, so the rollup equals the sum of the per-VMA lines
        String rollup = ProcSamples.file("smaps_rollup");
        for (String field : new String[] {"Rss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
            "Anonymous", "Referenced"}) {
            long sum = 0;
            for (String e : ProcSamples.smapsEntries()) {
                sum += ProcSamples.kb(e, field);
            }
            assertThat(ProcSamples.kb(rollup, field)).as(field).isEqualTo(sum);
        }
    }

    private static List<String> labels(String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            out.add(lines[i].substring(0, lines[i].indexOf(':') + 1));
        }
        return out;
    }
}
