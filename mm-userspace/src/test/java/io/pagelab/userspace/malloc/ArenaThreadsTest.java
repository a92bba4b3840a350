package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.HeapFixture.HEAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.SegmentationFault;
import org.junit.jupiter.api.Test;

/**
 * Non-main arenas (malloc/arena.c 2.36): a thread's first malloc creates an arena in a 64 MiB-aligned
 * heap reserved PROT_NONE and made read-write with mprotect as it grows. The heap offsets were checked
 * against glibc 2.36 with pthreads under {@code setarch -R} (a thread's first malloc(24) is at
 * heap + 0xb70); absolute heap addresses depend on the process's mmap layout (here NaiveAddressSpace).
 */
class ArenaThreadsTest {
    private static final long HEAP1 = 0x7ffff0000000L;
    private final HeapFixture f = new HeapFixture();

    @Test
    void aSecondThreadGetsItsOwnArenaInAnAlignedHeap() {
        assertThat(f.pm.malloc(24)).isEqualTo(HEAP + 0x2a0);
        Ptmalloc t2 = f.pm.thread(2);
        long p = t2.malloc(24);
        // heap_info 0x30 + malloc_state 0x898 = 0x8c8; chunk2mem(0x8c8) misaligned by 8 -> top at 0x8d0;
        // the thread's tcache takes 0x290, so its first chunk is at 0x8d0 + 0x290 and the pointer +0x10
        assertThat(p).isEqualTo(HEAP1 + 0xb70);
        assertThat(t2.arenaAddress()).isEqualTo(HEAP1 + 0x30);
        assertThat(t2.tcacheAddress()).isEqualTo(HEAP1 + 0x8e0);
        assertThat(f.sizeField(p)).as("0x20 | NON_MAIN_ARENA | PREV_INUSE").isEqualTo(0x25);
        // heap_info: ar_ptr, prev, size = ALIGN_UP(640 + 0x30 + 0x898 + 16 + top_pad 0x20000, 4096)
        assertThat(f.as.readLong(HEAP1)).isEqualTo(HEAP1 + 0x30);
        assertThat(f.as.readLong(HEAP1 + 16)).isEqualTo(0x21000);
    }

    @Test
    void theHeapBeyondItsSizeIsProtNone() {
        f.pm.thread(2).malloc(24);
        f.as.writeLong(HEAP1 + 0x21000 - 8, 1);
        assertThatThrownBy(() -> f.as.writeLong(HEAP1 + 0x21000, 1)).isInstanceOf(SegmentationFault.class);
    }

    @Test
    void growingAThreadArenaMprotectsMoreOfItsHeap() {
        Ptmalloc t2 = f.pm.thread(2);
        long a = t2.malloc(0x1f000);
        long b = t2.malloc(0x1f000); // top (0x20480 - 0x1f010) too small: grow_heap
        assertThat(b).isEqualTo(a + 0x1f010);
        assertThat(b & ~(64L << 20) + 1).isEqualTo(HEAP1 & ~(64L << 20) + 1);
        assertThat(f.as.readLong(HEAP1 + 16)).as("heap size").isGreaterThan(0x21000L);
        f.as.writeLong(b + 0x1f000 - 8, 7); // now read-write
    }

    @Test
    void freeGoesToTheFreeingThreadsTcache() {
        Ptmalloc t2 = f.pm.thread(2);
        long p = t2.malloc(24);
        f.pm.malloc(24);
        f.pm.free(p); // main thread frees a chunk of arena 1: into main's tcache
        assertThat(f.pm.malloc(24)).isEqualTo(p);
    }

    @Test
    void aThirdThreadGetsTheNext64MiBAlignedHeap() {
        f.pm.thread(2).malloc(24);
        long p = f.pm.thread(3).malloc(24);
        // the second 128 MiB reservation lands just below the first heap and is already aligned
        assertThat(p).isEqualTo(0x7fffe8000000L + 0xb70);
    }

    @Test
    void arenaMaxOneMakesThreadsShareTheMainArena() {
        f.pm.mallopt(Ptmalloc.M_ARENA_MAX, 1);
        f.pm.malloc(24);
        long p = f.pm.thread(2).malloc(24);
        assertThat(p).isBetween(HEAP, HEAP + 0x21000);
        assertThat(f.sizeField(p) & 4).as("NON_MAIN_ARENA").isZero();
    }

    @Test
    void mallocStatsListsEveryArena() {
        f.pm.malloc(24);
        f.pm.thread(2).malloc(24);
        // Arena 0: tcache 0x290 + 0x20 = 688 in use of 0x21000; Arena 1: heap 0x21000, free top
        // 0x21000 - 0x8d0 - 0x290 - 0x20 = 0x20480, so 0xb80 = 2944 in use (struct and tcache count)
        assertThat(f.pm.mallocStats()).isEqualTo(""
                + "Arena 0:\n"
                + "system bytes     =     135168\n"
                + "in use bytes     =        688\n"
                + "Arena 1:\n"
                + "system bytes     =     135168\n"
                + "in use bytes     =       2944\n"
                + "Total (incl. mmap):\n"
                + "system bytes     =     270336\n"
                + "in use bytes     =       3632\n"
                + "max mmap regions =          0\n"
                + "max mmap bytes   =          0\n");
    }

    @Test
    void anExitedThreadsArenaAndMemoryGoToTheNextNewThread() {
        Ptmalloc t2 = f.pm.thread(2);
        long p = t2.malloc(24);
        t2.free(p); // in t2's tcache
        t2.threadExit();
        // tcache_thread_shutdown: p goes to fastbin 0x20, the 0x290 tcache chunk to unsorted; the arena
        // (no thread attached) goes on free_list. Thread 3 takes it over: its tcache_init gets the
        // 0x290 chunk back as an exact unsorted fit, and its malloc(24) the fastbin chunk p.
        Ptmalloc t3 = f.pm.thread(3);
        assertThat(t3.malloc(24)).isEqualTo(p);
        assertThat(t3.arenaAddress()).isEqualTo(HEAP1 + 0x30);
        assertThat(t3.tcacheAddress()).isEqualTo(HEAP1 + 0x8e0);
    }

    @Test
    void tcacheShutdownChecksEntryAlignment() {
        Ptmalloc t2 = f.pm.thread(2);
        t2.free(t2.malloc(24));
        f.as.writeLong(t2.tcacheAddress() + 128, HEAP1 + 0xb78); // entries[0] misaligned
        assertThatThrownBy(t2::threadExit).isInstanceOf(io.pagelab.api.error.MemoryCorruptionException.class)
                .hasMessage("tcache_thread_shutdown(): unaligned tcache chunk detected");
    }

    @Test
    void theMainThreadCannotExitAndAnExitedThreadCannotAllocate() {
        assertThatThrownBy(f.pm::threadExit).isInstanceOf(io.pagelab.api.error.InvalidArgumentException.class)
                .hasMessageContaining("main thread");
        Ptmalloc t2 = f.pm.thread(2);
        t2.threadExit();
        assertThatThrownBy(() -> t2.malloc(1)).isInstanceOf(io.pagelab.api.error.InvalidArgumentException.class)
                .hasMessageContaining("exited");
    }
}
