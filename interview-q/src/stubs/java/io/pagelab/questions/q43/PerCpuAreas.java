package io.pagelab.questions.q43;

import io.pagelab.exercise.Todo;

/**
 * Q43 Percpu内存空间如何管理的？ How is per-CPU memory managed?
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

    private PerCpuAreas() {
    }

    /**
     * The boot line of pcpu_embed_first_chunk() on x86-64 (reserved 8 KiB, dynamic 28 KiB, atom
     * 2 MiB, 4 KiB pages), for a static per-CPU section of {@code staticSize} bytes and
     * {@code nrCpus} possible CPUs, e.g. {@code percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u2097152}.
     */
    public static String embeddedLine(long staticSize, int nrCpus) {
        throw new Todo("q43/PerCpuAreas.java");
    }

    /**
     * __per_cpu_offset[0 .. nrCpus-1] for units of {@code unitSize} bytes, CPU n in unit n.
     *
     * @param pcpuBaseAddr where unit 0 starts
     * @param perCpuStart __per_cpu_start, the link address of the static section (0 on x86-64 SMP)
     */
    public static long[] perCpuOffsets(long pcpuBaseAddr, long perCpuStart, long unitSize, int nrCpus) {
        throw new Todo("q43/PerCpuAreas.java");
    }

    /** per_cpu_ptr(ptr, cpu): the address of CPU {@code cpu}'s copy. */
    public static long perCpuPtr(long ptr, long[] perCpuOffset, int cpu) {
        throw new Todo("q43/PerCpuAreas.java");
    }
}
