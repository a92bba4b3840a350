package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.testkit.NaiveAddressSpace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mm.c machinery shared by the three reference allocators, checked on the implicit one with
 * addresses worked out by hand from the layout in {@link BoundaryTags}: with start_brk S, the
 * prologue takes S..S+32 (pad, prologue header and footer, epilogue), the first extension of
 * 4096 bytes puts the first block's header at S+24 and its payload at S+32.
 */
class BoundaryTagAllocatorTest {
    private static final long S = NaiveAddressSpace.START_BRK;

    private final NaiveAddressSpace process = new NaiveAddressSpace();
    private final ImplicitListAllocator heap = new ImplicitListAllocator();

    BoundaryTagAllocatorTest() {
        heap.init(process);
    }

    @Test
    void initLaysOutThePrologueAndEpilogueInThirtyTwoBytes() {
        assertThat(process.brk(0)).as("break after init").isEqualTo(S + 32);
        // pad, prologue header 16|1 and footer 16|1, epilogue header 0|1
        assertThat(process.readLong(S + 8)).isEqualTo(17);
        assertThat(process.readLong(S + 16)).isEqualTo(17);
        assertThat(process.readLong(S + 24)).isEqualTo(1);
        assertThat(heap.blocks()).isEmpty();
    }

    @Test
    void theFirstMallocExtendsTheHeapByOneChunkAndSplitsIt() {
        long p = heap.malloc(24);
        // asize = align16(24 + 16) = 48; the 4096-byte chunk splits into 48 allocated + 4048 free
        assertThat(p).isEqualTo(S + 32);
        assertThat(process.brk(0)).isEqualTo(S + 32 + 4096);
        assertThat(process.readLong(S + 24)).as("header of the first block: 48|1").isEqualTo(49);
        assertThat(heap.blocks()).containsExactly(new HeapBlock(S + 32, 48, true), new HeapBlock(S + 80, 4048, false));
    }

    @Test
    void smallRequestsGetTheThirtyTwoByteMinimumBlock() {
        long a = heap.malloc(1);
        long b = heap.malloc(16);
        long c = heap.malloc(17);
        // 1 and 16 bytes: max(32, align16(n + 16)) = 32; 17 bytes: align16(33) = 48
        assertThat(b - a).isEqualTo(32);
        assertThat(c - b).isEqualTo(32);
        assertThat(heap.blocks().get(2)).isEqualTo(new HeapBlock(c, 48, true));
    }

    @Test
    void mallocOfZeroReturnsAUniqueMinimumBlockAsGlibcDoes() {
        long a = heap.malloc(0);
        long b = heap.malloc(0);
        assertThat(a).isNotZero().isNotEqualTo(b);
        assertThat(heap.blocks().get(0).size()).isEqualTo(32);
    }

    @Test
    void freeingNeighboursCoalescesThemWithTheRestOfTheChunk() {
        long a = heap.malloc(24);
        long b = heap.malloc(24);
        heap.free(a);
        assertThat(heap.blocks()).hasSize(3);
        heap.free(b);
        // case 4 of CS:APP Fig. 9.40: b merges with free a before it and the free rest after it
        assertThat(heap.blocks()).containsExactly(new HeapBlock(S + 32, 4096, false));
    }

    @Test
    void reallocGrowsInPlaceIntoAFreeNextBlock() {
        long a = heap.malloc(24);
        process.writeLong(a, 0x1122334455667788L);
        long r = heap.realloc(a, 100);
        // 100 bytes: asize 128 carved from the free 4048 bytes that follow
        assertThat(r).isEqualTo(a);
        assertThat(process.readLong(r)).isEqualTo(0x1122334455667788L);
        assertThat(heap.blocks()).containsExactly(new HeapBlock(a, 128, true), new HeapBlock(a + 128, 3968, false));
    }

    @Test
    void reallocAtTheEndOfTheHeapMovesTheBreakInsteadOfCopying() {
        long a = heap.malloc(4080);
        // 4080 + 16 = 4096: the whole chunk, heap ends at S + 4128
        long r = heap.realloc(a, 8000);
        // asize 8016: the break moves by 8016 - 4096 = 3920
        assertThat(r).isEqualTo(a);
        assertThat(process.brk(0)).isEqualTo(S + 32 + 8016);
        assertThat(heap.blocks()).containsExactly(new HeapBlock(a, 8016, true));
    }

    @Test
    void reallocMovesTheBlockWhenItsNeighbourIsInUseAndKeepsTheBytes() {
        long a = heap.malloc(24);
        heap.malloc(24);
        process.writeLong(a, 42);
        process.writeLong(a + 16, 43);
        long r = heap.realloc(a, 200);
        assertThat(r).isNotEqualTo(a);
        assertThat(process.readLong(r)).isEqualTo(42);
        assertThat(process.readLong(r + 16)).isEqualTo(43);
        assertThat(heap.blocks().get(0)).as("the old block is free again").isEqualTo(new HeapBlock(a, 48, false));
    }

