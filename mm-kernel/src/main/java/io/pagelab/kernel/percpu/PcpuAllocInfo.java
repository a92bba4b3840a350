package io.pagelab.kernel.percpu;

import io.pagelab.api.Pages;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of the first per-CPU chunk, as mm/percpu.c: pcpu_build_alloc_info() computes it for
 * pcpu_embed_first_chunk() (Linux 6.x) and pcpu_dump_alloc_info() prints it.
 *
 * <pre>
 *  one unit per possible CPU, unit_size bytes each, units packed upa to an allocation of alloc_size:
 *  |&lt;- static_size -&gt;|&lt;- reserved_size -&gt;|&lt;- dyn_size -&gt;|&lt;---- rest of the unit (unused) ----&gt;|
 *  | DEFINE_PER_CPU  | module statics    | alloc_percpu |                                      |
 *  0                 s                   s+r            s+r+d (page aligned)                   u
 *
 *  size_sum      = PFN_ALIGN(static + reserved + max(dyn, PERCPU_DYNAMIC_EARLY_SIZE))
 *  dyn           = size_sum - static - reserved        (the page rounding goes to the dynamic area)
 *  min_unit_size = max(size_sum, PCPU_MIN_UNIT_SIZE)
 *  alloc_size    = roundup(min_unit_size, atom_size)   (atom = PMD_SIZE, 2 MiB, on x86-64)
 *  upa           = the largest count &lt;= alloc_size / min_unit_size dividing alloc_size into
 *                  page-aligned units, lowered while more than a third of the CPUs' worth of units
 *                  would be wasted, and never so low that more allocations are needed
 *  unit_size     = alloc_size / upa
 * </pre>
 *
 * <p>Differs from Linux on purpose: there is one group (no NUMA distance function, as on a
 * single-node machine); the second dump line is printed without the trailing space the kernel's
 * {@code pr_cont("%0*d ", ...)} leaves, as dmesg captures show it.
 *
 * @param staticSize bytes of {@code .data..percpu} (__per_cpu_end - __per_cpu_start)
 * @param reservedSize the reserved area for module statics
 * @param dynSize the dynamic area after page rounding
 * @param unitSize bytes per CPU unit
 * @param atomSize the allocation atom (PMD_SIZE for the embedded chunk on x86-64)
 * @param allocSize bytes of one allocation of upa units
 * @param nrCpus possible CPUs (one unit each)
 */
