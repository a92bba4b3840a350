package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.HeapFixture.UNSORTED;
import static io.pagelab.userspace.malloc.HeapFixture.protect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.MemoryCorruptionException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every malloc_printerr check of glibc 2.36 malloc.c that a program can reach, each triggered the way
 * a buggy or hostile C program would: by writing over chunk metadata through the process's memory.
 * The messages are glibc 2.36's strings (linux-reference.md §5.9, and {@code strings libc.so.6} of
 * Debian's 2.36); "tcache_thread_shutdown(): unaligned tcache chunk detected" is in
 * {@link ArenaThreadsTest}, "break adjusted to free malloc space" in {@link PtmallocSystemMemoryTest}.
 */
class IntegrityChecksTest {
    private final HeapFixture f = new HeapFixture();

    private void expect(String message, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("glibc aborts with \"%s\"", message).isInstanceOf(MemoryCorruptionException.class);
        assertThat(t.getMessage()).isEqualTo(message);
    }

    /** Seven freed chunks of {@code bytes}: that tcache bin is full. */
    private long[] fullTcache(long bytes) {
        return f.mallocs(7, bytes);
    }

    // ---- free -------------------------------------------------------------------------------

    @Test
    void freeOfAMisalignedPointerIsAnInvalidPointer() {
        long p = f.pm.malloc(24);
        expect("free(): invalid pointer", () -> f.pm.free(p + 8));
    }

    @Test
    void freeOfAChunkSmallerThanMinsizeIsAnInvalidSize() {
        long p = f.pm.malloc(24);
        f.setSizeField(p, 0x11);
        expect("free(): invalid size", () -> f.pm.free(p));
    }

    @Test
    void freeingTwiceIntoTheTcacheIsCaughtByTheKey() {
        long p = f.pm.malloc(24);
        f.pm.free(p);
        expect("free(): double free detected in tcache 2", () -> f.pm.free(p));
    }

    @Test
    void aLoopInATcacheBinIsTooManyChunks() {
        long a = f.pm.malloc(24);
        long b = f.pm.malloc(24);
        long c = f.pm.malloc(24);
        f.freeAll(a, b); // b -> a
        f.as.writeLong(a, protect(a, b)); // a -> b: a cycle
        f.as.writeLong(c + 8, f.pm.tcacheKey()); // c looks like a tcache entry: the scan runs
        expect("free(): too many chunks detected in tcache", () -> f.pm.free(c));
    }

    @Test
    void aMisalignedTcacheLinkIsFoundByTheDoubleFreeScan() {
        long a = f.pm.malloc(24);
        long c = f.pm.malloc(24);
        f.pm.free(a);
        f.as.writeLong(a, protect(a, a + 8));
        f.as.writeLong(c + 8, f.pm.tcacheKey());
        expect("free(): unaligned chunk detected in tcache 2", () -> f.pm.free(c));
    }

    @Test
    void freeingTheFastbinHeadAgainIsFasttop() {
        long[] fill = fullTcache(24);
        long x = f.pm.malloc(24);
        f.freeAll(fill);
        f.pm.free(x);
        expect("double free or corruption (fasttop)", () -> f.pm.free(x));
    }

    @Test
    void aFastChunkFollowedByAnImpossibleSizeIsInvalidNextSizeFast() {
        long[] fill = fullTcache(24);
        long x = f.pm.malloc(24);
        long g = f.pm.malloc(24);
        f.freeAll(fill);
        f.setSizeField(g, 0x1);
        expect("free(): invalid next size (fast)", () -> f.pm.free(x));
    }

    @Test
    void aFastbinHeadOfTheWrongSizeIsAnInvalidFastbinEntryWhenTheLockIsHeld() {
        long[] fill = fullTcache(24);
        long fchunk = f.pm.malloc(24);
        long big = f.pm.malloc(0x38); // chunk 0x40
        f.pm.malloc(24);
        f.freeAll(fill);
        f.pm.free(fchunk); // fastbin 0x20 head
        f.setSizeField(fchunk, 0x31);
        // realloc shrinks big to 0x20 and frees the 0x20 tail with have_lock = 1: the head is checked
        expect("invalid fastbin entry (free)", () -> f.pm.realloc(big, 8));
    }

