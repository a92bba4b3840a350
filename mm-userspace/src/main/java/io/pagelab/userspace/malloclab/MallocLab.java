package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The malloc-lab driver (CS:APP {@code mdriver.c}) for any {@link HeapAllocator}: replays a
 * {@link RepTrace}, checks every block, and measures
 * <ul>
 *   <li><b>utilization</b>: peak payload / peak heap, where payload is the sum of the requested
 *       sizes of live blocks and heap is brk growth plus mmapped bytes in use (mdriver.c divides
 *       by the final heap of a brk-only memlib, which cannot shrink; an allocator that gives
 *       memory back is measured at its high-water mark instead);</li>
 *   <li><b>throughput</b>: calls per second over {@code passes} unchecked replays in a fresh
 *       process (the allocator is reused across passes; what a trace leaves live is freed between
 *       them).</li>
 * </ul>
 * Checks, as mdriver.c: a block is 16-byte aligned, lies in the heap or in a mapping, overlaps no
 * live block, keeps its first and last bytes until freed, and realloc keeps the old contents.
 * {@link #offsets} replays without checks or stores, for comparison with glibc ({@code replay.c}).
 */
public final class MallocLab {
    private static final Logger LOG = LoggerFactory.getLogger(MallocLab.class);
    private static final int ALIGNMENT = 16;
    private static final int STAMP = 8;

    private MallocLab() {
    }

    /**
     * Replays {@code trace} once checked (utilization) and {@code passes} times timed
     * (throughput), each in a fresh {@link LabProcess} with a fresh allocator from {@code factory}.
     *
     * @throws AllocatorFault if the allocator breaks the malloc contract
     */
    public static TraceResult run(RepTrace trace, Supplier<? extends HeapAllocator> factory, int passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("passes " + passes + " must be at least 1");
        }
        HeapAllocator checked = factory.get();
        MeteredProcess metered = new MeteredProcess(new LabProcess());
        checked.init(metered);
        long peakPayload = replayChecked(trace, checked, metered);

        HeapAllocator timed = factory.get();
        timed.init(new LabProcess());
        long[] blocks = new long[trace.numIds()];
        long t0 = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            replay(trace, timed, blocks);
        }
        long nanos = System.nanoTime() - t0;
        TraceResult r = new TraceResult(trace.name(), trace.weight(), (long) trace.size() * passes,
                peakPayload, metered.peakHeapBytes(), nanos);
        LOG.debug("{} with {}: utilization {} throughput {}/s", trace.name(), checked.name(),
                r.utilization(), r.throughput());
        return r;
    }

    /** {@link #run} for each trace, in order. */
    public static List<TraceResult> run(List<RepTrace> traces, Supplier<? extends HeapAllocator> factory, int passes) {
        List<TraceResult> results = new ArrayList<>();
        for (RepTrace t : traces) {
            results.add(run(t, factory, passes));
        }
        return results;
    }

    /** One pass without checks; frees what the trace leaves live so the next pass starts clean. */
    private static void replay(RepTrace trace, HeapAllocator a, long[] blocks) {
        apply(trace, a, blocks);
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] != 0) {
                a.free(blocks[i]);
                blocks[i] = 0;
            }
        }
    }

    /**
     * The trace's operations, in order, on an initialised allocator, without checks;
     * {@code blocks[id]} holds each id's live block afterwards (0 when freed).
     */
    public static void apply(RepTrace trace, HeapAllocator a, long[] blocks) {
        for (TraceOp op : trace.ops()) {
            switch (op.kind()) {
                case ALLOC:
                    blocks[op.id()] = a.malloc(op.size());
                    break;
                case REALLOC:
                    blocks[op.id()] = a.realloc(blocks[op.id()], op.size());
                    break;
                default:
                    a.free(blocks[op.id()]);
                    blocks[op.id()] = 0;
                    break;
            }
        }
    }

    /**
     * Replays {@code trace} on {@code allocator} (initialised here with {@code process}) and
     * returns one line per call in {@code replay.c}'s format ({@code a 0 24 heap+0x2a0},
     * {@code f 0}). Nothing is written to the blocks, as the C harness writes nothing.
     */
    public static List<String> offsets(RepTrace trace, HeapAllocator allocator, AddressSpace process) {
        MeteredProcess metered = new MeteredProcess(process);
        allocator.init(metered);
        long[] blocks = new long[trace.numIds()];
        List<String> lines = new ArrayList<>(trace.size());
        for (TraceOp op : trace.ops()) {
            switch (op.kind()) {
                case ALLOC:
                    blocks[op.id()] = allocator.malloc(op.size());
                    break;
                case REALLOC:
                    blocks[op.id()] = allocator.realloc(blocks[op.id()], op.size());
                    break;
                default:
                    allocator.free(blocks[op.id()]);
                    blocks[op.id()] = 0;
                    lines.add(op.toString());
                    continue;
            }
            lines.add(op + " " + metered.describe(blocks[op.id()]));
        }
        return lines;
    }

    /** The checked replay; returns the peak payload. */
    private static long replayChecked(RepTrace trace, HeapAllocator a, MeteredProcess process) {
        long[] blocks = new long[trace.numIds()];
        long[] sizes = new long[trace.numIds()];
        TreeMap<Long, Long> live = new TreeMap<>(); // payload start -> end
        long payload = 0;
        long peak = 0;
        for (TraceOp op : trace.ops()) {
            int id = op.id();
            switch (op.kind()) {
                case ALLOC: {
                    long p = a.malloc(op.size());
                    place(trace, a, op, p, live, process);
                    stamp(process, id, p, op.size());
                    blocks[id] = p;
                    sizes[id] = op.size();
                    payload += op.size();
                    break;
                }
                case REALLOC: {
                    long old = blocks[id];
                    checkStamp(trace, a, op, process, id, old, sizes[id], sizes[id], "before realloc");
                    live.remove(old);
                    long p = a.realloc(old, op.size());
                    if (op.size() == 0) {
                        blocks[id] = 0;
                    } else {
                        place(trace, a, op, p, live, process);
                        checkStamp(trace, a, op, process, id, p, sizes[id], op.size(),
                                "after realloc (the old contents were not kept)");
                        stamp(process, id, p, op.size());
                        blocks[id] = p;
                    }
                    payload += op.size() - sizes[id];
                    sizes[id] = op.size();
                    break;
                }
                default:
                    checkStamp(trace, a, op, process, id, blocks[id], sizes[id], sizes[id], "before free");
                    live.remove(blocks[id]);
                    a.free(blocks[id]);
                    payload -= sizes[id];
                    blocks[id] = 0;
                    sizes[id] = 0;
                    break;
            }
            peak = Math.max(peak, payload);
        }
        return peak;
    }

    private static void place(RepTrace trace, HeapAllocator a, TraceOp op, long p, TreeMap<Long, Long> live,
            MeteredProcess process) {
        if (p == 0) {
            if (op.size() == 0) {
                return;
            }
            throw new AllocatorFault(a.name(), trace.name(), op, "returned NULL (out of memory)");
        }
        if (p % ALIGNMENT != 0) {
            throw new AllocatorFault(a.name(), trace.name(), op,
                    String.format("returned %#x, which is not %d-byte aligned", p, ALIGNMENT));
        }
        long end = p + Math.max(1, op.size());
        long heapEnd = process.brk();
        boolean inHeap = p >= process.startBrk() && end <= heapEnd;
        long m = process.mappingStart(p);
        boolean inMapping = m >= 0 && process.mappingStart(end - 1) == m;
        if (!inHeap && !inMapping) {
            throw new AllocatorFault(a.name(), trace.name(), op, String.format(
                    "returned [%#x, %#x), which lies neither in the heap [%#x, %#x) nor in one mapping",
                    p, end, process.startBrk(), heapEnd));
        }
        Map.Entry<Long, Long> below = live.floorEntry(end - 1);
        if (below != null && below.getValue() > p) {
            throw new AllocatorFault(a.name(), trace.name(), op, String.format(
                    "returned [%#x, %#x), which overlaps the live block [%#x, %#x)", p, end,
                    below.getKey(), below.getValue()));
        }
        live.put(p, end);
    }

    /** Writes a pattern made of the id into the first and last (up to) 8 bytes of the payload. */
    private static void stamp(AddressSpace process, int id, long p, long size) {
        if (p == 0) {
            return;
        }
        for (long i = 0; i < Math.min(STAMP, size); i++) {
            process.writeByte(p + i, pattern(id, i));
            process.writeByte(p + size - 1 - i, pattern(id, size - 1 - i));
        }
    }

    /** Checks the bytes {@link #stamp} wrote into a block of {@code stamped} bytes, below {@code limit}. */
    private static void checkStamp(RepTrace trace, HeapAllocator a, TraceOp op, AddressSpace process, int id,
            long p, long stamped, long limit, String when) {
        if (p == 0) {
            return;
        }
        for (long i = 0; i < Math.min(STAMP, stamped); i++) {
            for (long off : new long[] {i, stamped - 1 - i}) {
                if (off >= limit) {
                    continue;
                }
                byte got = process.readByte(p + off);
                if (got != pattern(id, off)) {
                    throw new AllocatorFault(a.name(), trace.name(), op, String.format(
                            "changed byte %d of block %d at %#x %s: %#x, written %#x", off, id, p + off, when,
                            got & 0xff, pattern(id, off) & 0xff));
                }
            }
        }
    }

    private static byte pattern(int id, long offset) {
        return (byte) (id * 131 + offset * 7 + 1);
    }
}
