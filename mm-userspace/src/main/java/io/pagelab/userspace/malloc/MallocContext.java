package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.SyscallException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one process's malloc shares between its threads: the memory, mp_, the arenas and
 * arena.c's arena selection (arena_get2, _int_new_arena, reused_arena, arena_get_retry), the
 * tcache_key and SINGLE_THREAD_P. Package-private machinery behind {@link Ptmalloc}.
 */
final class MallocContext {
    private static final Logger LOG = LoggerFactory.getLogger(MallocContext.class);
    /** The CPU count __get_nprocs_sched() reports to arena_get2 (fixed: the simulation is deterministic). */
    static final int NPROCS = 2;

    final Mem mem;
    final MallocPar mp = new MallocPar();
    final long tcacheKey;
    /** SINGLE_THREAD_P: true until a second thread exists. */
    boolean singleThread = true;
    final Arena mainArena;
    private final Map<Long, Arena> arenas = new HashMap<>();
    private long narenas = 1;
    private long narenasLimit;
    private Arena nextToUse;
    /** free_list: arenas whose threads all exited, reused before new ones are made. */
    private Arena freeList;

    final IntMalloc malloc;
    final IntFree free;
    final SysMalloc sys;
    final Heaps heaps;
    final IntRealloc realloc;

    MallocContext(AddressSpace as, long seed) {
        this.mem = new Mem(as);
        // tcache_key_initialize: glibc asks getrandom(); pagelab draws it from the seed (never 0)
        long key = new SplittableRandom(seed).nextLong();
        this.tcacheKey = key == 0 ? 1 : key;
        mapLibcData(as);
        this.mainArena = new Arena(mem, Mem.MAIN_ARENA, true);
        mainArena.init();
        mainArena.setNext(mainArena.av);
        mainArena.setAttachedThreads(1);
        arenas.put(mainArena.av, mainArena);
        this.malloc = new IntMalloc(this);
        this.free = new IntFree(this);
        this.sys = new SysMalloc(this);
        this.heaps = new Heaps(this);
        this.realloc = new IntRealloc(this);
    }

    /**
     * Maps the two pages of libc's .data that hold main_arena (read-write, MAP_FIXED_NOREPLACE).
     * If something is mapped there already, it is taken to be libc's .data (a process model with a
     * loader) and used as is.
     */
    /** p_offset of the page of libc.so.6's .data that holds main_arena (Debian 12, glibc 2.36). */
    static final long LIBC_DATA_OFFSET = 0x1d3000;

    private static void mapLibcData(AddressSpace as) {
        long start = Mem.MAIN_ARENA & -PAGE_SIZE;
        long end = alignUp(Mem.MAIN_ARENA + Arena.SIZEOF_MALLOC_STATE, PAGE_SIZE);
        if (as instanceof io.pagelab.kernel.mm.Mm) {
            // on the kernel's process model: a private mapping of libc.so.6's .data, as in a real
            // process (Debian 12's libc, ASLR off: rw-p 001d3000 fe:00 339380), so an anonymous
            // mapping placed next to it never merges with it
            io.pagelab.kernel.mm.Mm mm = (io.pagelab.kernel.mm.Mm) as;
            io.pagelab.kernel.mm.MappedFile libc = mm.kernel().createFile(new io.pagelab.kernel.mm.MappedFile(
                    "/usr/lib/x86_64-linux-gnu/libc.so.6", 0xfe, 0, 339380), LIBC_DATA_OFFSET + (end - start), null);
            try {
                mm.mmapFile(start, end - start, Prot.USER_RW, AddressSpace.MAP_PRIVATE
                        | AddressSpace.MAP_FIXED_NOREPLACE, libc, LIBC_DATA_OFFSET);
                LOG.debug("main_arena: libc.so.6 .data mapped at [{}, {})", hex(start), hex(end));
            } catch (SyscallException e) {
                LOG.debug("main_arena: [{}, {}) already mapped ({}), used as libc's .data", hex(start), hex(end),
                        e.getMessage());
            }
            return;
        }
        try {
            as.mmap(start, end - start, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS
                    | AddressSpace.MAP_FIXED_NOREPLACE);
            LOG.debug("main_arena: libc .data stand-in mapped at [{}, {})", hex(start), hex(end));
        } catch (SyscallException e) {
            LOG.debug("main_arena: [{}, {}) already mapped ({}), used as libc's .data", hex(start), hex(end),
                    e.getMessage());
        }
    }

    Arena arenaAt(long av) {
        Arena a = arenas.get(av);
        if (a == null) {
            throw new InvalidArgumentException(String.format(
                    "heap_info.ar_ptr %#x names no arena of this process (known arenas: %s); "
                            + "the NON_MAIN_ARENA bit or the heap_info is corrupt", av, arenaList()));
        }
        return a;
    }

    private String arenaList() {
        StringBuilder sb = new StringBuilder();
        for (Arena a : arenasInOrder()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(hex(a.av));
        }
        return sb.toString();
    }

    /** The arenas as malloc_stats walks them: main_arena, then along -&gt;next. */
    List<Arena> arenasInOrder() {
        List<Arena> out = new ArrayList<>();
        Arena a = mainArena;
        do {
            out.add(a);
            a = arenas.get(a.next());
        } while (a != null && a != mainArena);
        return out;
    }

