package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.HeapFixture.HEAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** realloc, memalign and calloc, as glibc 2.36 _int_realloc, mremap_chunk, _int_memalign, __libc_calloc. */
class PtmallocResizeTest {
    private final HeapFixture f = new HeapFixture();

    @Test
    void reallocGrowsInPlaceIntoTop() {
        long p = f.pm.malloc(24);
        f.as.writeLong(p, 0x1122334455667788L);
        assertThat(f.pm.realloc(p, 1000)).isEqualTo(p);
        assertThat(f.sizeField(p)).as("nb(1000) = 0x3f0").isEqualTo(0x3f1);
        assertThat(f.as.readLong(p)).isEqualTo(0x1122334455667788L);
    }

    @Test
    void reallocShrinksInPlaceAndFreesTheTail() {
        long p = f.pm.malloc(1000); // chunk 0x3f0
        f.pm.malloc(24);
        f.as.writeLong(p + 16, 42);
        assertThat(f.pm.realloc(p, 24)).isEqualTo(p);
        assertThat(f.sizeField(p)).isEqualTo(0x21);
        assertThat(f.as.readLong(p + 16)).isEqualTo(42);
        // the 0x3d0 tail went to tcache bin (0x3d0 - 0x20 + 15) / 16 = 59
        assertThat(f.as.readLong(f.pm.tcacheAddress() + 128 + 8 * 59)).isEqualTo(p + 0x20);
    }

    @Test
    void reallocGrowsIntoAFreeNextChunk() {
        long p = f.pm.malloc(0x500);
        long n = f.pm.malloc(0x500);
        f.pm.malloc(24);
        f.pm.free(n);
        // 0x510 + 0x510 = 0xa20 >= nb 0x910: unlink n, keep 0x910, free the 0x110 tail
        assertThat(f.pm.realloc(p, 0x900)).isEqualTo(p);
        assertThat(f.sizeField(p)).isEqualTo(0x911);
    }

    @Test
    void reallocMovesAndCopiesWhenItCannotGrow() {
        long p = f.pm.malloc(24);
        long g = f.pm.malloc(24);
        f.as.writeLong(p, 7);
        f.as.writeLong(p + 16, 9);
        long q = f.pm.realloc(p, 100);
        assertThat(q).as("carved from top after g").isEqualTo(g + 0x20);
        assertThat(f.as.readLong(q)).isEqualTo(7);
        assertThat(f.as.readLong(q + 16)).isEqualTo(9);
        assertThat(f.pm.malloc(24)).as("the old chunk went to the tcache").isEqualTo(p);
    }

    @Test
    void reallocToZeroFreesAndReallocOfNullMallocs() {
        long p = f.pm.realloc(0, 24);
        assertThat(p).isEqualTo(HEAP + 0x2a0);
        assertThat(f.pm.realloc(p, 0)).isZero();
        assertThat(f.pm.malloc(24)).isEqualTo(p);
    }

    @Test
    void reallocOfAnMmappedChunkUsesMremap() {
        long p = f.pm.malloc(200000);
        f.as.writeLong(p + 199000, 0xabcdefL);
        long q = f.pm.realloc(p, 300000);
        // mremap_chunk: ALIGN_UP(300016 + 0 + 8, 4096) = 0x4a000
        assertThat(f.pm.isMmapped(q)).isTrue();
        assertThat(f.sizeField(q)).isEqualTo(0x4a000 | 2);
        assertThat(f.pm.mallocUsableSize(q)).isEqualTo(0x4a000 - 16);
        assertThat(f.as.readLong(q + 199000)).isEqualTo(0xabcdefL);
        assertThat(f.pm.mallinfo2().hblkhd()).isEqualTo(0x4a000);
        // same number of pages: nothing to do
        assertThat(f.pm.realloc(q, 300100)).isEqualTo(q);
    }

    @Test
    void memalignAsTheFirstCallSplitsOffALeader() {
        // _int_malloc(0x70 + 64 + 32 = 0xd0) at the heap start, mem +0x10: next 64-aligned spot +0x40
        // leaves a 0x30 leader (>= MINSIZE); no tcache yet (memalign does not create it)
        assertThat(f.pm.memalign(64, 100)).isEqualTo(HEAP + 0x40);
        assertThat(f.pm.tcacheAddress()).isZero();
    }

    @Test
    void memalignFindsTheNextAlignedSpotInsideTheOverAllocation() {
        f.pm.malloc(24);
        // _int_malloc(0xd0) from top at +0x2b0 -> mem +0x2c0 is already 64-aligned; tail 0x60 freed
        assertThat(f.pm.memalign(64, 100)).isEqualTo(HEAP + 0x2c0);
        // _int_malloc(0x70 + 256 + 32 = 0x190) at +0x380 -> mem +0x390; aligned +0x400, leader 0x70
        long p = f.pm.memalign(256, 100);
        assertThat(p).isEqualTo(HEAP + 0x400);
        assertThat(f.sizeField(p)).isEqualTo(0x71);
        // alignment 100 is not a power of two: rounded up to 128
        assertThat(f.pm.memalign(100, 10) % 128).isZero();
    }