public record PcpuAllocInfo(long staticSize, long reservedSize, long dynSize, long unitSize, long atomSize,
        long allocSize, int nrCpus) {

    /** PCPU_MIN_ALLOC_SIZE: one bit of the allocation bitmap covers 4 bytes. */
    public static final int PCPU_MIN_ALLOC_SIZE = 4;
    /** PERCPU_MODULE_RESERVE with CONFIG_MODULES: 8 KiB. */
    public static final long PERCPU_MODULE_RESERVE = 8 << 10;
    /** PERCPU_DYNAMIC_EARLY_SIZE on 64-bit: 20 &lt;&lt; PERCPU_DYNAMIC_SIZE_SHIFT (10). */
    public static final long PERCPU_DYNAMIC_EARLY_SIZE = 20 << 10;
    /** PERCPU_DYNAMIC_RESERVE on 64-bit without CONFIG_RANDOM_KMALLOC_CACHES: 28 KiB. */
    public static final long PERCPU_DYNAMIC_RESERVE = 28 << 10;
    /** PCPU_MIN_UNIT_SIZE: PFN_ALIGN(32 KiB). */
    public static final long PCPU_MIN_UNIT_SIZE = 32 << 10;
    /** PMD_SIZE on x86-64: the atom of the embedded first chunk. */
    public static final long PMD_SIZE = 2L << 20;

    public PcpuAllocInfo {
        InvalidArgumentException.check(nrCpus >= 1, "%s CPUs is not allowed: at least 1", nrCpus);
        InvalidArgumentException.check(unitSize > 0 && allocSize % unitSize == 0,
                "unit size %s does not divide the allocation size %s", unitSize, allocSize);
    }

    /**
     * pcpu_build_alloc_info(reserved, dyn, atom) for {@code nrCpus} CPUs in one group, given the
     * size of the static per-CPU section.
     */
    public static PcpuAllocInfo build(long staticSize, long reservedSize, long dynSize, long atomSize, int nrCpus) {
        InvalidArgumentException.check(staticSize >= 0 && reservedSize >= 0 && dynSize >= 0,
                "sizes static %s reserved %s dynamic %s are not allowed: none may be negative", staticSize,
                reservedSize, dynSize);
        InvalidArgumentException.check(atomSize >= Pages.PAGE_SIZE && Long.bitCount(atomSize) == 1,
                "atom size %s is not allowed: a power of two of at least PAGE_SIZE", atomSize);
        InvalidArgumentException.check(nrCpus >= 1 && nrCpus <= 8192, "%s CPUs is not allowed: 1..8192", nrCpus);
        long sizeSum = pfnAlign(staticSize + reservedSize + Math.max(dynSize, PERCPU_DYNAMIC_EARLY_SIZE));
        long dyn = sizeSum - staticSize - reservedSize;
        long minUnitSize = Math.max(sizeSum, PCPU_MIN_UNIT_SIZE);
        long allocSize = (minUnitSize + atomSize - 1) / atomSize * atomSize;
        int upa = (int) (allocSize / minUnitSize);
        while (!splitsIntoPages(allocSize, upa)) {
            upa--;
        }
        int maxUpa = upa;
        int bestUpa = 0;
        long lastAllocs = Long.MAX_VALUE;
        for (upa = maxUpa; upa > 0; upa--) {
            if (!splitsIntoPages(allocSize, upa)) {
                continue;
            }
            long allocs = (nrCpus + upa - 1) / upa;
            long wasted = allocs * upa - nrCpus;
            if (wasted > nrCpus / 3) {
                continue; // more than a third wasted; upa == 1 always passes
            }
            if (allocs > lastAllocs) {
                break;
            }
            lastAllocs = allocs;
            bestUpa = upa;
        }
        return new PcpuAllocInfo(staticSize, reservedSize, dyn, allocSize / bestUpa, atomSize, allocSize, nrCpus);
    }

    /** The x86-64 embedded first chunk: PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE, PMD_SIZE atoms. */
    public static PcpuAllocInfo embedFirstChunk(long staticSize, int nrCpus) {
        return build(staticSize, PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE, PMD_SIZE, nrCpus);
    }

    private static boolean splitsIntoPages(long allocSize, int upa) {
        return allocSize % upa == 0 && (allocSize / upa) % Pages.PAGE_SIZE == 0;
    }

    private static long pfnAlign(long x) {
        return (x + Pages.PAGE_SIZE - 1) & ~(Pages.PAGE_SIZE - 1);
    }

    /** Units per allocation. */
    public int unitsPerAlloc() {
        return (int) (allocSize / unitSize);
    }

    /** Units in the chunk: the CPUs rounded up to whole allocations (trailing units unused). */
    public int nrUnits() {
        int upa = unitsPerAlloc();
        return (nrCpus + upa - 1) / upa * upa;
    }

    /** pcpu_unit_offsets[cpu]: CPU n has unit n of the single group. */
    public long unitOffset(int cpu) {
        InvalidArgumentException.check(cpu >= 0 && cpu < nrCpus, "CPU %s does not exist: 0..%s", cpu, nrCpus - 1);
        return cpu * unitSize;
    }

    /** size_sum: the used bytes of each unit, static + reserved + dynamic. */
    public long sizeSum() {
        return staticSize + reservedSize + dynSize;
    }

    /** pcpu_embed_first_chunk's line, with pr_fmt "percpu: ". */
    public String embeddedLine() {
        return String.format("percpu: Embedded %d pages/cpu s%d r%d d%d u%d", sizeSum() >> Pages.PAGE_SHIFT,
                staticSize, reservedSize, dynSize, unitSize);
    }

    /** pcpu_dump_alloc_info(): the summary line, then the unit map, several allocations a line. */
    public List<String> dumpLines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("pcpu-alloc: s%d r%d d%d u%d alloc=%d*%d", staticSize, reservedSize, dynSize,
                unitSize, allocSize / atomSize, atomSize));
        int cpuWidth = Integer.toString(nrCpus).length();
        int groupWidth = 1;
        int upa = unitsPerAlloc();
        int width = upa * (cpuWidth + 1) + groupWidth + 3;
        int apl = Integer.highestOneBit(Math.max(60 / width, 1));
        String empty = "--------".substring(0, Math.min(cpuWidth, 8));
        StringBuilder line = null;
        int allocs = nrUnits() / upa;
        for (int alloc = 0; alloc < allocs; alloc++) {
            if (alloc % apl == 0) {
                if (line != null) {
                    lines.add(line.toString().stripTrailing());
                }
                line = new StringBuilder("pcpu-alloc: ");
            }
            line.append("[0] ");
            for (int unit = alloc * upa; unit < (alloc + 1) * upa; unit++) {
                line.append(unit < nrCpus ? String.format("%0" + cpuWidth + "d", unit) : empty).append(' ');
            }
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }
}
