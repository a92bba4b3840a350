package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

class BumpPageTableAllocatorTest {
    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu128M());

    @Test
    void framesAreHandedOutInAddressOrder() {
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x200000L, 0x203000L);
        assertThat(pool.allocPageTable()).isEqualTo(0x200L);
        assertThat(pool.allocPageTable()).isEqualTo(0x201L);
        assertThat(pool.inUse()).isEqualTo(2);
        assertThat(pool.available()).isEqualTo(1);
    }

    @Test
    void aFreedFrameIsReusedBeforeNewOnes() {
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x200000L, 0x203000L);
        long first = pool.allocPageTable();
        pool.allocPageTable();
        pool.freePageTable(first);
        assertThat(pool.allocPageTable()).isEqualTo(first);
    }

    @Test
    void anExhaustedPoolSaysHowBigItWas() {
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x200000L, 0x201000L);
        pool.allocPageTable();
        assertThatThrownBy(pool::allocPageTable).isInstanceOf(OutOfMemoryException.class)
                .hasMessage("page-table pool [0x200000, 0x201000) is exhausted: all 1 frames are in use");
    }

    @Test
    void freeingTwiceIsADoubleFree() {
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x200000L, 0x203000L);
        long pfn = pool.allocPageTable();
        pool.freePageTable(pfn);
        assertThatThrownBy(() -> pool.freePageTable(pfn)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("pfn 0x200 freed twice");
        assertThatThrownBy(() -> pool.freePageTable(0x999L)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("pfn 0x999 was never handed out");
    }

    @Test
    void aPoolMustBeAlignedAndPresent() {
        assertThatThrownBy(() -> new BumpPageTableAllocator(ram, 0x200010L, 0x203000L))
                .isInstanceOf(BadAddressException.class).hasMessageContaining("page-table pool start 0x200010 is not aligned");
        // qemu128M: usable RAM ends at 0x7fdffff, reserved to 0x7ffffff, then a hole up to 0xfeffc000
        assertThatThrownBy(() -> new BumpPageTableAllocator(ram, 0x7fff000L, 0x8001000L))
                .isInstanceOf(BadAddressException.class).hasMessageContaining("physical address 0x8000000 is not in the memory map");
    }
}