    @Test
    void freeingTheTopChunkIsDoubleFreeTop() {
        long p = f.pm.malloc(0x500);
        expect("double free or corruption (top)", () -> f.pm.free(f.nextMem(p)));
    }

    @Test
    void aChunkReachingPastTopIsDoubleFreeOut() {
        long p = f.pm.malloc(0x500);
        f.setSizeField(p, 0x100000 | 1);
        expect("double free or corruption (out)", () -> f.pm.free(p));
    }

    @Test
    void freeingAFreeNormalChunkIsNotPrev() {
        long p = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(p);
        expect("double free or corruption (!prev)", () -> f.pm.free(p));
    }

    @Test
    void aNormalChunkFollowedByAnImpossibleSizeIsInvalidNextSizeNormal() {
        long p = f.pm.malloc(0x500);
        long g = f.pm.malloc(0x500);
        f.setSizeField(g, 0x1); // chunksize_nomask <= CHUNK_HDR_SZ (0x11 would still pass: 0x11 > 16)
        expect("free(): invalid next size (normal)", () -> f.pm.free(p));
    }

    @Test
    void aWrongPrevSizeIsCaughtWhileConsolidatingBackward() {
        long a = f.pm.malloc(0x500);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a);
        f.setPrevSizeField(b, 0x500);
        expect("corrupted size vs. prev_size while consolidating", () -> f.pm.free(b));
    }

    @Test
    void unlinkChecksTheFooterOfTheChunk() {
        long a = f.pm.malloc(0x500);
        long b = f.pm.malloc(0x500);
        long g = f.pm.malloc(24);
        f.pm.free(b);
        f.setPrevSizeField(g, 0x999);
        expect("corrupted size vs. prev_size", () -> f.pm.free(a));
    }

    @Test
    void unlinkChecksBothNeighboursPointBack() {
        long a = f.pm.malloc(0x500);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(b);
        f.as.writeLong(b, a - 16); // b->fd = a, whose bk (user data) is not b
        expect("corrupted double-linked list", () -> f.pm.free(a));
    }

    @Test
    void unlinkChecksTheNextsizeLinksOfALargeChunk() {
        long a = f.pm.malloc(0x500);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(b);
        f.pm.malloc(0x600); // b goes to large bin 68 with fd_nextsize = bk_nextsize = b
        f.as.writeLong(b + 16, a - 16);
        expect("corrupted double-linked list (not small)", () -> f.pm.free(a));
    }

    @Test
    void aFreedChunkNeedsAConsistentUnsortedList() {
        long a = f.pm.malloc(0x500);
        long g1 = f.pm.malloc(24);
        long b = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a);
        f.as.writeLong(a + 8, g1 - 16); // a->bk no longer the bin
        expect("free(): corrupted unsorted chunks", () -> f.pm.free(b));
    }

    @Test
    void freeOfAFakeMmappedChunkIsAnInvalidMunmapPointer() {
        long p = f.pm.malloc(24);
        f.setSizeField(p, 0x23);
        expect("munmap_chunk(): invalid pointer", () -> f.pm.free(p));
    }

    // ---- malloc -----------------------------------------------------------------------------

    @Test
    void aHugeTopSizeIsCaught() {
        long p = f.pm.malloc(24);
        f.as.writeLong(p + 0x18, 0x7fffffffff01L); // top's size field (House of Force)
        expect("malloc(): corrupted top size", () -> f.pm.malloc(0x500));
    }

    private long unsortedVictim() {
        long a = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(a);
        return a;
    }

    @Test
    void anUnsortedChunkWithAnImpossibleSizeIsCaught() {
        long a = unsortedVictim();
        f.setSizeField(a, 0x11);
        expect("malloc(): invalid size (unsorted)", () -> f.pm.malloc(0x500));
    }

    @Test
    void anUnsortedChunkFollowedByAnImpossibleSizeIsCaught() {
        long a = unsortedVictim();
        f.setSizeField(f.nextMem(a), 0);
        expect("malloc(): invalid next size (unsorted)", () -> f.pm.malloc(0x500));
    }

    @Test
    void anUnsortedChunkWithAWrongFooterIsCaught() {
        long a = unsortedVictim();
        f.setPrevSizeField(f.nextMem(a), 0x520);
        expect("malloc(): mismatching next->prev_size (unsorted)", () -> f.pm.malloc(0x500));
    }

    @Test
    void anUnsortedChunkWithABadFdIsCaught() {
        long a = unsortedVictim();
        f.as.writeLong(a, a - 16);
        expect("malloc(): unsorted double linked list corrupted", () -> f.pm.malloc(0x500));
    }

    @Test
    void anUnsortedChunkWhoseNextSaysItIsInUseIsCaught() {
        long a = unsortedVictim();
        long g = f.nextMem(a);
        f.setSizeField(g, f.sizeField(g) | 1);
        expect("malloc(): invalid next->prev_inuse (unsorted)", () -> f.pm.malloc(0x500));
    }

    @Test
    void aSmallbinChunkWithABadBkIsCaught() {
        long[] fill = fullTcache(0x100);
        long x = f.pm.malloc(0x100);
        long g = f.pm.malloc(24);
        f.freeAll(fill);
        f.pm.free(x); // unsorted
        f.pm.malloc(0x500); // x sorted into small bin 17
        for (int i = 0; i < 7; i++) {
            f.pm.malloc(0x100); // drain the tcache
        }
        f.as.writeLong(x + 8, g - 16);
        expect("malloc(): smallbin double linked list corrupted", () -> f.pm.malloc(0x100));
    }

    private long[] largeBinWithOneChunk() {
        long l1 = f.pm.malloc(0x510); // chunk 0x520
        long g1 = f.pm.malloc(24);
        long v = f.pm.malloc(0x520); // chunk 0x530, same large bin 68
        f.pm.malloc(24);
        f.pm.free(l1);
        f.pm.malloc(0x600); // l1 sorted into bin 68
        return new long[] {l1, g1, v};
    }

    @Test
    void sortingIntoALargeBinChecksTheNextsizeList() {
        long[] c = largeBinWithOneChunk();
        f.as.writeLong(c[0] + 24, c[1] - 16); // l1->bk_nextsize
        f.pm.free(c[2]);
        expect("malloc(): largebin double linked list corrupted (nextsize)", () -> f.pm.malloc(0x600));
    }

    @Test
    void sortingIntoALargeBinChecksTheBkList() {
        long[] c = largeBinWithOneChunk();
        f.as.writeLong(c[0] + 8, c[1] - 16); // l1->bk
        f.pm.free(c[2]);
        expect("malloc(): largebin double linked list corrupted (bk)", () -> f.pm.malloc(0x600));
    }

    @Test
    void splittingALargeChunkChecksTheUnsortedHead() {
        long[] c = largeBinWithOneChunk();
        f.as.writeLong(UNSORTED + 16, c[1] - 16); // the unsorted bin's fd, in main_arena
        expect("malloc(): corrupted unsorted chunks", () -> f.pm.malloc(0x4f0));
    }

    @Test
    void splittingFromTheBinmapScanChecksTheUnsortedHead() {
        long[] c = largeBinWithOneChunk();
        f.as.writeLong(UNSORTED + 16, c[1] - 16);
        expect("malloc(): corrupted unsorted chunks 2", () -> f.pm.malloc(0x300));
    }

    private long[] fastbinPair() {
        long[] fill = fullTcache(24);
        long x1 = f.pm.malloc(24);
        long x2 = f.pm.malloc(24);
        f.pm.malloc(24);
        f.freeAll(fill);
        f.freeAll(x1, x2); // fastbin: x2 -> x1
        return new long[] {x1, x2};
    }

    @Test
    void aFastbinChunkOfTheWrongSizeIsMemoryCorruptionFast() {
        long[] x = fastbinPair();
        for (int i = 0; i < 7; i++) {
            f.pm.malloc(24);
        }
        f.setSizeField(x[1], 0x31);
        expect("malloc(): memory corruption (fast)", () -> f.pm.malloc(24));
    }

    @Test
    void aMisalignedFastbinHeadIsCaught() {
        long[] x = fastbinPair();
        f.as.writeLong(x[1], protect(x[1], x[0] - 16 + 8));
        f.pm.calloc(1, 24); // calloc skips the tcache; the full tcache takes no stash: the head is now bad
        expect("malloc(): unaligned fastbin chunk detected 2", () -> f.pm.calloc(1, 24));
    }

    @Test
    void aMisalignedFastbinChunkIsCaughtWhileStashing() {
        long[] x = fastbinPair();
        f.as.writeLong(x[1], protect(x[1], x[0] - 16 + 8));
        for (int i = 0; i < 7; i++) {
            f.pm.malloc(24);
        }
        expect("malloc(): unaligned fastbin chunk detected 3", () -> f.pm.malloc(24));
    }

    @Test
    void withThreadsAMisalignedNextFastbinChunkIsCaughtOnRemoval() {
        f.pm.thread(2); // no longer SINGLE_THREAD_P: fastbin pops use REMOVE_FB
        long[] x = fastbinPair();
        f.as.writeLong(x[1], protect(x[1], x[0] - 16 + 8));
        expect("malloc(): unaligned fastbin chunk detected", () -> f.pm.calloc(1, 24));
    }

    @Test
    void consolidationChecksFastbinChunkSizes() {
        long[] x = fastbinPair();
        f.setSizeField(x[1], 0x31);
        expect("malloc_consolidate(): invalid chunk size", () -> f.pm.malloc(0x500));
    }

    @Test
    void consolidationChecksFastbinLinkAlignment() {
        long[] x = fastbinPair();
        f.as.writeLong(x[1], protect(x[1], x[0] - 16 + 8));
        expect("malloc_consolidate(): unaligned fastbin chunk detected", () -> f.pm.malloc(0x500));
    }

    @Test
    void consolidationChecksPrevSizeOfFastChunks() {
        long[] x = fastbinPair();
        f.setSizeField(x[1], 0x20); // claims the previous chunk is free...
        f.setPrevSizeField(x[1], 0x40); // ...0x40 bytes back, where a 0x20 chunk starts
        expect("corrupted size vs. prev_size in fastbins", () -> f.pm.malloc(0x500));
    }

    @Test
    void mallinfoChecksFastbinLinkAlignment() {
        long[] x = fastbinPair();
        f.as.writeLong(x[1], protect(x[1], x[0] - 16 + 8));
        expect("int_mallinfo(): unaligned fastbin chunk detected", () -> f.pm.mallinfo2());
    }

    @Test
    void aMisalignedTcacheEntryIsCaughtOnMalloc() {
        long a = f.pm.malloc(24);
        long b = f.pm.malloc(24);
        f.freeAll(a, b);
        f.as.writeLong(b, protect(b, a + 8));
        assertThat(f.pm.malloc(24)).isEqualTo(b);
        expect("malloc(): unaligned tcache chunk detected", () -> f.pm.malloc(24));
    }

    // ---- realloc ----------------------------------------------------------------------------

    @Test
    void reallocOfAMisalignedPointerIsInvalid() {
        long p = f.pm.malloc(24);
        expect("realloc(): invalid pointer", () -> f.pm.realloc(p + 8, 100));
    }

    @Test
    void reallocOfAChunkLargerThanTheArenaIsAnInvalidOldSize() {
        long p = f.pm.malloc(24);
        f.setSizeField(p, 0x100001); // oldsize >= system_mem (0x21000)
        expect("realloc(): invalid old size", () -> f.pm.realloc(p, 100));
    }

    @Test
    void reallocChecksTheNextChunkSize() {
        long p = f.pm.malloc(24);
        f.as.writeLong(p + 0x18, 1); // top's size
        expect("realloc(): invalid next size", () -> f.pm.realloc(p, 100));
    }

    @Test
    void reallocOfAFakeMmappedChunkIsAnInvalidMremapPointer() {
        long p = f.pm.malloc(24);
        f.setSizeField(p, 0x23);
        expect("mremap_chunk(): invalid pointer", () -> f.pm.realloc(p, 100));
    }
}
