package io.pagelab.kernel.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.SparseSections;
import org.junit.jupiter.api.Test;

class MemMapTest {

    private static MemMap twoSections() {
        // sections 0 and 32: pfns 0..0x7fff and 0x100000..0x107fff (4 GiB..4 GiB + 128 MiB)
        return MemMap.of(new long[] {0, 32}, new int[] {0, 0});
    }

    @Test
    void theBuddyAllocatorsShareIsFiveBytesPerFrameForA64GibMachine() {
        SparseSections sections = BootMemory.boot(SampleFirmware.qemu(64L << 30)).sections();
        long[] numbers = sections.sectionNumbers();
        MemMap memMap = MemMap.of(numbers, new int[numbers.length]);
        MemMapFootprint f = memMap.footprint();
        // QEMU puts 3 GiB below 4 GiB (sections 0..23) and 61 GiB from 4 GiB (sections 32..519):
        // 24 + 488 = 512 sections of 32768 frames.
        assertThat(numbers).hasSize(512);
        assertThat(f.frames()).isEqualTo(512L * 32768);
        // per section: state 32768 B + links 16384 * 8 B + pageblock 64 B, each array with a 16-byte
        // header: 32784 + 131088 + 80 = 163952 B for 32768 frames = 5.0034 B per frame.
        assertThat(f.buddyBytes()).isEqualTo(512L * 163952);
        assertThat(f.buddyBytesPerFrame()).isCloseTo(163952.0 / 32768, within(1e-12)).isLessThanOrEqualTo(8.0);
        // refcount 4 B and flags 2 B per frame, no mapcount array until a frame is mapped
        assertThat(f.totalBytesPerFrame()).isCloseTo((163952.0 + 131088 + 65552) / 32768, within(1e-12));
        assertThat(f.mapcountBytes()).isZero();
    }

    @Test
    void aFreshFrameIsReservedWithOneReferenceAndUnmapped() {
        MemMap m = twoSections();
        // __init_single_page(): refcount 1, _mapcount -1; reserve_bootmem_region(): PG_reserved
        assertThat(m.refcount(0x1234)).isEqualTo(1);
        assertThat(m.mapcount(0x1234)).isZero();
        assertThat(m.flags(0x1234)).isEqualTo(PageFlags.PG_RESERVED);
        assertThat(m.state(0x1234)).isEqualTo(FrameState.RESERVED);
        assertThat(m.pageblockMigratetype(0x1234)).as("usemap is zeroed: MIGRATE_UNMOVABLE").isZero();
    }

    @Test
    void aPfnInASectionWithoutMemoryHasNoStructPage() {
        MemMap m = twoSections();
        assertThat(m.pfnValid(0x7fff)).isTrue();
        assertThat(m.pfnValid(0x8000)).isFalse();
        assertThat(m.pfnValid(0x100000)).isTrue();
        assertThat(m.pfnValid(-1)).isFalse();
        assertThatThrownBy(() -> m.refcount(0x8000)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("pfn 0x8000 has no struct page")
                .hasMessageContaining("section 1 ")
                .hasMessageContaining("present sections are 0, 32");
    }

    @Test
    void oneLinkSlotServesBothFramesOfAPair() {
        MemMap m = twoSections();
        m.setPairLinks(0x1235, 42L);
        assertThat(m.pairLinks(0x1234)).isEqualTo(42L);
        assertThat(m.pairLinks(0x1236)).isZero();
    }

    @Test
    void thePageblockMigratetypeCovers512Frames() {
        MemMap m = twoSections();
        m.setPageblockMigratetype(0x200, 1);
        assertThat(m.pageblockMigratetype(0x200)).isEqualTo(1);
        assertThat(m.pageblockMigratetype(0x3ff)).isEqualTo(1);
        assertThat(m.pageblockMigratetype(0x1ff)).isZero();
        assertThat(m.pageblockMigratetype(0x400)).isZero();
        m.setPageblockSkip(0x200, true);
        assertThat(m.pageblockMigratetype(0x200)).as("skip bit leaves the migratetype").isEqualTo(1);
        assertThat(m.pageblockSkip(0x3ff)).isTrue();
        assertThatThrownBy(() -> m.setPageblockMigratetype(0x200, 8)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void theMapcountArrayIsCreatedOnTheFirstMapping() {
        MemMap m = twoSections();
        m.setMapcount(0x100001, 0);
        assertThat(m.footprint().mapcountBytes()).isZero();
        m.setMapcount(0x100001, 2);
        assertThat(m.mapcount(0x100001)).isEqualTo(2);
        assertThat(m.footprint().mapcountBytes()).isEqualTo(16 + 4 * 32768);
        assertThatThrownBy(() -> m.setMapcount(0x100001, -1)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0x100001");
    }

    @Test
    void releasingToTheBuddyAllocatorTouchesOnlyTheRange() {
        MemMap m = twoSections();
        m.setFlag(0x400, PageFlags.PG_DIRTY);
        m.releaseToBuddy(0x400, 4);
        assertThat(m.flags(0x400)).isEqualTo(PageFlags.PG_DIRTY);
        assertThat(m.state(0x403)).isEqualTo(FrameState.TAIL);
        assertThat(m.state(0x404)).isEqualTo(FrameState.RESERVED);
        assertThat(m.refcount(0x403)).isZero();
        assertThat(m.refcount(0x404)).isEqualTo(1);
        assertThat(m.testFlag(0x404, PageFlags.PG_RESERVED)).isTrue();
        assertThatThrownBy(() -> m.releaseToBuddy(0x7ffe, 4)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void flagNamesFollowTheBitOrder() {
        assertThat(PageFlags.names(PageFlags.PG_LRU | PageFlags.PG_REFERENCED | PageFlags.PG_UPTODATE))
                .isEqualTo("referenced|uptodate|lru");
        assertThat(PageFlags.name(PageFlags.PG_RESERVED)).isEqualTo("reserved");
        assertThatThrownBy(() -> PageFlags.name(3)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void sectionNumbersMustAscend() {
        assertThatThrownBy(() -> MemMap.of(new long[] {3, 2}, new int[] {0, 0}))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> MemMap.of(new long[] {3}, new int[] {0, 0}))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