    @Test
    void memalignOfAnMmappedChunkMovesTheChunkInsideItsMapping() {
        long p = f.pm.memalign(4096, 200000);
        // mmap ALIGN_UP(204144 + 8, 4096) = 0x32000; chunk moved by 0xff0 so mem is page aligned
        assertThat(p % 4096).isZero();
        assertThat(f.prevSizeField(p)).isEqualTo(0xff0);
        assertThat(f.sizeField(p)).isEqualTo((0x32000 - 0xff0) | 2);
        assertThat(f.pm.mappingStart(p)).isEqualTo(p - 0x1000);
        f.pm.free(p);
        assertThat(f.pm.mallinfo2().hblks()).isZero();
    }

    @Test
    void posixMemalignRejectsAlignmentsThatAreNotPowerOfTwoMultiplesOfEight() {
        assertThatThrownBy(() -> f.pm.posixMemalign(24, 100)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("EINVAL");
        assertThatThrownBy(() -> f.pm.posixMemalign(4, 100)).isInstanceOf(InvalidArgumentException.class);
        assertThat(f.pm.posixMemalign(64, 100) % 64).isZero();
    }

    @Test
    void callocZeroesARecycledChunk() {
        long[] p = f.mallocs(8, 100);
        for (long x : p) {
            f.pm.malloc(0); // nothing; keep layout simple
            for (int i = 0; i < 104; i += 8) {
                f.as.writeLong(x + i, -1L);
            }
        }
        f.freeAll(p); // 7 in tcache, p[7] in fastbin 0x70
        long c = f.pm.calloc(1, 100); // calloc skips the tcache: _int_malloc takes the fastbin chunk
        assertThat(c).isEqualTo(p[7]);
        for (int i = 0; i < 104; i += 8) {
            assertThat(f.as.readLong(c + i)).as("byte %d", i).isZero();
        }
    }

    @Test
    void callocRefusesAnOverflowingProduct() {
        assertThat(f.pm.calloc(1L << 62, 4)).isZero();
        assertThat(f.pm.calloc(-1, 2)).isZero();
    }

    @Test
    void perturbFillsAllocationsAndFreedChunks() {
        f.pm.mallopt(Ptmalloc.M_PERTURB, 0x55);
        long p = f.pm.malloc(0x500);
        f.pm.malloc(24);
        assertThat(f.as.readByte(p + 100)).as("alloc_perturb: 0x55 ^ 0xff").isEqualTo((byte) 0xaa);
        f.pm.free(p);
        assertThat(f.as.readByte(p + 100)).as("free_perturb").isEqualTo((byte) 0x55);
    }

    /** Counts the user stores a process sees (to tell which bytes calloc clears). */
    private static final class CountingProcess extends io.pagelab.api.ForwardingAddressSpace {
        long storedBytes;

        CountingProcess() {
            super(new io.pagelab.api.testkit.NaiveAddressSpace());
        }

        @Override
        public void writeByte(long va, byte value) {
            storedBytes++;
            super.writeByte(va, value);
        }

        @Override
        public void writeLong(long va, long value) {
            storedBytes += 8;
            super.writeLong(va, value);
        }
    }

    @Test
    void callocDoesNotClearAFreshMapping() {
        CountingProcess proc = new CountingProcess();
        Ptmalloc pm = new Ptmalloc(proc);
        pm.malloc(24);
        long before = proc.storedBytes;
        long p = pm.calloc(1, 200000);
        assertThat(pm.isMmapped(p)).isTrue();
        // only the chunk header (prev_size, size) is stored: an anonymous mapping reads as zeros
        // (mp_ statistics live in Java fields, not in process memory)
        assertThat(proc.storedBytes - before).isEqualTo(16);
    }

    @Test
    void callocClearsOnlyTheOldPartOfATopFreshFromSbrk() {
        CountingProcess proc = new CountingProcess();
        Ptmalloc pm = new Ptmalloc(proc);
        pm.malloc(0x20000); // top left: 0x20d70 - 0x20010 = 0xd60
        long before = proc.storedBytes;
        long p = pm.calloc(1, 0x10000);
        // the chunk is the old top extended by sbrk: calloc clears only the old top's bytes
        // (MORECORE_CLEARS): csz = oldtopsize 0xd60, memset(mem, 0, csz - 8). The other stores are
        // malloc's: three size fields (grown top, victim, new top) and three main_arena fields
        // (system_mem, max_system_mem, top), 8 bytes each.
        assertThat(p).isEqualTo(HEAP + 0x290 + 0x20010 + 0x10);
        assertThat(proc.storedBytes - before).isEqualTo(0xd60 - 8 + 6 * 8);
    }
}
