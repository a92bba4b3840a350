package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FragmentationTest {
    private static final long B = 0x1000;

    /** A heap drawn by hand: 48 used, 64 free, 32 used, 256 free. */
    private static final HeapWalker HAND_BUILT = () -> List.of(
            new HeapBlock(B + 8, 48, true),
            new HeapBlock(B + 56, 64, false),
            new HeapBlock(B + 120, 32, true),
            new HeapBlock(B + 152, 256, false));

    @Test
    void internalFragmentationIsAllocatedBlockBytesMinusRequestedBytes() {
        Fragmentation.Report r = Fragmentation.measure(HAND_BUILT, Map.of(B + 8, 24L, B + 120, 1L));
        // (48 + 32) - (24 + 1) = 55
        assertThat(r.allocatedBytes()).isEqualTo(80);
        assertThat(r.requestedBytes()).isEqualTo(25);
        assertThat(r.internal()).isEqualTo(55);
    }

    @Test
    void externalFragmentationIsOneMinusLargestFreeOverTotalFree() {
        Fragmentation.Report r = Fragmentation.measure(HAND_BUILT, Map.of(B + 8, 24L, B + 120, 1L));
        // free 64 + 256 = 320, largest 256: 1 - 256/320 = 0.2
        assertThat(r.freeBytes()).isEqualTo(320);
        assertThat(r.largestFree()).isEqualTo(256);
        assertThat(r.freeBlocks()).isEqualTo(2);
        assertThat(r.external()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void aHeapWithNoFreeMemoryHasNoExternalFragmentation() {
        HeapWalker full = () -> List.of(new HeapBlock(B, 32, true));
        assertThat(Fragmentation.measure(full, Map.of(B, 16L)).external()).isZero();
    }

    @Test
    void aRealAllocatorsHeapIsMeasuredThroughItsWalker() {
        ImplicitListAllocator heap = new ImplicitListAllocator();
        heap.init(new NaiveAddressSpace());
        long a = heap.malloc(24);    // 48
        long b = heap.malloc(100);   // 128
        long c = heap.malloc(24);    // 48
        heap.free(b);
        // free: 128 (b's) + 4096 - 224 = 3872 (the rest); largest 3872 of 4000
        Fragmentation.Report r = Fragmentation.measure(heap, Map.of(a, 24L, c, 24L));
        assertThat(r.internal()).isEqualTo(96 - 48);
        assertThat(r.freeBytes()).isEqualTo(4000);
        assertThat(r.external()).isCloseTo(1 - 3872.0 / 4000, within(1e-12));
    }

    @Test
    void anAllocatedBlockWithoutARequestedSizeIsRefused() {
        assertThatThrownBy(() -> Fragmentation.measure(HAND_BUILT, Map.of(B + 8, 24L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no requested size");
    }

    @Test
    void aRequestedSizeForAPayloadThatIsNotLiveIsRefused() {
        assertThatThrownBy(() -> Fragmentation.measure(HAND_BUILT, Map.of(B + 8, 24L, B + 120, 1L, B + 999, 5L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 requested sizes");
    }

    @Test
    void aRequestLargerThanItsBlockIsRefused() {
        assertThatThrownBy(() -> Fragmentation.measure(HAND_BUILT, Map.of(B + 8, 40L, B + 120, 1L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot live in the 48-byte block");
    }
}
