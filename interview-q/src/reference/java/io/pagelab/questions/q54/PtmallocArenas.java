package io.pagelab.questions.q54;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Q54 用户态内存如何管理？ How is user memory managed? (reference solution)
 *
 * <p>Models the structure of glibc 2.36's ptmalloc2 on x86-64: malloc/arena.c arena_get2(),
 * get_free_list(), reused_arena(), _int_new_arena() (the choice only), arena_thread_freeres(),
 * alloc_new_heap() and heap_for_ptr(); malloc/malloc.c fastbin_index(), smallbin_index(),
 * largebin_index_64(), bin_index() and csize2tidx(request2size()).
 *
 * <pre>
 *  main thread ─▶ main arena (brk heap)       thread k ─▶ free list? ─▶ new arena while
 *                                                        narenas &lt;= limit - 1 ─▶ else round robin
 *  limit: arena_max if set; else 8 x CPUs, fixed once more than arena_test (8) arenas exist
 *
 *  non-main heap: mmap(2 x 64 MiB, PROT_NONE) ─▶ keep the 64 MiB-aligned half ─▶ mprotect RW the used part
 *     |--- unmapped ---|== rw-p size ==|------ ---p up to 64 MiB ------|--- unmapped ---|
 *                      ^ aligned to 64 MiB: heap_for_ptr(p) = p &amp; ~(64 MiB - 1)
 * </pre>
 *
 * <p>Differs from glibc on purpose: no locks, so reused_arena()'s trylock always succeeds on the
 * arena it looks at first; arenas and threads are numbers (arena k is the k-th created); the heap
 * is a description, not memory.
 */
public final class PtmallocArenas {

    // ---------------------------------------------------------------------------------------------
    // Given: the x86-64 constants, mallopt, and a small model of the process's mappings.
    // ---------------------------------------------------------------------------------------------

    public static final long SIZE_SZ = 8;
    public static final long MALLOC_ALIGNMENT = 16;
    public static final long MINSIZE = 32;
    public static final long PAGE_SIZE = 4096;
    /** 4 MiB * sizeof(long): 32 MiB on 64-bit. */
    public static final long DEFAULT_MMAP_THRESHOLD_MAX = 4L * 1024 * 1024 * 8;
    /** Every non-main heap reserves this much address space, aligned to it: 64 MiB on 64-bit. */
    public static final long HEAP_MAX_SIZE = 2 * DEFAULT_MMAP_THRESHOLD_MAX;
    /** The smallest heap: 32 KiB. */
    public static final long HEAP_MIN_SIZE = 32 * 1024;
    public static final long DEFAULT_TOP_PAD = 128 * 1024;
    /** mp_.arena_test default on 64-bit: NARENAS_FROM_NCORES(1) = 8. */
    public static final int DEFAULT_ARENA_TEST = 8;
    /** Thread number of the process's main thread, and number of the main arena. */
    public static final int MAIN_THREAD = 0;
    public static final int MAIN_ARENA = 0;
    public static final int M_ARENA_TEST = -7;
    public static final int M_ARENA_MAX = -8;
    /** The largest chunk on the fastbins by default (global_max_fast on 64-bit). */
    public static final long DEFAULT_MAX_FAST = 128;
    /** Chunks below this size are small (NSMALLBINS 64 * SMALLBIN_WIDTH 16). */
    public static final long MIN_LARGE_SIZE = 1024;
    public static final int TCACHE_MAX_BINS = 64;

    private final int onlineCpus;
    private final VirtualMemory vm;
    private int arenaTest = DEFAULT_ARENA_TEST;
    private int arenaMax;

    /**
     * A process with {@code onlineCpus} CPUs (what __get_nprocs() counts) whose mappings are
     * {@code vm}; only the main arena exists and only the main thread runs.
     */
    public PtmallocArenas(int onlineCpus, VirtualMemory vm) {
        checkArgument(onlineCpus >= 1, "online CPU count %s is below 1", onlineCpus);
        this.onlineCpus = onlineCpus;
        this.vm = Objects.requireNonNull(vm, "vm");
    }

    public int onlineCpus() {
        return onlineCpus;
    }

    public VirtualMemory vm() {
        return vm;
    }

    /** mp_.arena_test: 8 unless mallopt(M_ARENA_TEST) changed it. */
    public int arenaTest() {
        return arenaTest;
    }

    /** mp_.arena_max: 0 (no fixed limit) unless mallopt(M_ARENA_MAX) set it. */
    public int arenaMax() {
        return arenaMax;
    }

