package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.kernel.mm.MappedFile;
import io.pagelab.kernel.mm.Vma;
import org.junit.jupiter.api.Test;

/** numa_maps lines of the captured regions (see SmapsTest for what each region did). One node: N0. */
class NumaMapsTest {

    private static String captured(String label) {
        long start = ProcSamples.region(label)[0];
        return ProcSamples.lineStartingWith("numa_maps", Long.toHexString(start) + " ");
    }

    private static Vma anon(String label) {
        long[] r = ProcSamples.region(label);
        return Vma.anonymous(r[0], r[1], Vma.VM_READ | Vma.VM_WRITE, null);
    }

    @Test
    void sharedAfterForkShowsMapmax() {
        // D: 8 dirty anon pages on the inactive list, 6 of them mapped by parent and child: mapmax=2.
        // pages == anon, so no mapped=; not all active, so active=0.
        NumaMapsStats md = new NumaMapsStats();
        for (int i = 0; i < 8; i++) {
            md.gather(NumaPage.of(0, i < 2 ? 1 : 2, true, true, false));
        }
        assertThat(NumaMaps.line(anon("D"), "default", md)).isEqualTo(captured("D"));
    }

    @Test
    void privateAnonymousPagesWrittenOnce() {
        NumaMapsStats md = new NumaMapsStats();
        for (int i = 0; i < 4; i++) {
            md.gather(NumaPage.of(0, 1, true, true, false));
        }
        assertThat(NumaMaps.line(anon("A"), "default", md)).isEqualTo(captured("A"));
    }

    @Test
    void aVmaWithoutNormalPagesStopsAfterThePolicy() {
        // B has no page; Z maps only the zero page, which can_gather_numa_stats() skips
        assertThat(NumaMaps.line(anon("B"), "default", new NumaMapsStats())).isEqualTo(captured("B"));
        assertThat(NumaMaps.line(anon("Z"), "default", new NumaMapsStats())).isEqualTo(captured("Z"));
    }

    @Test
    void mlockedPagesAreUnevictableSoActiveIsLeftOut() {
        // L: unevictable counts as active, active == pages, so no active= field
        NumaMapsStats md = new NumaMapsStats();
        for (int i = 0; i < 4; i++) {
            md.gather(NumaPage.of(0, 1, true, true, true));
        }
        assertThat(NumaMaps.line(anon("L"), "default", md)).isEqualTo(captured("L"));
    }

    @Test
    void sharedAnonymousMemoryShowsItsEscapedDeletedFile() {
        // C: 2 dirty shmem pages; the path "/dev/zero (deleted)" has its space escaped as \040;
        // pages == dirty, so no mapped=
        NumaMapsStats md = new NumaMapsStats();
        md.gather(NumaPage.of(0, 1, false, true, false));
        md.gather(NumaPage.of(0, 1, false, true, false));
        assertThat(NumaMaps.line(ProcSamples.region("C")[0], "default", "/dev/zero (deleted)", false, false, false,
                4096, md)).isEqualTo(captured("C"));
    }

    @Test
    void cleanFilePagesShowMapped() {
        // F: 4 clean page-cache pages: neither anon nor dirty, so mapped=4 is printed
        long[] r = ProcSamples.region("F");
        Vma f = Vma.fileBacked(r[0], r[1], Vma.VM_READ, 0, new MappedFile("/tmp/pagelab-proc-sample.dat", 254, 0, 1));
        NumaMapsStats md = new NumaMapsStats();
        for (int i = 0; i < 4; i++) {
            md.gather(NumaPage.of(0, 1, false, false, false));
        }
        assertThat(NumaMaps.line(f, "default", md)).isEqualTo(captured("F"));
    }

    @Test
    void heapAndStackAreNamedAndNodesAreListedInOrder() {
        Vma heap = Vma.anonymous(0x555555559000L, 0x55555557a000L, Vma.VM_READ | Vma.VM_WRITE, "[heap]");
        NumaMapsStats md = new NumaMapsStats();
        md.gather(NumaPage.of(1, 1, true, true, false));
        md.gather(NumaPage.of(0, 1, true, true, true));
        assertThat(NumaMaps.line(heap, "interleave:0-1", md))
                .isEqualTo("555555559000 interleave:0-1 heap anon=2 dirty=2 active=1 N0=1 N1=1 kernelpagesize_kB=4\n");
    }

    @Test
    void pathsEscapeTabsNewlinesEqualsAndSpaces() {
        assertThat(NumaMaps.escape("/a b\tc=d\ne")).isEqualTo("/a\\040b\\011c\\075d\\012e");
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> NumaPage.of(1024, 1, true, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id 1024");
        assertThatThrownBy(() -> NumaMaps.line(0, "bind 0", null, false, false, false, 4096, new NumaMapsStats()))
                .hasMessageContaining("one word");
    }
}
