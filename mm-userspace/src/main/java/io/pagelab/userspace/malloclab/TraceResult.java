package io.pagelab.userspace.malloclab;

/**
 * What one replay of a trace measured, malloc-lab style.
 *
 * @param trace the trace's name
 * @param weight the trace's weight (0: not counted in totals)
 * @param calls malloc/free/realloc calls timed (the trace's length times the passes)
 * @param peakPayload the largest sum of requested sizes of live blocks
 * @param peakHeap the largest heap: brk growth plus mmapped bytes in use
 * @param nanos time spent in the timed passes
 */
public record TraceResult(String trace, int weight, long calls, long peakPayload, long peakHeap, long nanos) {

    /** Peak payload over peak heap, in [0, 1] for a sane allocator; 0 for an empty heap. */
    public double utilization() {
        return peakHeap == 0 ? 0 : (double) peakPayload / peakHeap;
    }

    /** Calls per second (0 if nothing was timed). */
    public double throughput() {
        return nanos == 0 ? 0 : calls * 1e9 / nanos;
    }
}
