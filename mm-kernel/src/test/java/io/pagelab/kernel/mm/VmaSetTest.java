package io.pagelab.kernel.mm;

import static io.pagelab.kernel.mm.Vma.VM_READ;
import static io.pagelab.kernel.mm.Vma.VM_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmaSetTest {
    private static final int RW = VM_READ | VM_WRITE;
    private static final MappedFile LIBC =
            new MappedFile("/usr/lib/x86_64-linux-gnu/libc.so.6", 9, 0, 533580);

    @Test
    void misalignedOrEmptyVmaIsRefused() {
        assertThatThrownBy(() -> Vma.anonymous(0x1001, 0x2000, RW, null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not page aligned");
        assertThatThrownBy(() -> Vma.anonymous(0x2000, 0x2000, RW, null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("must be below end");
    }

    @Test
    void overlappingInsertIsRefusedAndLeavesTheSetUnchanged() {
        VmaSet set = new VmaSet();
        set.insert(Vma.anonymous(0x10000, 0x14000, RW, null));
        assertThatThrownBy(() -> set.insert(Vma.anonymous(0x13000, 0x15000, RW, null)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("13000-15000 overlaps existing vma 10000-14000");
        assertThat(set.size()).isEqualTo(1);
    }

    @Test
    void findVmaReturnsFirstVmaEndingAboveTheAddress() {
        VmaSet set = new VmaSet();
        Vma a = set.insert(Vma.anonymous(0x10000, 0x12000, RW, null));
        Vma b = set.insert(Vma.anonymous(0x20000, 0x22000, RW, null));
        // find_vma: inside a -> a; in the gap -> b (the next one); at a.end (exclusive) -> b; past b -> none
        assertThat(set.findVma(0x11fff)).contains(a);
        assertThat(set.findVma(0x12000)).contains(b);
        assertThat(set.findVma(0x5000)).contains(a);
        assertThat(set.findVma(0x22000)).isEmpty();
    }

    @Test
    void adjacentAnonymousVmasWithSameFlagsMergeThreeIntoOne() {
        VmaSet set = new VmaSet();
        set.map(Vma.anonymous(0x10000, 0x11000, RW, null));
        set.map(Vma.anonymous(0x12000, 0x13000, RW, null));
        // filling the hole: prev absorbs the new range and next (6.5 case 3 -> 1); pgoff = 0x10000 >> 12
        Vma merged = set.map(Vma.anonymous(0x11000, 0x12000, RW, null));
        assertThat(set.list()).containsExactly(new Vma(0x10000, 0x13000, RW, 0x10, null, null));
        assertThat(merged.end()).isEqualTo(0x13000);
    }

    @Test
    void differentFlagsDoNotMergeButSoftDirtyIsIgnored() {
        VmaSet set = new VmaSet();
        set.map(Vma.anonymous(0x10000, 0x11000, RW, null));
        set.map(Vma.anonymous(0x11000, 0x12000, VM_READ, null));
        assertThat(set.size()).isEqualTo(2);
        set.map(Vma.anonymous(0x12000, 0x13000, VM_READ | Vma.VM_SOFTDIRTY, null));
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void fileVmasMergeOnlyWithContiguousPgoff() {
        VmaSet set = new VmaSet();
        // pages 0..1 of libc at 0x100000; next 2 pages at 0x102000 are file pages 2..3: contiguous
        set.map(Vma.fileBacked(0x100000, 0x102000, VM_READ, 0, LIBC));
        set.map(Vma.fileBacked(0x102000, 0x104000, VM_READ, 2, LIBC));
        assertThat(set.size()).isEqualTo(1);
        // file page 9 at 0x104000 would need pgoff 4: not contiguous, stays separate
        set.map(Vma.fileBacked(0x104000, 0x105000, VM_READ, 9, LIBC));
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void splitAdvancesPgoffOfTheUpperPart() {
        VmaSet set = new VmaSet();
        set.insert(Vma.fileBacked(0x100000, 0x105000, VM_READ, 7, LIBC));
        Vma upper = set.split(0x103000);
        // 3 pages below the cut: upper pgoff = 7 + 3 = 10
        assertThat(upper).isEqualTo(new Vma(0x103000, 0x105000, VM_READ, 10, LIBC, null));
        assertThat(set.list().get(0)).isEqualTo(new Vma(0x100000, 0x103000, VM_READ, 7, LIBC, null));
    }

    @Test
    void splitAtAVmaBoundaryIsRefused() {
        VmaSet set = new VmaSet();
        set.insert(Vma.anonymous(0x10000, 0x14000, RW, null));
        assertThatThrownBy(() -> set.split(0x10000))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("strictly inside");
    }

    @Test
    void munmapInTheMiddleLeavesTwoPieces() {
        VmaSet set = new VmaSet();
        set.insert(Vma.anonymous(0x10000, 0x20000, RW, null)); // pgoff 0x10
        // unmap 0x14000..0x16000 (len 0x1001 rounds up to 2 pages)
        List<Vma> removed = set.munmap(0x14000, 0x1001);
        assertThat(removed).containsExactly(new Vma(0x14000, 0x16000, RW, 0x14, null, null));
        assertThat(set.list()).containsExactly(
                new Vma(0x10000, 0x14000, RW, 0x10, null, null),
                new Vma(0x16000, 0x20000, RW, 0x16, null, null));
    }

    @Test
    void munmapAcrossSeveralVmasAndHolesTrimsBothEnds() {
        VmaSet set = new VmaSet();
        set.insert(Vma.anonymous(0x10000, 0x13000, RW, null));
        set.insert(Vma.anonymous(0x15000, 0x16000, VM_READ, null));
        set.insert(Vma.anonymous(0x18000, 0x1b000, RW, null));
        set.munmap(0x12000, 0x7000); // [0x12000, 0x19000)
        assertThat(set.list()).containsExactly(
                new Vma(0x10000, 0x12000, RW, 0x10, null, null),
                new Vma(0x19000, 0x1b000, RW, 0x19, null, null));
    }

    @Test
    void munmapOfAHoleRemovesNothing() {
        VmaSet set = new VmaSet();
        set.insert(Vma.anonymous(0x10000, 0x11000, RW, null));
        assertThat(set.munmap(0x20000, 0x1000)).isEmpty();
        assertThat(set.size()).isEqualTo(1);
    }
}