    /** mallopt(M_ARENA_TEST or M_ARENA_MAX, value): returns 1 when the value is taken, 0 if refused. */
    public int mallopt(int param, int value) {
        if (value <= 0) {
            return 0;
        }
        if (param == M_ARENA_TEST) {
            arenaTest = value;
        } else if (param == M_ARENA_MAX) {
            arenaMax = value;
        } else {
            throw new IllegalArgumentException("mallopt parameter " + param
                    + " is not one of M_ARENA_TEST (-7), M_ARENA_MAX (-8)");
        }
        return 1;
    }

    /** A heap of a non-main arena: glibc's heap_info (ar_ptr and prev left out). */
    public record Heap(long address, long size, long mprotectSize) {
    }

    /** Page protection of a mapping, as /proc/pid/maps shows it. */
    public enum Prot {
        NONE("---p", "PROT_NONE"), READ("r--p", "PROT_READ"), READ_EXEC("r-xp", "PROT_READ|PROT_EXEC"),
        READ_WRITE("rw-p", "PROT_READ|PROT_WRITE"), EXEC("--xp", "PROT_EXEC");

        private final String maps;
        private final String flags;

        Prot(String maps, String flags) {
            this.maps = maps;
            this.flags = flags;
        }

        /** The PROT_ flags as strace prints them. */
        public String flags() {
            return flags;
        }

        /** The permission column of /proc/pid/maps. */
        public String maps() {
            return maps;
        }

