package io.pagelab.questions.q54;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q54.PtmallocArenas.Heap;
import io.pagelab.questions.q54.PtmallocArenas.Mapping;
import io.pagelab.questions.q54.PtmallocArenas.Prot;
import io.pagelab.questions.q54.PtmallocArenas.VirtualMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q54 用户态内存如何管理？ How is user memory managed?
 *
 * <p>Expected values come from real glibc 2.36 (Debian 2.36-9, x86-64, Linux 6.18, 2 online CPUs),
 * captured by {@code arenas.c} and {@code capture.sh} next to this grader's resources
 * (src/test/resources/io/pagelab/questions/q54/) with ASLR off: {@code arenas.out} (arena numbers,
 * heap addresses, /proc/self/maps) and {@code heaps.strace} (the mmap, munmap and mprotect calls,
 * from strace). Both are read here. Bin indices are computed by hand from the macros of
 * malloc/malloc.c as reference linux-reference.md §5.3 and §5.5 give them.
 */
@Grader(id = "q54")
@DisplayName("Q54 ptmalloc's structure: arenas per thread, 64 MiB-aligned heaps, bins and tcache")
class PtmallocArenasTest {

    static final Map<String, Long> REAL = new HashMap<>();
    static final Map<String, List<Mapping>> MAPS = new HashMap<>();
    static final List<String> HEAPS_STRACE = new ArrayList<>();