    /** arena_for_chunk: main_arena unless NON_MAIN_ARENA, then heap_for_ptr(p)-&gt;ar_ptr. */
    Arena arenaForChunk(long p) {
        if (mem.isMainArenaChunk(p)) {
            return mainArena;
        }
        return arenaAt(heaps.arPtr(heaps.heapForPtr(p)));
    }

    /** _int_new_arena(size): a new heap holding the arena struct and its first top chunk. */
    Arena newArena(long size) {
        long h = heaps.newHeap(size + (Heaps.SIZEOF_HEAP_INFO + Arena.SIZEOF_MALLOC_STATE + MALLOC_ALIGNMENT),
                mp.topPad);
        if (h == 0) {
            h = heaps.newHeap(Heaps.SIZEOF_HEAP_INFO + Arena.SIZEOF_MALLOC_STATE + MALLOC_ALIGNMENT, 0);
            if (h == 0) {
                return null;
            }
        }
        long av = h + Heaps.SIZEOF_HEAP_INFO;
        heaps.setArPtr(h, av);
        heaps.setPrev(h, 0);
        Arena a = new Arena(mem, av, false);
        a.init();
        a.setSystemMem(heaps.size(h));
        a.setMaxSystemMem(heaps.size(h));
        long ptr = av + Arena.SIZEOF_MALLOC_STATE;
        long misalign = chunk2mem(ptr) & MALLOC_ALIGN_MASK;
        if (misalign > 0) {
            ptr += MALLOC_ALIGNMENT - misalign;
        }
        a.setTop(ptr);
        mem.setHead(ptr, (h + heaps.size(h) - ptr) | PREV_INUSE);
        a.setAttachedThreads(1);
        a.setNext(mainArena.next());
        mainArena.setNext(av);
        arenas.put(av, a);
        LOG.debug("_int_new_arena: arena {} in heap {} (heap size {}), top {}", hex(av), hex(h),
                hex(heaps.size(h)), hex(ptr));
        return a;
    }

    /** arena_get2(size, avoid): a free-listed arena, a new one while under the limit, else reused_arena. */
    Arena arenaGet2(long size, Arena avoid, Arena replaced) {
        Arena fromFreeList = getFreeList(replaced);
        if (fromFreeList != null) {
            return fromFreeList;
        }
        if (narenasLimit == 0) {
            if (mp.arenaMax != 0) {
                narenasLimit = mp.arenaMax;
            } else if (narenas > mp.arenaTest) {
                narenasLimit = 8L * NPROCS; // NARENAS_FROM_NCORES on 64-bit
            }
        }
        if (Long.compareUnsigned(narenas, narenasLimit - 1) <= 0) {
            narenas++;
            Arena a = newArena(size);
            if (a == null) {
                narenas--;
            }
            return a;
        }
        return reusedArena(avoid, replaced);
    }

    /** get_free_list: take the first arena off the free list and attach it. */
    private Arena getFreeList(Arena replaced) {
        Arena result = freeList;
        if (result != null) {
            freeList = result.nextFree() == 0 ? null : arenaAt(result.nextFree());
            result.setAttachedThreads(1);
            detachArena(replaced);
            LOG.debug("get_free_list: reusing arena {}", hex(result.av));
        }
        return result;
    }

    private static void detachArena(Arena a) {
        if (a != null) {
            a.setAttachedThreads(a.attachedThreads() - 1);
        }
    }

    /** arena_thread_freeres, after the tcache is gone: detach; the last thread puts the arena on free_list. */
    void threadFreeres(Arena a) {
        if (a == null) {
            return;
        }
        long left = a.attachedThreads() - 1;
        a.setAttachedThreads(left);
        if (left == 0) {
            a.setNextFree(freeList == null ? 0 : freeList.av);
            freeList = a;
            LOG.debug("arena_thread_freeres: arena {} on the free list", hex(a.av));
        }
    }

    /** reused_arena: round robin over the arena list from next_to_use (no lock is ever contended here). */
    private Arena reusedArena(Arena avoid, Arena replaced) {
        if (nextToUse == null) {
            nextToUse = mainArena;
        }
        Arena result = nextToUse;
        detachArena(replaced);
        // remove_from_free_list: the chosen arena may be on it
        Arena prev = null;
        for (Arena a = freeList; a != null; a = a.nextFree() == 0 ? null : arenaAt(a.nextFree())) {
            if (a == result) {
                if (prev == null) {
                    freeList = a.nextFree() == 0 ? null : arenaAt(a.nextFree());
                } else {
                    prev.setNextFree(a.nextFree());
                }
                break;
            }
            prev = a;
        }
        result.setAttachedThreads(result.attachedThreads() + 1);
        nextToUse = arenaAt(result.next());
        LOG.debug("reused_arena: {} (avoid {})", hex(result.av), avoid == null ? "none" : hex(avoid.av));
        return result;
    }

    /** The arena for the retry after a failed allocation (arena_get_retry). */
    Arena arenaGetRetry(Arena ar, long bytes) {
        if (ar != mainArena) {
            return mainArena;
        }
        return arenaGet2(bytes, ar, null);
    }
}
