package io.pagelab.kernel.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelLayout32Test {

    private final KernelLayout32 twoGiB = KernelLayout32.classic(2L << 30);

    @Test
    void lowmemIsTheDirectMapOfTheFirst896MiB() {
        // seed Q19: pa(0xC0100000) = 0x100000, va(0x1000) = 0xC0001000
        assertThat(twoGiB.pa(0xC0100000L)).isEqualTo(0x100000L);
        assertThat(twoGiB.va(0x1000L)).isEqualTo(0xC0001000L);
        // 0xC0000000 + 896 MiB = 0xF8000000
        assertThat(twoGiB.highMemory()).isEqualTo(0xF8000000L);
        assertThat(twoGiB.classify(0xF7FFFFFFL).kind()).isEqualTo(RegionKind.DIRECT_MAP);
    }

    @Test
    void the8MiBAboveHighMemoryIsTheVmallocOffsetGap() {
        // seed Q19: 0xC0000000 + 896M + 4M lies in the 8 MiB VMALLOC_OFFSET gap
        assertThat(twoGiB.classify(0xC0000000L + (896L << 20) + (4L << 20)).kind())
                .isEqualTo(RegionKind.VMALLOC_OFFSET_GAP);
        // (0xF8000000 + 2 * 8 MiB - 1) & ~(8 MiB - 1) = 0xF8800000
        assertThat(twoGiB.vmallocStart()).isEqualTo(0xF8800000L);
        assertThat(twoGiB.classify(0xF8800000L).kind()).isEqualTo(RegionKind.VMALLOC);
    }

    @Test
    void pkmapAndFixmapSitAtTheTop() {
        // PKMAP_BASE = (0xFFF00000 - 4096 * 1025) & ~(4 MiB - 1) = 0xFFAFF000 & 0xFFC00000 = 0xFF800000
        assertThat(twoGiB.pkmapBase()).isEqualTo(0xFF800000L);
        assertThat(twoGiB.vmallocEnd()).isEqualTo(0xFF7FE000L);
        assertThat(twoGiB.classify(0xFF800000L).kind()).isEqualTo(RegionKind.PKMAP);
        assertThat(twoGiB.classify(0xFFBFF000L).kind()).isEqualTo(RegionKind.PKMAP);
        // seed Q19: 0xFFFFE000 is in the fixmap, FIXADDR_TOP = 0xFFFFF000
        assertThat(twoGiB.classify(0xFFFFE000L).kind()).isEqualTo(RegionKind.FIXMAP);
        assertThat(twoGiB.classify(0xFFFFF000L).kind()).isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(twoGiB.classify(0xFF7FE000L).kind()).as("guard pages before pkmap").isEqualTo(RegionKind.UNUSED_HOLE);
    }

    @Test
    void paRefusesEverythingButLowmemAndVaRefusesHighmem() {
        assertThatThrownBy(() -> twoGiB.pa(0xF8800000L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("vmalloc").hasMessageContaining("0xf7ffffff");
        assertThatThrownBy(() -> twoGiB.pa(0x08048000L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("user-space");
        assertThatThrownBy(() -> twoGiB.va(0x38000000L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("highmem");
    }

    @Test
    void smallMachinesEndLowmemAtTheirRamAndRoundTheVmallocStart() {
        // 512 MiB: high_memory 0xE0000000, VMALLOC_START (0xE0000000 + 0xFFFFFF) & ~0x7FFFFF = 0xE0800000
        KernelLayout32 small = KernelLayout32.classic(512L << 20);
        assertThat(small.highMemory()).isEqualTo(0xE0000000L);
        assertThat(small.vmallocStart()).isEqualTo(0xE0800000L);
        // 31 MiB: high_memory 0xC1F00000; (0xC1F00000 + 0xFFFFFF) & ~0x7FFFFF = 0xC2800000, a 9 MiB gap
        KernelLayout32 tiny = KernelLayout32.classic(31L << 20);
        assertThat(tiny.vmallocStart()).isEqualTo(0xC2800000L);
        assertThat(tiny.vmallocStart() - tiny.highMemory()).isEqualTo(9L << 20);
    }

    @Test
    void realPaeBootPrintsItsLayoutLikeMemInit() {
        // a real 32-bit PAE boot (unix.stackexchange "What is the layout of kernel space in 32bit linux"),
        // Linux >= 2.6.26: lowmem ends at MAXMEM = VMALLOC_END - PAGE_OFFSET - 128 MiB = 0x377fe000 (887 MB)
        KernelLayout32 real = KernelLayout32.of(0xf77fe000L, 0xf7ffe000L, 0xff800000L, 512, 0xffc57000L);
        assertThat(real.virtualKernelMemoryLayout()).containsExactly(
                "virtual kernel memory layout:",
                "    fixmap  : 0xffc57000 - 0xfffff000   (3744 kB)",
                "    pkmap   : 0xff800000 - 0xffa00000   (2048 kB)",
                "    vmalloc : 0xf7ffe000 - 0xff7fe000   ( 120 MB)",
                "    lowmem  : 0xc0000000 - 0xf77fe000   ( 887 MB)");
    }

    @Test
    void regionsCoverThe4GiBExactlyOnce() {
        List<MemoryRegion> regions = twoGiB.regions();
        assertThat(regions.get(0).start()).isZero();
        assertThat(regions.get(regions.size() - 1).end()).isEqualTo(0xFFFFFFFFL);
        for (int i = 1; i < regions.size(); i++) {
            assertThat(regions.get(i).start()).isEqualTo(regions.get(i - 1).end() + 1);
        }
        assertThat(twoGiB.classify(0xBFFFFFFFL).kind()).isEqualTo(RegionKind.USER);
    }

    @Test
    void badLayoutsAndAddressesAreRefused() {
        assertThatThrownBy(() -> KernelLayout32.of(0xf8000000L, 0xf8000000L, 0xff800000L, 1024, 0xfff00000L))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("VMALLOC_START");
        assertThatThrownBy(() -> twoGiB.classify(1L << 32)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> KernelLayout32.classic(4095)).isInstanceOf(InvalidArgumentException.class);
    }
}