    static {
        for (String line : lines("arenas.out")) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1).trim();
            if (key.contains(".maps.")) {
                MAPS.computeIfAbsent(key, k -> new ArrayList<>()).add(mapping(value));
            } else {
                REAL.put(key, value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16)
                        : Long.parseLong(value));
            }
        }
        HEAPS_STRACE.addAll(lines("heaps.strace"));
    }

    /** mmap_base with ASLR off: 0x7ffffffff000 - 128 MiB (reference §6.2), where ld.so ends in the maps. */
    static final long MMAP_BASE = 0x7ffff7fff000L;
    /** glibc's thread stack: 8 MiB (ulimit -s 8192) and a 4 KiB guard page below it. */
    static final long STACK = 8L << 20;
    static final long GUARD = 4096;
    /**
     * _int_new_arena(640) asks new_heap for 640 (the tcache struct a thread's first malloc makes) +
     * sizeof(heap_info) 0x30 + sizeof(struct malloc_state) 0x898 + MALLOC_ALIGNMENT 16 bytes; the
     * capture shows heap_info's arena at heap + 0x30 and the first chunk at 0x30 + 0x898 rounded to 16.
     */
    static final long NEW_ARENA_HEAP_REQUEST = 640 + 0x30 + 0x898 + 16;

    static long real(String key) {
        Long value = REAL.get(key);
        assertThat(value).as("captured value %s in arenas.out", key).isNotNull();
        return value;
    }

    static List<Mapping> maps(String key) {
        List<Mapping> m = MAPS.get(key);
        assertThat(m).as("captured maps %s in arenas.out", key).isNotNull();
        return m;
    }

    /** pthread_create's allocate_stack: one PROT_NONE mapping, then all but the guard page made read-write. */
    static long threadStack(VirtualMemory vm) {
        long stack = vm.mmap(0, STACK + GUARD, Prot.NONE);
        vm.mprotect(stack + GUARD, STACK, Prot.READ_WRITE);
        return stack;
    }

    @Test
    @Points(3)
    @Hint("The main thread always uses the main arena (0). Another thread gets an arena on its first malloc "
            + "and keeps it; while there is no limit yet, every new thread gets a new arena, numbered in order.")
    void theMainThreadUsesTheMainArenaAndNewThreadsGetNewArenas() {
        PtmallocArenas arenas = new PtmallocArenas(2, new VirtualMemory(MMAP_BASE, List.of()));
        assertThat(arenas.arenaFor(PtmallocArenas.MAIN_THREAD)).as("arena of the main thread").isZero();
        assertThat(arenas.narenas()).as("arenas before any thread").isEqualTo(1);
        for (int t = 1; t <= 15; t++) {
            assertThat(arenas.arenaFor(t)).as("arena of thread %d (2 CPUs)", t).isEqualTo(real("arenas.thread" + t + "_arena"));
        }
        assertThat(arenas.narenas()).as("arenas after 15 threads").isEqualTo(16);
        assertThat(arenas.arenaFor(3)).as("thread 3's second malloc").isEqualTo(3);
        assertThat(arenas.arenaFor(PtmallocArenas.MAIN_THREAD)).as("arena of the main thread, again").isZero();
    }

    @Test
    @Points(3)
    @Hint("With 2 CPUs the limit is 8 x 2 = 16 arenas. After that threads share: the main arena first, then "
            + "the newest arena, then older ones, following main_arena.next (new arenas are linked right after main).")
    void beyondTheLimitThreadsShareArenasRoundRobin() {
        PtmallocArenas arenas = new PtmallocArenas(2, new VirtualMemory(MMAP_BASE, List.of()));
        arenas.arenaFor(PtmallocArenas.MAIN_THREAD);
        for (int t = 1; t <= 20; t++) {
            assertThat(arenas.arenaFor(t)).as("arena of thread %d (2 CPUs)", t).isEqualTo(real("arenas.thread" + t + "_arena"));
        }
        assertThat((long) arenas.narenas()).as("arenas after 20 threads").isEqualTo(real("arenas.arenas"));
        // the same run pinned to one CPU (taskset -c 0) gave the same arenas: glibc counts online CPUs
        assertThat(real("arenas1.thread16_arena")).as("pinned run, thread 16").isEqualTo(real("arenas.thread16_arena"));
    }

    @Test
    @Points(4)
    @Hint("The limit is arena_max if mallopt set it. Otherwise there is none until more than arena_test (8) "
            + "arenas exist; only then is it fixed at 8 x CPUs. So with 1 CPU, 9 arenas exist before sharing starts.")
    void theLimitIsArenaMaxOrIsFixedOnceArenaTestArenasAreExceeded() {
        // mallopt(M_ARENA_TEST, 20) on 2 CPUs: 21 arenas although 8 x 2 = 16
        PtmallocArenas test20 = new PtmallocArenas(2, new VirtualMemory(MMAP_BASE, List.of()));
        test20.mallopt(PtmallocArenas.M_ARENA_TEST, 20);
        for (int t = 1; t <= 24; t++) {
            assertThat(test20.arenaFor(t)).as("arena of thread %d with arena_test 20", t)
                    .isEqualTo(real("arenatest.thread" + t + "_arena"));
        }
        assertThat((long) test20.narenas()).as("arenas with arena_test 20").isEqualTo(real("arenatest.arenas"));
        // mallopt(M_ARENA_MAX, 3): thread 1 and 2 make arenas 1 and 2, then 0, 2, 1, 0
        PtmallocArenas max3 = new PtmallocArenas(2, new VirtualMemory(MMAP_BASE, List.of()));
        max3.mallopt(PtmallocArenas.M_ARENA_MAX, 3);
        for (int t = 1; t <= 6; t++) {
            assertThat(max3.arenaFor(t)).as("arena of thread %d with arena_max 3", t)
                    .isEqualTo(real("arenamax.thread" + t + "_arena"));
        }
        assertThat((long) max3.narenas()).as("arenas with arena_max 3").isEqualTo(real("arenamax.arenas"));
        // by hand from arena_get2(), 1 CPU: threads 1..8 find no limit (narenas 1..8 is not above 8) and make
        // arenas 1..8; thread 9 sees narenas 9 > 8, fixes the limit at 8 and shares: main arena, then arena 8
        PtmallocArenas oneCpu = new PtmallocArenas(1, new VirtualMemory(MMAP_BASE, List.of()));
        for (int t = 1; t <= 8; t++) {
            assertThat(oneCpu.arenaFor(t)).as("arena of thread %d, 1 CPU", t).isEqualTo(t);
        }
        assertThat(oneCpu.arenaFor(9)).as("arena of thread 9, 1 CPU").isZero();
        assertThat(oneCpu.arenaFor(10)).as("arena of thread 10, 1 CPU").isEqualTo(8);
        assertThat(oneCpu.narenas()).as("arenas, 1 CPU").isEqualTo(9);
    }

    @Test
    @Points(2)
    @Hint("When the last thread attached to an arena exits, the arena goes to the head of a free list, and the "
            + "next thread without an arena takes it from there before any new arena is made.")
    void anExitedThreadsArenaGoesToTheNextNewThread() {
        PtmallocArenas arenas = new PtmallocArenas(2, new VirtualMemory(MMAP_BASE, List.of()));
        assertThat(arenas.arenaFor(1)).as("thread 1").isEqualTo(real("exit.thread1_arena"));
        arenas.threadExit(1);
        assertThat(arenas.arenaFor(2)).as("thread 2, after thread 1 exited").isEqualTo(real("exit.thread2_arena"));
        assertThat(arenas.narenas()).as("arenas").isEqualTo(2);
        // by hand: the free list is a stack; threads 3 and 4 make arenas 2 and 3 and exit in that order
        assertThat(arenas.arenaFor(3)).as("thread 3").isEqualTo(2);
        assertThat(arenas.arenaFor(4)).as("thread 4").isEqualTo(3);
        arenas.threadExit(3);
        arenas.threadExit(4);
        assertThat(arenas.arenaFor(5)).as("thread 5 takes the arena freed last").isEqualTo(3);
        assertThat(arenas.arenaFor(6)).as("thread 6").isEqualTo(2);
        assertThat(arenas.arenaFor(7)).as("thread 7: free list empty, a new arena").isEqualTo(4);
    }

    @Test
    @Points(4)
    @Hint("Map 2 x 64 MiB PROT_NONE, keep the 64 MiB that starts on a 64 MiB boundary (munmap the part below "
            + "it, then the part above it), then mprotect the first size bytes (size + top_pad, whole pages) read-write.")
    void aThreadsFirstHeapIsA64MiBAlignedReservationWithARwStart() {
        VirtualMemory vm = new VirtualMemory(MMAP_BASE, maps("heap.maps.before_thread"));
        PtmallocArenas arenas = new PtmallocArenas(2, vm);
        threadStack(vm);
        Optional<Heap> heap = arenas.newHeap(NEW_ARENA_HEAP_REQUEST, PtmallocArenas.DEFAULT_TOP_PAD);
        assertThat(heap).as("new_heap for the first thread's arena").isPresent();
        assertThat(heap.get()).as("heap_info of the first thread's heap").isEqualTo(new Heap(
                real("heap.thread_heap"),                     // 0x7ffff0000000
                real("heap.heap_info_size"),                  // 0x21000
                real("heap.heap_info_mprotect_size")));
        // rw-p 0x7ffff0000000-0x7ffff0021000, ---p up to 0x7ffff4000000, nothing else left behind
        assertThat(vm.mappings()).as("/proc/self/maps after the thread's first malloc")
                .containsExactlyElementsOf(maps("heap.maps.after_thread_malloc"));
        // the "heaps" run starts from the same maps: its first stack and heap calls are this thread's
        assertThat(vm.calls()).as("system calls of pthread_create's stack, then new_heap (strace)")
                .containsExactlyElementsOf(HEAPS_STRACE.subList(0, 6));
        // real: the heap stays mapped after the thread freed its chunk and exited (the arena is kept for reuse)
        assertThat(maps("heap.maps.after_thread_exit")).as("/proc/self/maps after the thread exited")
                .isEqualTo(maps("heap.maps.after_thread_malloc"));
        assertThat(PtmallocArenas.heapForPtr(real("heap.thread_malloc_1000"))).as("heap_for_ptr(0x7ffff0000b70)")
                .isEqualTo(real("heap.thread_heap"));
        assertThat(PtmallocArenas.heapForPtr(real("heap.thread_heap") + real("heap.heap_info_size") - 16))
                .as("heap_for_ptr of the last chunk bytes").isEqualTo(real("heap.thread_heap"));
    }

    @Test
    @Points(3)
    @Hint("When the double mapping already starts on a 64 MiB boundary, only the upper half is unmapped and "
            + "its address is remembered: the next heap first tries mmap at exactly that address.")
    void anAlreadyAlignedMappingSendsTheNextHeapJustAboveIt() {
        VirtualMemory vm = new VirtualMemory(MMAP_BASE, maps("heaps.maps.before_threads"));
        PtmallocArenas arenas = new PtmallocArenas(2, vm);
        for (int t = 1; t <= 4; t++) {
            threadStack(vm);
            Optional<Heap> heap = arenas.newHeap(NEW_ARENA_HEAP_REQUEST, PtmallocArenas.DEFAULT_TOP_PAD);
            assertThat(heap).as("heap of thread %d", t).isPresent();
            assertThat(heap.get().address()).as("heap of thread %d", t).isEqualTo(real("heaps.thread" + t + "_heap"));
        }
        assertThat(vm.calls()).as("mmap, munmap and mprotect calls of 4 stacks and heaps (strace)")
                .containsExactlyElementsOf(HEAPS_STRACE);
        assertThat(vm.mappings()).as("/proc/self/maps with four thread heaps")
                .containsExactlyElementsOf(maps("heaps.maps.after_threads"));
    }

    @Test
    @Points(2)
    @Hint("Sizes: below 32 KiB (size + top_pad) take 32 KiB; if size + top_pad fits in 64 MiB take it; if only "
            + "size fits take 64 MiB; if size alone is bigger there is no heap, and nothing is mapped.")
    void theHeapSizeIsSizePlusTopPadBetween32KiBAnd64MiB() {
        assertThat(heapSize(NEW_ARENA_HEAP_REQUEST, PtmallocArenas.DEFAULT_TOP_PAD)).as("new arena's heap")
                .isEqualTo(real("heap.heap_info_size"));
        // by hand: 100 + 0 < HEAP_MIN_SIZE (32 KiB)
        assertThat(heapSize(100, 0)).as("heap for 100 bytes, top_pad 0").isEqualTo(32 * 1024);
        // 5000 + 128 KiB = 136072 bytes, rounded up to 34 pages
        assertThat(heapSize(5000, PtmallocArenas.DEFAULT_TOP_PAD)).as("heap for 5000 bytes").isEqualTo(34 * 4096);
        // 64 MiB - 4 KiB + 128 KiB is too much for top_pad: the heap is the whole 64 MiB
        assertThat(heapSize((64L << 20) - 4096, PtmallocArenas.DEFAULT_TOP_PAD)).as("heap for 64 MiB - 4 KiB")
                .isEqualTo(64L << 20);
        VirtualMemory vm = new VirtualMemory(MMAP_BASE, List.of());
        assertThat(new PtmallocArenas(2, vm).newHeap((64L << 20) + 1, 0)).as("heap for 64 MiB + 1").isEmpty();
        assertThat(vm.mappings()).as("mappings after a refused heap").isEmpty();
    }

    static long heapSize(long size, long topPad) {
        VirtualMemory vm = new VirtualMemory(MMAP_BASE, List.of());
        Optional<Heap> heap = new PtmallocArenas(2, vm).newHeap(size, topPad);
        assertThat(heap).as("new_heap(%d, %d)", size, topPad).isPresent();
        Heap h = heap.get();
        assertThat(h.address() % PtmallocArenas.HEAP_MAX_SIZE).as("heap address modulo 64 MiB").isZero();
        List<Mapping> expected = new ArrayList<>();
        expected.add(new Mapping(h.address(), h.address() + h.size(), Prot.READ_WRITE));
        if (h.size() < PtmallocArenas.HEAP_MAX_SIZE) {
            expected.add(new Mapping(h.address() + h.size(), h.address() + PtmallocArenas.HEAP_MAX_SIZE, Prot.NONE));
        }
        assertThat(vm.mappings()).as("mappings of new_heap(%d, %d)", size, topPad).containsExactlyElementsOf(expected);
        return h.size();
    }

    @Test
    @Points(4)
    @Hint("fastbin: size/16 - 2. small bin: size/16 below 1024. large bin: 48 + size/64 up to size/64 = 48, "
            + "then 91 + size/512 up to 20, 110 + size/4096 up to 10, 119 + size/32768 up to 4, 124 + size/262144 "
            + "up to 2, else 126. tcache: (chunk size - 32) / 16.")
    void binIndicesFollowTheChunkSize() {
        // fastbins: 0x20 -> 0 ... 0x80 (global_max_fast) -> 6, 0xb0 (MAX_FAST_SIZE 160 as a chunk) -> 9
        assertThat(PtmallocArenas.fastbinIndex(0x20)).as("fastbin_index(0x20)").isZero();
        assertThat(PtmallocArenas.fastbinIndex(0x80)).as("fastbin_index(0x80)").isEqualTo(6);
        assertThat(PtmallocArenas.fastbinIndex(0xb0)).as("fastbin_index(0xb0)").isEqualTo(9);
        // small bins 2..63, one exact size each
        assertThat(PtmallocArenas.smallbinIndex(0x20)).as("smallbin_index(0x20)").isEqualTo(2);
        assertThat(PtmallocArenas.smallbinIndex(0x90)).as("smallbin_index(0x90)").isEqualTo(9);
        assertThat(PtmallocArenas.smallbinIndex(0x3f0)).as("smallbin_index(0x3f0)").isEqualTo(63);
        // large bins, each boundary of largebin_index_64 computed by hand
        long[][] large = {
            {1024, 64}, {1072, 64}, {1088, 65}, {3120, 96},      // 64-byte steps: 48 + sz/64
            {3136, 97}, {10736, 111},                              // 3136/64 = 49 > 48: 91 + sz/512
            {10752, 112}, {45040, 120},                            // 10752/512 = 21 > 20: 110 + sz/4096
            {45056, 120}, {163824, 123},                           // 45056/4096 = 11 > 10: 119 + sz/32768
            {163840, 124}, {786416, 126},                          // 163840/32768 = 5 > 4: 124 + sz/262144
            {786432, 126}, {1L << 30, 126},                        // 786432/262144 = 3 > 2: 126
        };
        for (long[] l : large) {
            assertThat(PtmallocArenas.largebinIndex(l[0])).as("largebin_index_64(%d)", l[0]).isEqualTo((int) l[1]);
        }
        assertThat(PtmallocArenas.binIndex(1008)).as("bin_index(1008), small").isEqualTo(63);
        assertThat(PtmallocArenas.binIndex(1024)).as("bin_index(1024), large").isEqualTo(64);
        // tcache: malloc(0..24) -> 0, 25 -> 1, 1032 -> 63 (the last), 1033 -> 64 (not cached)
        assertThat(PtmallocArenas.tcacheIndex(0)).as("tcache bin of malloc(0)").isZero();
        assertThat(PtmallocArenas.tcacheIndex(24)).as("tcache bin of malloc(24)").isZero();
        assertThat(PtmallocArenas.tcacheIndex(25)).as("tcache bin of malloc(25)").isEqualTo(1);
        assertThat(PtmallocArenas.tcacheIndex(1032)).as("tcache bin of malloc(1032)").isEqualTo(63);
        assertThat(PtmallocArenas.tcacheIndex(1033)).as("tcache bin of malloc(1033)").isEqualTo(64);
        // real: after free(malloc(1000)), malloc(n) returned the same chunk exactly for n in 1000's tcache bin
        for (long n : new long[] {984, 985, 1000, 1001}) {
            boolean same = PtmallocArenas.tcacheIndex(n) == PtmallocArenas.tcacheIndex(1000);
            assertThat(same ? 1L : 0L).as("malloc(%d) in the tcache bin of malloc(1000)", n)
                    .isEqualTo(real("tcache.malloc_" + n + "_reuses_freed_1000"));
        }
    }

    static Mapping mapping(String mapsLine) {
        String[] f = mapsLine.trim().split("\\s+");
        String[] range = f[0].split("-");
        return new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), Prot.ofMaps(f[1]));
    }

    static List<String> lines(String resource) {
        InputStream in = PtmallocArenasTest.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("grader resource " + resource + " is missing");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read grader resource " + resource, e);
        }
        return lines;
    }
}
