package io.pagelab.questions.q54;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.exercise.Todo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Q54 用户态内存如何管理？ How is user memory managed?
 *
 * <p>In user space, glibc's malloc (ptmalloc2) manages memory. Its structure: <b>arenas</b>, each
 * with its own lock and free lists, so that threads do not queue on one lock; the main arena grows
 * the brk heap, every other arena lives in <b>heaps</b> it mmaps; inside, free chunks wait in
 * <b>bins</b> sorted by size (and in a per-thread cache, the tcache).
 * 用户态由 glibc 的 ptmalloc 管理：多个分配区 (arena) 减少线程间的锁竞争；主分配区用 brk 堆，其余分配区用
 * mmap 出来的 64 MiB 对齐的 heap；空闲块按大小放进各个 bin。
 *
 * <p>Your task: three parts of that structure as glibc 2.36 builds them on x86-64.
 * <ol>
 *   <li><b>Which arena a thread uses</b> ({@link #arenaFor}, {@link #threadExit}, {@link #narenas};
 *       malloc/arena.c: arena_get2). The main thread (0) always uses the main arena (0). Any other
 *       thread gets an arena on its first malloc and keeps it: first an arena left by a thread that
 *       exited (the most recently freed one), else a new arena, numbered 1, 2, ... in creation
 *       order, while the number of arenas n (main included) satisfies n &lt;= limit - 1; else an
 *       existing arena, round robin. The limit is mp_.arena_max if mallopt set it; otherwise it stays
 *       0, meaning "no limit yet" (glibc computes limit - 1 on unsigned numbers), until more than
 *       mp_.arena_test arenas exist, and then it becomes 8 x online CPUs, once and for all. The
 *       round robin walks main_arena.next: the main arena first, then the newest arena, then older
 *       ones, back to the main arena (a new arena is linked right after the main one). When a thread
 *       exits, its arena loses one attached thread; at zero it goes to the head of the free list.</li>
 *   <li><b>A heap for a non-main arena</b> ({@link #newHeap}, {@link #heapForPtr}; arena.c:
 *       alloc_new_heap). The size becomes HEAP_MIN_SIZE if size + top_pad is below it; size + top_pad
 *       if that fits in HEAP_MAX_SIZE; HEAP_MAX_SIZE if only size fits; and no heap at all if size
 *       alone is larger. Round it up to whole pages. The heap must start at a multiple of
 *       HEAP_MAX_SIZE (64 MiB), so that heap_for_ptr(p) can find it by clearing the low bits of any
 *       pointer in it: mmap twice HEAP_MAX_SIZE with PROT_NONE at no particular address, then munmap
 *       what lies below the first 64 MiB boundary inside it and what lies above that boundary +
 *       64 MiB. If the mapping happened to start on the boundary already, remember the 64 MiB just
 *       above the kept heap (aligned_heap_area): the next call first tries mmap(that address,
 *       HEAP_MAX_SIZE, PROT_NONE), forgets it, and keeps the result only if it is aligned (else
 *       munmap it and fall back to the double mapping). If the double mapping fails, try a single
 *       HEAP_MAX_SIZE mapping and keep it only if it is aligned. Finally mprotect the first size
 *       bytes read-write; what is left stays PROT_NONE, reserved for the heap to grow.</li>
 *   <li><b>Bins</b> (malloc/malloc.c): {@link #fastbinIndex} is size / 16 - 2; {@link #smallbinIndex}
 *       is size / 16 for chunks below 1024 bytes; {@link #largebinIndex} (largebin_index_64) puts
 *       chunks of 1024 bytes and up in bins whose width grows: 64 bytes apart while size / 64 is at
 *       most 48 (index 48 + size / 64), then 512 while size / 512 &lt;= 20 (91 + size / 512), 4096
 *       while size / 4096 &lt;= 10 (110 + ...), 32768 while size / 32768 &lt;= 4 (119 + ...), 262144
 *       while size / 262144 &lt;= 2 (124 + ...), and 126 for all larger chunks. {@link #binIndex}
 *       picks small or large. {@link #tcacheIndex} takes a malloc request: its chunk size (n + 8
 *       rounded up to 16, at least 32) minus 32, divided by 16.</li>
 * </ol>
 * The constants, mallopt and {@link VirtualMemory} (mmap, munmap, mprotect of the process) are
 * given. Add the fields you need in the learner's part.
 *
 * <p>Run {@code ./pagelab grade q54} to check your work.
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
    // The learner's part. Add the fields you need here.
    // ---------------------------------------------------------------------------------------------

    /**
     * The arena a thread's malloc uses (glibc's thread_arena): 0 for the main arena, k for the
     * k-th arena created. A thread keeps the arena it got on its first malloc.
     *
     * @param thread 0 for the main thread, any other number for another thread
     */
    public int arenaFor(int thread) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** A thread other than the main thread exits (arena_thread_freeres). */
    public void threadExit(int thread) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** How many arenas exist, the main arena included (glibc's narenas). */
    public int narenas() {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /**
     * new_heap(size, top_pad): a heap for a non-main arena, mapped in {@link #vm()}; empty when it
     * cannot be made.
     */
    public Optional<Heap> newHeap(long size, long topPad) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** heap_for_ptr(ptr): the address of the heap that holds a chunk of a non-main arena. */
    public static long heapForPtr(long ptr) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** fastbin_index(sz) for a chunk of 32 to 176 bytes. */
    public static int fastbinIndex(long chunkSize) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** smallbin_index(sz) for a chunk below 1024 bytes. */
    public static int smallbinIndex(long chunkSize) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** largebin_index_64(sz) for a chunk of 1024 bytes or more. */
    public static int largebinIndex(long chunkSize) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** bin_index(sz): the bins[] index where a free chunk of this size is kept. */
    public static int binIndex(long chunkSize) {
        throw new Todo("q54/PtmallocArenas.java");
    }

    /** The tcache bin of malloc(request): csize2tidx(request2size(request)); 64 and up are not cached. */
    public static int tcacheIndex(long request) {
        throw new Todo("q54/PtmallocArenas.java");
    }
}
