package io.pagelab.kernel.mm;

/**
 * Where a 64-bit process's regions go, with the kernel's constants and formulas
 * (arch/x86/mm/mmap.c: arch_rnd, mmap_base, arch_pick_mmap_layout; fs/binfmt_elf.c:
 * randomize_stack_top; arch/x86/kernel/process.c: arch_randomize_brk; mm/util.c: randomize_page;
 * Linux 6.6+). Every random value comes from the caller's {@code rnd} (a seeded source), drawn
 * only when the process is randomized, so a layout with ASLR off draws nothing.
 */
public final class MmLayout {
    public static final long PAGE_SIZE = 4096;
    /** TASK_SIZE_MAX = DEFAULT_MAP_WINDOW = (1 &lt;&lt; 47) - PAGE_SIZE. */
    public static final long TASK_SIZE = (1L << 47) - PAGE_SIZE;
    /** STACK_TOP for 64-bit tasks. */
    public static final long STACK_TOP = TASK_SIZE;
    /** ELF_ET_DYN_BASE = DEFAULT_MAP_WINDOW / 3 * 2, page aligned down when used: 0x555555554000. */
    public static final long ELF_ET_DYN_BASE = TASK_SIZE / 3 * 2;
    /** __STACK_RND_MASK(0) = 0x3fffff pages (16 GiB). */
    public static final long STACK_RND_MASK = 0x3fffffL;
    /** SIZE_128M, the smallest gap mmap_base() keeps below the stack. */
    public static final long MIN_GAP = 128L << 20;
    /** arch_randomize_brk's range on 64-bit since Linux 6.9: SZ_1G. */
    public static final long BRK_RND_RANGE = 1L << 30;
    /** vm.mmap_min_addr default (CONFIG_DEFAULT_MMAP_MIN_ADDR 65536). */
    public static final long MMAP_MIN_ADDR = 65536;

    private MmLayout() {
    }

    /** arch_rnd(): {@code (random & ((1 << bits) - 1)) << PAGE_SHIFT}, or 0 when not randomizing. */
    public static long archRnd(boolean randomize, int rndBits, java.util.function.LongSupplier rnd) {
        return randomize ? (rnd.getAsLong() & ((1L << rndBits) - 1)) << 12 : 0;
    }

    /** stack_maxrandom_size(): the stack's randomization range, 16 GiB on 64-bit, 0 when off. */
    public static long stackMaxRandomSize(boolean randomize) {
        return randomize ? STACK_RND_MASK << 12 : 0;
    }

    /**
     * mmap_base(): {@code PAGE_ALIGN(task_size - gap - rnd)} where gap is the stack rlimit plus the
     * stack's randomization range and guard gap, clamped to [128 MiB, task_size / 6 * 5].
     */
    public static long mmapBase(long rnd, long stackRlimit, boolean randomize, long guardGapBytes) {
        long gap = stackRlimit;
        long pad = stackMaxRandomSize(randomize) + guardGapBytes;
        if (gap + pad > gap) {
            gap += pad;
        }
        gap = Math.max(MIN_GAP, Math.min(gap, TASK_SIZE / 6 * 5));
        return pageAlign(TASK_SIZE - gap - rnd);
    }

    /** randomize_stack_top(STACK_TOP): {@code PAGE_ALIGN(top) - ((random & STACK_RND_MASK) << 12)}. */
    public static long stackTop(boolean randomize, java.util.function.LongSupplier rnd) {
        long random = randomize ? (rnd.getAsLong() & STACK_RND_MASK) << 12 : 0;
        return pageAlign(STACK_TOP) - random;
    }

    /** randomize_page(start, range): a uniformly chosen page in {@code [start, start + range)}. */
    public static long randomizePage(long start, long range, java.util.function.LongSupplier rnd) {
        if ((start & (PAGE_SIZE - 1)) != 0) {
            range -= pageAlign(start) - start;
            start = pageAlign(start);
        }
        long pages = range >>> 12;
        if (pages == 0) {
            return start;
        }
        return start + (Long.remainderUnsigned(rnd.getAsLong(), pages) << 12);
    }

    /** PAGE_ALIGN(). */
    public static long pageAlign(long v) {
        return (v + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
