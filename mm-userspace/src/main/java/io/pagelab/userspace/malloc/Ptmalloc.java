package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.InvalidArgumentException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's malloc: glibc 2.36's ptmalloc2 for x86-64 (malloc/malloc.c: __libc_malloc,
 * __libc_free, __libc_calloc, __libc_realloc, _mid_memalign, __posix_memalign, __libc_mallopt,
 * __malloc_trim/mtrim, __libc_mallinfo2/int_mallinfo, __malloc_stats, musable; malloc/arena.c:
 * arena_get, arena_get2, _int_new_arena, the heap functions), running inside a simulated process
 * given as an {@link AddressSpace}. Chunks, tcache entries and bin links are stored in process
 * memory exactly as glibc lays them out, so the addresses returned are the ones the real glibc 2.36
 * returns for the same sequence of calls in a fresh process with ASLR off, and user code that
 * overwrites metadata trips the same integrity checks (thrown as
 * {@link io.pagelab.api.error.MemoryCorruptionException} with glibc's exact message).
 *
 * <pre>
 *  [heap] (brk)                                      mmap area
 *  start_brk                                         each request &gt;= mmap_threshold (128 KiB, dynamic)
 *  +0x000 tcache_perthread_struct chunk (0x290)      mapping + 0x00 prev_size 0, size | IS_MMAPPED
 *  +0x290 first user chunk, user pointer +0x2a0      mapping + 0x10 user pointer
 *  ...    chunks ... top chunk ... break             thread arenas: 64 MiB-aligned heaps, rw- + ---
 * </pre>
 *
 * <p>An instance is a thread's view: the constructor gives the main thread (tid 1);
 * {@link #thread(int)} gives another thread its own tcache and arena (arena_get semantics), and
 * once a second thread exists malloc stops taking the single-thread shortcuts, as after
 * pthread_create.
 *
 * <p>Return values follow C: a failed allocation returns 0 (NULL, errno ENOMEM). Misuse that glibc
 * reports with EINVAL (posix_memalign with a bad alignment) throws
 * {@link InvalidArgumentException}. Bad pointers and corrupted metadata throw what glibc's checks
 * say, or the {@link io.pagelab.api.error.SegmentationFault} the process would get.
 *
 * <p>Differs from glibc on purpose: there is no libc image in the simulated process, so the
 * constructor maps two read-write pages at 0x7ffff7fa8000 to hold main_arena where Debian's
 * glibc 2.36 has it ({@code 0x7ffff7fa8c60}) (mp_, global_max_fast and perturb_byte are Java
 * fields); the tcache key comes from a seed instead of
 * getrandom(); no locks (one simulated thread runs at a time, so no arena is ever contended and
 * reused_arena takes the next in line); no hooks, mcheck, memory tagging, huge pages or
 * GLIBC_TUNABLES (mallopt is the only knob); a thread exits only when {@link #threadExit()} is
 * called; malloc_stats returns its text instead of printing it to stderr; __get_nprocs is 2; creating a
 * thread allocates nothing (real pthread_create callocs the new thread's DTV, a 0x120 chunk, in the
 * creating thread's arena unless a cached stack is reused).
 *
 * <p>Logging: DEBUG on {@code io.pagelab.userspace.malloc} narrates sysmalloc (brk growth, mmap),
 * systrim and heap_trim, malloc_consolidate, new arenas and heaps, and each integrity failure.
 */
public final class Ptmalloc {
    private static final Logger LOG = LoggerFactory.getLogger(Ptmalloc.class);
    /** mallopt parameters (malloc/malloc.h). */
    public static final int M_MXFAST = 1;
    public static final int M_NLBLKS = 2;
    public static final int M_GRAIN = 3;
    public static final int M_KEEP = 4;
    public static final int M_TRIM_THRESHOLD = -1;
    public static final int M_TOP_PAD = -2;
    public static final int M_MMAP_THRESHOLD = -3;
    public static final int M_MMAP_MAX = -4;
    public static final int M_CHECK_ACTION = -5;
    public static final int M_PERTURB = -6;
    public static final int M_ARENA_TEST = -7;
    public static final int M_ARENA_MAX = -8;
    /** The tid of the thread the constructor returns. */
    public static final int MAIN_TID = 1;

    private final MallocContext ctx;
    private final Mem m;
    private final int tid;
    private final Map<Integer, Ptmalloc> threads;
    private final MallocInfo info;
    /** This thread's tcache (the TLS variable {@code tcache}); null until the first malloc/free. */
    private Tcache tcache;
    /** This thread's arena (the TLS variable {@code thread_arena}). */
    private Arena threadArena;
    /** tcache_shutting_down: the thread has exited. */
    private boolean exited;

    /** A fresh process's malloc with glibc 2.36 x86-64 defaults and tcache key seed 0. */
    public Ptmalloc(AddressSpace process) {
        this(process, 0);
    }

    /** As {@link #Ptmalloc(AddressSpace)}, the tcache key drawn from {@code seed}. */
    public Ptmalloc(AddressSpace process, long seed) {
        this.ctx = new MallocContext(Objects.requireNonNull(process, "process"), seed);
        this.m = ctx.mem;
        this.tid = MAIN_TID;
        this.threads = new HashMap<>();
        this.info = new MallocInfo(ctx);
        this.threadArena = ctx.mainArena; // ptmalloc_init: thread_arena = &main_arena
        threads.put(tid, this);
    }

    private Ptmalloc(Ptmalloc main, int tid) {
        this.ctx = main.ctx;
        this.m = main.m;
        this.tid = tid;
        this.threads = main.threads;
        this.info = main.info;
    }

    /**
     * The malloc seen by thread {@code tid} of the same process (created on first use: its tcache
     * and arena come on its first allocation).
     */
    public Ptmalloc thread(int tid) {
        InvalidArgumentException.check(tid > 0, "tid %s must be > 0", tid);
        Ptmalloc t = threads.get(tid);
        if (t == null) {
            t = new Ptmalloc(threads.get(MAIN_TID), tid);
            threads.put(tid, t);
            ctx.singleThread = false;
        }
        return t;
    }

    /**
     * The thread exits (glibc 2.36 __malloc_arena_thread_freeres): tcache_thread_shutdown frees every
     * tcache entry and the tcache itself back to their arenas, then the thread detaches from its
     * arena, which goes on the free list for the next new thread once no thread uses it. The view
     * must not allocate afterwards. The main thread cannot exit (that ends the process).
     */
    public void threadExit() {
        InvalidArgumentException.check(tid != MAIN_TID,
                "thread %s is the main thread: it cannot exit, the process would", tid);
        InvalidArgumentException.check(!exited, "thread %s has already exited", tid);
        exited = true;
        Tcache tc = tcache;
        tcache = null;
        if (tc != null) {
            for (int i = 0; i < TCACHE_MAX_BINS; i++) {
                long e;
                while ((e = tc.entry(i)) != 0) {
                    if (!alignedOk(e)) {
                        throw MallocError.printerr("tcache_thread_shutdown(): unaligned tcache chunk detected", e);
                    }
                    m.st(tc.tc + 128 + 8L * i, m.revealAt(e));
                    libcFree(e);
                }
            }
            libcFree(tc.tc);
        }
        Arena a = threadArena;
        threadArena = null;
        ctx.threadFreeres(a);
        threads.remove(tid);
    }

    /** This view's thread id. */
    public int tid() {
        return tid;
    }

    // ---- arena_get and tcache_init (arena.c, malloc.c) ----------------------------------------

    private Arena arenaGet(long size) {
        if (threadArena == null) {
            threadArena = ctx.arenaGet2(size, null, null);
        }
        return threadArena;
    }

    private void maybeInitTcache() {
        if (tcache != null || exited) {
            return;
        }
        Arena ar = arenaGet(Tcache.SIZEOF);
        long victim = ar == null ? 0 : ctx.malloc.intMalloc(ar, Tcache.SIZEOF, null);
        if (victim == 0 && ar != null) {
            ar = ctx.arenaGetRetry(ar, Tcache.SIZEOF);
            victim = ar == null ? 0 : ctx.malloc.intMalloc(ar, Tcache.SIZEOF, null);
        }
        if (victim != 0) {
            m.memset(victim, 0, Tcache.SIZEOF);
            tcache = new Tcache(ctx, victim);
        }
    }

    // ---- the allocation API --------------------------------------------------------------------

    /** malloc(3): a 16-byte aligned pointer to at least {@code bytes} bytes, or 0 (ENOMEM). */
    public long malloc(long bytes) {
        checkAlive();
        long tbytes = checkedRequest2size(bytes);
        if (tbytes < 0) {
            return 0;
        }
        long tcIdx = csize2tidx(tbytes);
        maybeInitTcache();
        if (Long.compareUnsigned(tcIdx, ctx.mp.tcacheBins) < 0 && tcache != null
                && tcache.count((int) tcIdx) > 0) {
            return tcache.get((int) tcIdx);
        }
        if (ctx.singleThread) {
            return ctx.malloc.intMalloc(ctx.mainArena, bytes, tcache);
        }
        Arena ar = arenaGet(bytes);
        long victim = ar == null ? 0 : ctx.malloc.intMalloc(ar, bytes, tcache);
        if (victim == 0 && ar != null) {
            ar = ctx.arenaGetRetry(ar, bytes);
            victim = ar == null ? 0 : ctx.malloc.intMalloc(ar, bytes, tcache);
        }
        return victim;
    }

    private void checkAlive() {
        InvalidArgumentException.check(!exited, "thread %s has exited; it cannot call malloc", tid);
    }

    /** free(3): 0 is ignored; anything else must come from this process's malloc. */
    public void free(long mem) {
        if (mem == 0) {
            return;
        }
        checkAlive();
        libcFree(mem);
    }

    /** __libc_free after the NULL check. */
    private void libcFree(long mem) {
        long p = mem2chunk(mem);
        if (m.isMmapped(p)) {
            MallocPar mp = ctx.mp;
            long sz = m.sizeNomask(p);
            if (!mp.noDynThreshold && Long.compareUnsigned(sz, mp.mmapThreshold) > 0
                    && Long.compareUnsigned(sz, MallocPar.DEFAULT_MMAP_THRESHOLD_MAX) <= 0) {
                mp.mmapThreshold = m.chunksize(p);
                mp.trimThreshold = 2 * mp.mmapThreshold;
                LOG.debug(
                        "free: dynamic mmap_threshold now {}, trim_threshold {}", hex(mp.mmapThreshold),
                        hex(mp.trimThreshold));
            }
            ctx.sys.munmapChunk(p);
            return;
        }
        maybeInitTcache();
        ctx.free.intFree(ctx.arenaForChunk(p), p, false, tcache);
    }

    /** calloc(3): {@code n * size} zeroed bytes; 0 on overflow (ENOMEM) or failure. */
    public long calloc(long n, long size) {
        checkAlive();
        // __builtin_mul_overflow(n, elem_size, &bytes) with a ptrdiff_t result: size_t operands
        BigInteger product = new BigInteger(Long.toUnsignedString(n))
                .multiply(new BigInteger(Long.toUnsignedString(size)));
        if (product.bitLength() > 63) {
            return 0;
        }
        long bytes = product.longValue();
        maybeInitTcache();
        Arena av = ctx.singleThread ? ctx.mainArena : arenaGet(bytes);
        long oldtop = 0;
        long oldtopsize = 0;
        if (av != null) {
            oldtop = av.top();
            oldtopsize = m.chunksize(oldtop);
            if (av.isMain && Long.compareUnsigned(oldtopsize,
                    ctx.mp.sbrkBase + av.maxSystemMem() - oldtop) < 0) {
                oldtopsize = ctx.mp.sbrkBase + av.maxSystemMem() - oldtop; // only new memory is known zero
            }
            if (!av.isMain) {
                long heap = ctx.heaps.heapForPtr(oldtop);
                long mprotectEnd = heap + m.ld(heap + 24);
                if (Long.compareUnsigned(oldtopsize, mprotectEnd - oldtop) < 0) {
                    oldtopsize = mprotectEnd - oldtop;
                }
            }
        }
        long mem = av == null ? 0 : ctx.malloc.intMalloc(av, bytes, tcache);
        if (!ctx.singleThread && mem == 0 && av != null) {
            av = ctx.arenaGetRetry(av, bytes);
            mem = av == null ? 0 : ctx.malloc.intMalloc(av, bytes, tcache);
        }
        if (mem == 0) {
            return 0;
        }
        long p = mem2chunk(mem);
        if (m.isMmapped(p)) {
            if (ctx.mp.perturbByte != 0) {
                m.memset(mem, 0, bytes);
            }
            return mem; // fresh anonymous mapping: already zero
        }
        long csz = m.chunksize(p);
        if (ctx.mp.perturbByte == 0 && p == oldtop && Long.compareUnsigned(csz, oldtopsize) > 0) {
            csz = oldtopsize; // the part past the old top end is freshly sbrked: zero already
        }
        m.memset(mem, 0, csz - SIZE_SZ);
        return mem;
    }

    /** realloc(3): glibc 2.36 semantics (realloc(p, 0) frees and returns 0; realloc(0, n) mallocs). */
    public long realloc(long oldmem, long bytes) {
        checkAlive();
        if (bytes == 0 && oldmem != 0) {
            free(oldmem);
            return 0;
        }
        if (oldmem == 0) {
            return malloc(bytes);
        }
        long oldp = mem2chunk(oldmem);
        long oldsize = m.chunksize(oldp);
        Arena ar = null;
        if (!m.isMmapped(oldp)) {
            maybeInitTcache();
            ar = ctx.arenaForChunk(oldp);
        }
        if (Long.compareUnsigned(oldp, -oldsize) > 0 || misalignedChunk(oldp)) {
            throw MallocError.printerr("realloc(): invalid pointer", oldmem);
        }
        long nb = checkedRequest2size(bytes);
        if (nb < 0) {
            return 0;
        }
        if (m.isMmapped(oldp)) {
            long newp = ctx.sys.mremapChunk(oldp, nb);
            if (newp != 0) {
                return chunk2mem(newp);
            }
            if (Long.compareUnsigned(oldsize - SIZE_SZ, nb) >= 0) {
                return oldmem;
            }
            long newmem = malloc(bytes);
            if (newmem == 0) {
                return 0;
            }
            m.memcpy(newmem, oldmem, oldsize - CHUNK_HDR_SZ);
            ctx.sys.munmapChunk(oldp);
            return newmem;
        }
        long newp = ctx.realloc.intRealloc(ar, oldp, oldsize, nb, tcache);
        if (newp == 0 && !ctx.singleThread) {
            newp = malloc(bytes);
            if (newp != 0) {
                m.memcpy(newp, oldmem, m.memsize(oldp));
                ctx.free.intFree(ar, oldp, false, tcache);
            }
        }
        return newp;
    }

    /** memalign(3) (_mid_memalign): alignment rounded up to a power of two, at least MINSIZE. */
    public long memalign(long alignment, long bytes) {
        checkAlive();
        if (Long.compareUnsigned(alignment, MALLOC_ALIGNMENT) <= 0) {
            return malloc(bytes);
        }
        if (Long.compareUnsigned(alignment, MINSIZE) < 0) {
            alignment = MINSIZE;
        }
        if (Long.compareUnsigned(alignment, Long.MIN_VALUE) > 0) {
            return 0; // EINVAL: above SIZE_MAX / 2 + 1 it cannot be a power of two
        }
        if (!powerOf2(alignment)) {
            long a = MALLOC_ALIGNMENT * 2;
            while (Long.compareUnsigned(a, alignment) < 0) {
                a <<= 1;
            }
            alignment = a;
        }
        if (ctx.singleThread) {
            return ctx.realloc.intMemalign(ctx.mainArena, alignment, bytes, tcache);
        }
        Arena ar = arenaGet(bytes + alignment + MINSIZE);
        long p = ar == null ? 0 : ctx.realloc.intMemalign(ar, alignment, bytes, tcache);
        if (p == 0 && ar != null) {
            ar = ctx.arenaGetRetry(ar, bytes);
            p = ar == null ? 0 : ctx.realloc.intMemalign(ar, alignment, bytes, tcache);
        }
        return p;
    }

    /** aligned_alloc(3): in glibc 2.36 an alias of memalign (no C17 power-of-two check yet). */
    public long alignedAlloc(long alignment, long bytes) {
        return memalign(alignment, bytes);
    }

    /** valloc(3): memalign(4096, bytes). */
    public long valloc(long bytes) {
        return memalign(PAGE_SIZE, bytes);
    }

    /**
     * pvalloc(3): glibc 2.36 rounds with {@code & -(pagesize - 1)} (a long-standing quirk: the
     * size is not rounded to whole pages), then memalign(4096, ...).
     */
    public long pvalloc(long bytes) {
        long rounded = bytes + PAGE_SIZE - 1;
        if (Long.compareUnsigned(rounded, bytes) < 0) {
            return 0;
        }
        return memalign(PAGE_SIZE, rounded & -(PAGE_SIZE - 1));
    }

    /**
     * posix_memalign(3): returns the pointer (C stores it through memptr and returns 0), or 0 for
     * ENOMEM.
     *
     * @throws InvalidArgumentException (EINVAL) unless {@code alignment} is a power of two multiple
     *     of sizeof(void *) = 8
     */
    public long posixMemalign(long alignment, long bytes) {
        if (alignment % 8 != 0 || !powerOf2(alignment / 8) || alignment == 0) {
            throw new InvalidArgumentException(String.format(
                    "posix_memalign: EINVAL: alignment %d (%#x) must be a power of two multiple of sizeof(void *) = 8",
                    alignment, alignment));
        }
        return memalign(alignment, bytes);
    }

    /** malloc_usable_size(3) (musable): bytes the caller may use; 0 for 0 or a chunk not in use. */
    public long mallocUsableSize(long mem) {
        if (mem == 0) {
            return 0;
        }
        long p = mem2chunk(mem);
        if (m.isMmapped(p)) {
            return m.chunksize(p) - CHUNK_HDR_SZ;
        }
        return m.inuse(p) ? m.memsize(p) : 0;
    }

    /** Whether the chunk of user pointer {@code mem} is an mmapped chunk (IS_MMAPPED). */
    public boolean isMmapped(long mem) {
        return m.isMmapped(mem2chunk(mem));
    }

    /**
     * The start of the mapping holding mmapped chunk {@code mem}: chunk - prev_size (prev_size holds
     * the offset memalign left in front of the chunk).
     */
    public long mappingStart(long mem) {
        long p = mem2chunk(mem);
        InvalidArgumentException.check(m.isMmapped(p), "%s is not an mmapped chunk (IS_MMAPPED clear)", mem);
        return p - m.prevSize(p);
    }

    /** The start of the main heap (mp_.sbrk_base), 0 before the first brk growth. */
    public long sbrkBase() {
        return ctx.mp.sbrkBase;
    }

    /** The current mmap threshold (it moves: see {@link #free}). */
    public long mmapThreshold() {
        return ctx.mp.mmapThreshold;
    }

    /** The current trim threshold. */
    public long trimThreshold() {
        return ctx.mp.trimThreshold;
    }

    /** The tcache_key this process marks tcache entries with. */
    public long tcacheKey() {
        return ctx.tcacheKey;
    }

    /** The user address of this thread's tcache_perthread_struct, 0 before its first malloc/free. */
    public long tcacheAddress() {
        return tcache == null ? 0 : tcache.tc;
    }

    /** Address of the struct malloc_state serving this thread (0 before it has one). */
    public long arenaAddress() {
        return ctx.singleThread ? ctx.mainArena.av : threadArena == null ? 0 : threadArena.av;
    }

    // ---- tuning and statistics -------------------------------------------------------------------

    /**
     * mallopt(3) with glibc's parameter numbers. {@code value} is a C int (truncated as C would);
     * returns glibc's result (unknown parameters return true, as glibc does).
     */
    public boolean mallopt(int param, long value) {
        int v = (int) value;
        long sv = v; // int -> size_t: sign-extended, so -1 is SIZE_MAX
        MallocPar mp = ctx.mp;
        ctx.malloc.mallocConsolidate(ctx.mainArena);
        switch (param) {
            case M_MXFAST:
                if (Long.compareUnsigned(sv, MAX_FAST_SIZE) <= 0) {
                    mp.globalMaxFast = MallocPar.setMaxFast(sv);
                    return true;
                }
                return false;
            case M_TRIM_THRESHOLD:
                mp.trimThreshold = sv;
                mp.noDynThreshold = true;
                return true;
            case M_TOP_PAD:
                mp.topPad = sv;
                mp.noDynThreshold = true;
                return true;
            case M_MMAP_THRESHOLD:
                // 2.36 takes any value (the 32 MiB cap of older releases is gone; checked on glibc 2.36)
                mp.mmapThreshold = sv;
                mp.noDynThreshold = true;
                return true;
            case M_MMAP_MAX:
                mp.nMmapsMax = v;
                mp.noDynThreshold = true;
                return true;
            case M_PERTURB:
                mp.perturbByte = v;
                return true;
            case M_ARENA_TEST:
                if (v > 0) {
                    mp.arenaTest = sv;
                }
                return true;
            case M_ARENA_MAX:
                if (v > 0) {
                    mp.arenaMax = sv;
                }
                return true;
            default:
                return true;
        }
    }

    /**
     * malloc_trim(3): consolidate, MADV_DONTNEED the whole free pages inside free chunks of every
     * arena, and shrink the main heap's top down to {@code pad}. True if memory was released.
     */
    public boolean mallocTrim(long pad) {
        boolean result = false;
        for (Arena av : ctx.arenasInOrder()) {
            result |= info.mtrim(av, pad);
        }
        return result;
    }

    /** mallinfo2(3): the statistics of all arenas together. */
    public Mallinfo2 mallinfo2() {
        return info.mallinfo2();
    }

    /** The exact text malloc_stats(3) writes to stderr. */
    public String mallocStats() {
        return info.mallocStats();
    }
}
