package io.pagelab.questions.q43;

/**
 * Q43 Percpu内存空间如何管理的？ How is per-CPU memory managed? (reference solution: mm/percpu.c pcpu_build_alloc_info, Linux 6.x, one group)
 *
 * <p>A per-CPU variable exists once per CPU, so each CPU updates its own copy without locks and
 * without bouncing a cache line between CPUs. At boot (mm/percpu.c: pcpu_embed_first_chunk) the
 * kernel builds the first chunk: one <em>unit</em> per possible CPU, each holding
 * <pre>
 *   |&lt;- static (.data..percpu) -&gt;|&lt;- reserved 8 KiB -&gt;|&lt;- dynamic (alloc_percpu) -&gt;|... up to unit_size
 *
 *   size_sum  = PFN_ALIGN(static + reserved + max(dyn, 20 KiB))   reserved = PERCPU_MODULE_RESERVE = 8 KiB
 *   dyn       = size_sum - static - reserved                      dyn asked = PERCPU_DYNAMIC_RESERVE = 28 KiB
 *   alloc     = roundup(max(size_sum, 32 KiB), atom)             atom = PMD_SIZE = 2 MiB on x86-64
 *   upa       = alloc / max(size_sum, 32 KiB), lowered until alloc % upa == 0 and alloc / upa is page aligned
 *   then, from that upa down to 1, over the upa values that split alloc into page-aligned units:
 *       allocs = ceil(cpus / upa), wasted = allocs * upa - cpus
 *       skip it if wasted &gt; cpus / 3 (integer division); stop if allocs grew; otherwise it is the best so far
 *   unit_size = alloc / best upa
 * </pre>
 * and prints {@code percpu: Embedded <size_sum / 4096> pages/cpu s<static> r<reserved> d<dyn> u<unit_size>}.
 *
 * <p>CPU n reaches its copy of a per-CPU variable through
 * {@code per_cpu_ptr(ptr, n) = ptr + __per_cpu_offset[n]}, where
 * {@code __per_cpu_offset[n] = (pcpu_base_addr - __per_cpu_start) + n * unit_size}.
 * 每个CPU一个unit；per-CPU指针加上该CPU的偏移量 __per_cpu_offset[n] 就是该CPU自己的副本。
 *
 * <p>Run {@code ./pagelab grade q43} to check your work.
 */
public final class PerCpuAreas {

    static final long PAGE_SIZE = 4096;
    static final long RESERVED = 8 << 10;
    static final long DYNAMIC = 28 << 10;
    static final long DYNAMIC_EARLY = 20 << 10;
    static final long MIN_UNIT = 32 << 10;
    static final long ATOM = 2 << 20;

    private PerCpuAreas() {
    }

    public static String embeddedLine(long staticSize, int nrCpus) {
        long sizeSum = roundUp(staticSize + RESERVED + Math.max(DYNAMIC, DYNAMIC_EARLY), PAGE_SIZE);
        long dyn = sizeSum - staticSize - RESERVED;
        long minUnit = Math.max(sizeSum, MIN_UNIT);
        long alloc = roundUp(minUnit, ATOM);
        int maxUpa = (int) (alloc / minUnit);
        while (!fits(alloc, maxUpa)) {
            maxUpa--;
        }
        int best = 0;
        long lastAllocs = Long.MAX_VALUE;
        for (int upa = maxUpa; upa >= 1; upa--) {
            if (!fits(alloc, upa)) {
                continue;
            }
            long allocs = (nrCpus + upa - 1) / upa;
            if (allocs * upa - nrCpus > nrCpus / 3) {
                continue;
            }
            if (allocs > lastAllocs) {
                break;
            }
            lastAllocs = allocs;
            best = upa;
        }
        return "percpu: Embedded " + sizeSum / PAGE_SIZE + " pages/cpu s" + staticSize + " r" + RESERVED + " d" + dyn
                + " u" + alloc / best;
    }

    private static boolean fits(long alloc, int upa) {
        return alloc % upa == 0 && (alloc / upa) % PAGE_SIZE == 0;
    }

    private static long roundUp(long x, long to) {
        return (x + to - 1) / to * to;
    }

    public static long[] perCpuOffsets(long pcpuBaseAddr, long perCpuStart, long unitSize, int nrCpus) {
        long delta = pcpuBaseAddr - perCpuStart;
        long[] offsets = new long[nrCpus];
        for (int cpu = 0; cpu < nrCpus; cpu++) {
            offsets[cpu] = delta + cpu * unitSize;
        }
        return offsets;
    }

    public static long perCpuPtr(long ptr, long[] perCpuOffset, int cpu) {
        return ptr + perCpuOffset[cpu];
    }
}