    @Test
    void reallocShrinksInPlaceAndFreesTheTail() {
        long a = heap.malloc(1000);
        long r = heap.realloc(a, 10);
        // 1024-byte block shrinks to 32; the 992-byte tail merges with the free rest (3072)
        assertThat(r).isEqualTo(a);
        assertThat(heap.blocks()).containsExactly(new HeapBlock(a, 32, true), new HeapBlock(a + 32, 4064, false));
    }

    @Test
    void reallocToZeroFreesAndReturnsNull() {
        long a = heap.malloc(24);
        assertThat(heap.realloc(a, 0)).isZero();
        assertThat(heap.blocks()).containsExactly(new HeapBlock(S + 32, 4096, false));
    }

    @Test
    void reallocOfNullIsMalloc() {
        assertThat(heap.realloc(0, 24)).isEqualTo(S + 32);
    }

    @Test
    void freeOfNullDoesNothing() {
        heap.malloc(24);
        List<HeapBlock> before = heap.blocks();
        heap.free(0);
        assertThat(heap.blocks()).isEqualTo(before);
    }

    @Test
    void aDoubleFreeIsReportedAndChangesNothing() {
        long a = heap.malloc(24);
        heap.malloc(24);
        heap.free(a);
        List<HeapBlock> before = heap.blocks();
        assertThatThrownBy(() -> heap.free(a)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("double free").hasMessageContaining(Long.toHexString(a));
        assertThat(heap.blocks()).isEqualTo(before);
    }

    @Test
    void freeingAMisalignedPointerIsAnInvalidPointer() {
        long a = heap.malloc(24);
        List<HeapBlock> before = heap.blocks();
        // glibc: "free(): invalid pointer" for a chunk address that is not aligned
        assertThatThrownBy(() -> heap.free(a + 8)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("free(): invalid pointer");
        assertThat(heap.blocks()).isEqualTo(before);
    }

    @Test
    void freeingAnAlignedAddressInsideAPayloadIsAnInvalidPointer() {
        long a = heap.malloc(100);
        assertThatThrownBy(() -> heap.free(a + 32)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("invalid pointer");
        assertThatThrownBy(() -> heap.free(S - 4096)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("inside the heap");
    }

    @Test
    void mallocReturnsNullWhenTheBreakCannotMoveAndLeavesTheHeapAlone() {
        // a mapping two pages above start_brk: the heap may not grow to within a page of it
        process.mmap(S + 0x2000, 4096, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS
                | AddressSpace.MAP_FIXED);
        assertThat(heap.malloc(4080)).isZero();
        assertThat(process.brk(0)).isEqualTo(S + 32);
        assertThat(heap.blocks()).isEmpty();
    }

    @Test
    void aNegativeSizeIsRefusedWithNull() {
        // malloc(size_t) cannot see a negative size: (size_t) -1 is SIZE_MAX, and glibc returns NULL
        assertThat(heap.malloc(-1)).isZero();
        assertThat(process.brk(0)).isEqualTo(S + 32);
    }

    @Test
    void usingAnAllocatorBeforeInitIsAnError() {
        assertThatThrownBy(() -> new ExplicitListAllocator().malloc(8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before init");
    }

    @Test
    void aChunkSizeThatIsNotAMultipleOfSixteenIsRefused() {
        assertThatThrownBy(() -> new SegregatedFitAllocator(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100").hasMessageContaining("multiple of 16");
    }

    @Test
    void checkHeapFindsAFreeBlockThatIsOnNoList() {
        ExplicitListAllocator explicit = new ExplicitListAllocator();
        NaiveAddressSpace p = new NaiveAddressSpace();
        explicit.init(p);
        long a = explicit.malloc(24);
        explicit.malloc(24);
        assertThat(explicit.checkHeap()).isEmpty();
        // mark a free behind the allocator's back: tags say free, the list does not know it
        p.writeLong(a - 8, 48);
        p.writeLong(a + 32, 48);
        assertThat(explicit.checkHeap()).containsExactly(
                "free block 0x" + Long.toHexString(a) + " is on no free list: its memory is lost");
    }

    @Test
    void checkHeapFindsAHeaderThatDisagreesWithItsFooter() {
        long a = heap.malloc(24);
        process.writeLong(a + 32, 64 | 1);   // the 48-byte block's footer (a + 48 - 16) now claims 64
        assertThat(heap.checkHeap()).contains("block 0x" + Long.toHexString(a) + ": header and footer differ");
    }
}