        /** The protection whose permission column is {@code maps}, such as "rw-p". */
        public static Prot ofMaps(String maps) {
            for (Prot p : values()) {
                if (p.maps.equals(maps)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("permissions '" + maps + "' are not one of ---p r--p r-xp rw-p --xp");
        }
    }

    /** One mapping [start, end): a line of /proc/pid/maps without offset, device, inode and name. */
    public record Mapping(long start, long end, Prot prot) {
        public Mapping {
            checkArgument(start < end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0,
                    "mapping [0x%s, 0x%s) is empty or not page aligned", Long.toHexString(start), Long.toHexString(end));
        }

        @Override
        public String toString() {
            return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + prot.maps();
        }
    }

    /**
     * The mappings of a process, with mmap, munmap and mprotect as Linux x86-64 does them for
     * anonymous private memory (mm/mmap.c, arch/x86/kernel/sys_x86_64.c:
     * arch_get_unmapped_area_topdown): a free hint is taken as is, otherwise the mapping goes at
     * the top of the highest free gap below mmap_base that holds it. Without a hint, a length that
     * is a multiple of 2 MiB is placed on a 2 MiB boundary, as Linux 6.7 and later do for
     * transparent huge pages (mm/mmap.c: __get_unmapped_area, mm/huge_memory.c:
     * __thp_get_unmapped_area: search for len + 2 MiB, then align). Mappings are never merged
     * (the kernel merges some neighbours, which changes no address). {@link #calls()} logs every
     * call as strace prints it, without the flags and fd arguments.
     */
    public static final class VirtualMemory {
        /** mmap's return value on failure. */
        public static final long MAP_FAILED = -1;
        /** PMD_SIZE: anonymous mappings of a multiple of it are aligned to it. */
        public static final long THP_SIZE = 2L << 20;
        /** The lowest address mmap hands out (vm.mmap_min_addr). */
        public static final long MMAP_MIN_ADDR = 65536;
        /** TASK_SIZE with 4-level page tables. */
        public static final long TASK_SIZE = 0x7ffffffff000L;

        private final long mmapBase;
        private final TreeMap<Long, Mapping> mappings = new TreeMap<>(Long::compareUnsigned);
        private final List<String> calls = new ArrayList<>();

        /** An address space whose top-down mmap area ends at {@code mmapBase}, holding {@code existing}. */
        public VirtualMemory(long mmapBase, Collection<Mapping> existing) {
            checkArgument(mmapBase % PAGE_SIZE == 0 && mmapBase > MMAP_MIN_ADDR && mmapBase <= TASK_SIZE,
                    "mmap_base 0x%s is not a page-aligned user address", Long.toHexString(mmapBase));
            this.mmapBase = mmapBase;
            for (Mapping m : existing) {
                checkArgument(isFree(m.start(), m.end() - m.start()), "mapping %s overlaps another", m);
                mappings.put(m.start(), m);
            }
        }

        /**
         * mmap(hint, len, prot, MAP_PRIVATE | MAP_ANONYMOUS): the address of the new mapping, or
         * MAP_FAILED when no gap holds it.
         */
        public long mmap(long hint, long len, Prot prot) {
            checkArgument(len > 0 && len % PAGE_SIZE == 0, "mmap length %s is not a positive multiple of %s", len, PAGE_SIZE);
            Objects.requireNonNull(prot, "prot");
            long addr;
            if (hint != 0 && hint % PAGE_SIZE == 0 && hint >= MMAP_MIN_ADDR && hint <= TASK_SIZE - len
                    && isFree(hint, len)) {
                addr = hint;
            } else if (hint == 0 && len % THP_SIZE == 0) {
                long padded = topDown(len + THP_SIZE);
                long offSub = -padded & (THP_SIZE - 1);
                addr = padded == MAP_FAILED ? topDown(len) : padded + (offSub == 0 ? THP_SIZE : offSub);
            } else {
                addr = topDown(len);
            }
            calls.add(String.format("mmap(%s, %d, %s) = %s", hint == 0 ? "NULL" : "0x" + Long.toHexString(hint), len,
                    prot.flags(), addr == MAP_FAILED ? "-1 ENOMEM" : "0x" + Long.toHexString(addr)));
            if (addr != MAP_FAILED) {
                mappings.put(addr, new Mapping(addr, addr + len, prot));
            }
            return addr;
        }

        /** munmap(addr, len): removes every page of [addr, addr + len), splitting mappings. */
        public void munmap(long addr, long len) {
            checkRange("munmap", addr, len);
            calls.add(String.format("munmap(0x%x, %d)", addr, len));
            cut(addr, addr + len);
        }

        /** mprotect(addr, len, prot): every page of the range must be mapped; returns 0, or -1 (ENOMEM) if not. */
        public int mprotect(long addr, long len, Prot prot) {
            checkRange("mprotect", addr, len);
            Objects.requireNonNull(prot, "prot");
            calls.add(String.format("mprotect(0x%x, %d, %s)", addr, len, prot.flags()));
            long covered = 0;
            for (Mapping m : overlapping(addr, addr + len)) {
                covered += Math.min(m.end(), addr + len) - Math.max(m.start(), addr);
            }
            if (covered != len) {
                return -1;
            }
            cut(addr, addr + len);
            mappings.put(addr, new Mapping(addr, addr + len, prot));
            return 0;
        }

        /** The mappings, lowest first. */
        public List<Mapping> mappings() {
            return List.copyOf(mappings.values());
        }

        /** The mappings that lie inside [from, to), lowest first. */
        public List<Mapping> mappings(long from, long to) {
            List<Mapping> inside = new ArrayList<>();
            for (Mapping m : mappings.values()) {
                if (Long.compareUnsigned(m.start(), from) >= 0 && Long.compareUnsigned(m.end(), to) <= 0) {
                    inside.add(m);
                }
            }
            return inside;
        }

        /** Every mmap, munmap and mprotect call so far, in order, as text. */
        public List<String> calls() {
            return List.copyOf(calls);
        }

        private long topDown(long len) {
            long gapEnd = mmapBase;
            for (Mapping m : mappings.descendingMap().values()) {
                if (Long.compareUnsigned(m.start(), mmapBase) >= 0) {
                    continue;                             // [stack], [vsyscall]: above the mmap area
                }
                long gapStart = m.end();
                if (gapStart < gapEnd && gapEnd - gapStart >= len) {
                    return gapEnd - len;
                }
                gapEnd = Math.min(gapEnd, m.start());
            }
            return gapEnd - MMAP_MIN_ADDR >= len ? gapEnd - len : MAP_FAILED;
        }

        private boolean isFree(long addr, long len) {
            return overlapping(addr, addr + len).isEmpty();
        }

        private List<Mapping> overlapping(long from, long to) {
            List<Mapping> found = new ArrayList<>();
            for (Mapping m : mappings.values()) {
                if (Long.compareUnsigned(m.start(), to) < 0 && Long.compareUnsigned(m.end(), from) > 0) {
                    found.add(m);
                }
            }
            return found;
        }

        private void cut(long from, long to) {
            for (Mapping m : overlapping(from, to)) {
                mappings.remove(m.start());
                if (m.start() < from) {
                    mappings.put(m.start(), new Mapping(m.start(), from, m.prot()));
                }
                if (m.end() > to) {
                    mappings.put(to, new Mapping(to, m.end(), m.prot()));
                }
            }
        }

        private static void checkRange(String call, long addr, long len) {
            checkArgument(addr % PAGE_SIZE == 0 && len > 0 && len % PAGE_SIZE == 0,
                    "%s(0x%s, 0x%s): the address and length must be page aligned and the length positive",
                    call, Long.toHexString(addr), Long.toHexString(len));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The learner's part.
    // ---------------------------------------------------------------------------------------------

    private final Map<Integer, Integer> threadArena = new HashMap<>(Map.of(MAIN_THREAD, MAIN_ARENA));
    /** main_arena.next chain: arena to the arena after it (circular, new arenas go right after main). */
    private final Map<Integer, Integer> next = new HashMap<>(Map.of(MAIN_ARENA, MAIN_ARENA));
    private final Map<Integer, Integer> attachedThreads = new HashMap<>(Map.of(MAIN_ARENA, 1));
    private final Deque<Integer> freeList = new ArrayDeque<>();
    private int narenas = 1;
    /** arena_get2()'s static narenas_limit: 0 until computed, then never recomputed. */
    private long narenasLimit;
    private int nextToUse = MAIN_ARENA;
    /** new_heap()'s aligned_heap_area: where the next heap may go without a double-size mmap (0 = none). */
    private long alignedHeapArea;

    /** The arena a thread's malloc uses: glibc's thread_arena, chosen by arena_get2() on its first malloc. */
    public int arenaFor(int thread) {
        checkArgument(thread >= 0, "thread %s is negative: threads are 0 (main) and up", thread);
        Integer attached = threadArena.get(thread);
        if (attached != null) {
            return attached;
        }
        int arena;
        if (!freeList.isEmpty()) {
            arena = freeList.pop();                               // get_free_list()
            attachedThreads.put(arena, 1);
        } else {
            if (narenasLimit == 0) {
                if (arenaMax() != 0) {
                    narenasLimit = arenaMax();
                } else if (narenas > arenaTest()) {
                    narenasLimit = 8L * onlineCpus();             // NARENAS_FROM_NCORES on 64-bit
                }
            }
            // as unsigned numbers, a limit of 0 minus 1 is the largest value: no limit yet
            if (Long.compareUnsigned(narenas, narenasLimit - 1) <= 0) {
                arena = narenas++;                                // _int_new_arena()
                next.put(arena, next.get(MAIN_ARENA));
                next.put(MAIN_ARENA, arena);
                attachedThreads.put(arena, 1);
            } else {
                arena = nextToUse;                                // reused_arena(): trylock succeeds
                attachedThreads.merge(arena, 1, Integer::sum);
                nextToUse = next.get(arena);
            }
        }
        threadArena.put(thread, arena);
        return arena;
    }

    /** A thread other than the main thread exits: arena_thread_freeres(). */
    public void threadExit(int thread) {
        checkArgument(thread != MAIN_THREAD, "the main thread cannot exit alone: its exit ends the process");
        Integer arena = threadArena.remove(thread);
        if (arena == null) {
            return;                                               // never called malloc: no arena
        }
        int left = attachedThreads.merge(arena, -1, Integer::sum);
        checkState(left >= 0, "arena %s had no attached thread", arena);
        if (left == 0) {
            freeList.push(arena);
        }
    }

    /** How many arenas exist, the main arena included (glibc's narenas). */
    public int narenas() {
        return narenas;
    }

    /**
     * new_heap(size, top_pad): reserve HEAP_MAX_SIZE of address space aligned to HEAP_MAX_SIZE,
     * PROT_NONE, and make its first (page-rounded) part read-write; empty when it cannot.
     */
    public Optional<Heap> newHeap(long size, long topPad) {
        checkArgument(size > 0 && topPad >= 0, "new_heap(%s, %s): the size must be positive and top_pad not negative",
                size, topPad);
        if (size + topPad < HEAP_MIN_SIZE) {
            size = HEAP_MIN_SIZE;
        } else if (size + topPad <= HEAP_MAX_SIZE) {
            size += topPad;
        } else if (size > HEAP_MAX_SIZE) {
            return Optional.empty();
        } else {
            size = HEAP_MAX_SIZE;
        }
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

        long p2 = VirtualMemory.MAP_FAILED;
        if (alignedHeapArea != 0) {
            p2 = vm().mmap(alignedHeapArea, HEAP_MAX_SIZE, Prot.NONE);
            alignedHeapArea = 0;
            if (p2 != VirtualMemory.MAP_FAILED && (p2 & (HEAP_MAX_SIZE - 1)) != 0) {
                vm().munmap(p2, HEAP_MAX_SIZE);
                p2 = VirtualMemory.MAP_FAILED;
            }
        }
        if (p2 == VirtualMemory.MAP_FAILED) {
            long p1 = vm().mmap(0, 2 * HEAP_MAX_SIZE, Prot.NONE);
            if (p1 != VirtualMemory.MAP_FAILED) {
                p2 = (p1 + HEAP_MAX_SIZE - 1) & ~(HEAP_MAX_SIZE - 1);
                long ul = p2 - p1;
                if (ul != 0) {
                    vm().munmap(p1, ul);
                } else {
                    alignedHeapArea = p2 + HEAP_MAX_SIZE;
                }
                vm().munmap(p2 + HEAP_MAX_SIZE, HEAP_MAX_SIZE - ul);
            } else {
                p2 = vm().mmap(0, HEAP_MAX_SIZE, Prot.NONE);
                if (p2 == VirtualMemory.MAP_FAILED) {
                    return Optional.empty();
                }
                if ((p2 & (HEAP_MAX_SIZE - 1)) != 0) {
                    vm().munmap(p2, HEAP_MAX_SIZE);
                    return Optional.empty();
                }
            }
        }
        if (vm().mprotect(p2, size, Prot.READ_WRITE) != 0) {
            vm().munmap(p2, HEAP_MAX_SIZE);
            return Optional.empty();
        }
        return Optional.of(new Heap(p2, size, size));
    }

    /** heap_for_ptr(ptr): the heap (its heap_info) holding a chunk of a non-main arena. */
    public static long heapForPtr(long ptr) {
        return ptr & ~(HEAP_MAX_SIZE - 1);
    }

    /** fastbin_index(sz) for a chunk of 32 to 176 bytes (MAX_FAST_SIZE 160 as a chunk). */
    public static int fastbinIndex(long chunkSize) {
        checkChunk(chunkSize);
        checkArgument(chunkSize <= 176, "chunk size %s is above 176, the largest fastbin chunk (MAX_FAST_SIZE)", chunkSize);
        return (int) (chunkSize >>> 4) - 2;
    }

    /** smallbin_index(sz) for a chunk below MIN_LARGE_SIZE. */
    public static int smallbinIndex(long chunkSize) {
        checkChunk(chunkSize);
        checkArgument(chunkSize < MIN_LARGE_SIZE, "chunk size %s is not small: small chunks are below %s",
                chunkSize, MIN_LARGE_SIZE);
        return (int) (chunkSize >>> 4);
    }

    /** largebin_index_64(sz) for a chunk of MIN_LARGE_SIZE or more. */
    public static int largebinIndex(long chunkSize) {
        checkChunk(chunkSize);
        checkArgument(chunkSize >= MIN_LARGE_SIZE, "chunk size %s is not large: large chunks start at %s",
                chunkSize, MIN_LARGE_SIZE);
        long sz = chunkSize;
        if ((sz >>> 6) <= 48) {
            return 48 + (int) (sz >>> 6);
        }
        if ((sz >>> 9) <= 20) {
            return 91 + (int) (sz >>> 9);
        }
        if ((sz >>> 12) <= 10) {
            return 110 + (int) (sz >>> 12);
        }
        if ((sz >>> 15) <= 4) {
            return 119 + (int) (sz >>> 15);
        }
        if ((sz >>> 18) <= 2) {
            return 124 + (int) (sz >>> 18);
        }
        return 126;
    }

    /** bin_index(sz): the bins[] index where a free chunk of this size is kept. */
    public static int binIndex(long chunkSize) {
        return chunkSize < MIN_LARGE_SIZE ? smallbinIndex(chunkSize) : largebinIndex(chunkSize);
    }

    /** usize2tidx(n) = csize2tidx(request2size(n)): the tcache bin of malloc(n); 64 and up are not cached. */
    public static int tcacheIndex(long request) {
        checkArgument(request >= 0 && request <= Long.MAX_VALUE / 2, "malloc request %s is out of range", request);
        long padded = request + SIZE_SZ + MALLOC_ALIGNMENT - 1;
        long nb = padded < MINSIZE ? MINSIZE : padded & ~(MALLOC_ALIGNMENT - 1);
        return (int) Math.min(Integer.MAX_VALUE, (nb - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT);
    }

    private static void checkChunk(long chunkSize) {
        checkArgument(chunkSize >= MINSIZE && chunkSize % MALLOC_ALIGNMENT == 0,
                "chunk size %s is not a multiple of %s of at least MINSIZE %s", chunkSize, MALLOC_ALIGNMENT, MINSIZE);
    }
}
