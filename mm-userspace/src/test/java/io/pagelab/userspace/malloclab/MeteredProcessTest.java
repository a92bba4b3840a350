package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import org.junit.jupiter.api.Test;

class MeteredProcessTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;
    private final MeteredProcess p = new MeteredProcess(new LabProcess());

    @Test
    void theHeapIsBrkGrowthPlusMappedPages() {
        p.brk(p.startBrk() + 0x21000);
        p.mmap(0, 5000, Prot.USER_RW, ANON); // two pages
        assertThat(p.heapBytes()).isEqualTo(0x21000 + 0x2000);
    }

    @Test
    void thePeakSurvivesUnmapping() {
        long a = p.mmap(0, 0x10000, Prot.USER_RW, ANON);
        p.munmap(a, 0x10000);
        assertThat(p.heapBytes()).isZero();
        assertThat(p.peakHeapBytes()).isEqualTo(0x10000);
    }

    @Test
    void mremapMovesTheRecordedMapping() {
        long a = p.mmap(0, 0x1000, Prot.USER_RW, ANON);
        p.mmap(0, 0x1000, Prot.USER_RW, ANON);
        long b = p.mremap(a, 0x1000, 0x3000, AddressSpace.MREMAP_MAYMOVE);
        assertThat(p.mappedBytes()).isEqualTo(0x1000 + 0x3000);
        assertThat(p.mappingStart(b + 0x2010)).isEqualTo(b);
        assertThat(p.describe(b + 0x10)).isEqualTo("mmap+0x10");
    }

    @Test
    void aPartialMunmapKeepsTheRestOfTheMapping() {
        long a = p.mmap(0, 0x3000, Prot.USER_RW, ANON);
        p.munmap(a + 0x1000, 0x1000);
        assertThat(p.mappedBytes()).isEqualTo(0x2000);
        assertThat(p.mappingStart(a + 0x1000)).isEqualTo(-1);
        assertThat(p.mappingStart(a + 0x2000)).isEqualTo(a + 0x2000);
    }

    @Test
    void heapAddressesAreDescribedFromTheInitialBreak() {
        assertThat(p.describe(p.startBrk() + 0x2a0)).isEqualTo("heap+0x2a0");
        assertThat(p.describe(0)).isEqualTo("null");
    }
}
