package io.pagelab.userspace.malloclab;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Writes a well-formed trace one call at a time: every {@link #malloc} gets a fresh id, so a trace
 * never reuses a name and {@code numIds} is the number of allocations. Tracks the live payload to
 * fill in the header's suggested heap size (the peak of live requested bytes).
 */
public final class TraceBuilder {
    private final List<TraceOp> ops = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final BitSet live = new BitSet();
    private long payload;
    private long peakPayload;

    /** Appends {@code a id size} with a new id and returns the id. */
    public int malloc(long size) {
        checkSize(size);
        int id = sizes.size();
        sizes.add(size);
        live.set(id);
        add(new TraceOp(TraceOp.Kind.ALLOC, id, size, ops.size() + 5), size);
        return id;
    }

    /** Appends {@code f id}. */
    public void free(int id) {
        checkLive(id, "free");
        live.clear(id);
        add(new TraceOp(TraceOp.Kind.FREE, id, 0, ops.size() + 5), -sizes.get(id));
        sizes.set(id, 0L);
    }

    /** Appends {@code r id size}. */
    public void realloc(int id, long size) {
        checkLive(id, "realloc");
        checkSize(size);
        long delta = size - sizes.get(id);
        sizes.set(id, size);
        live.set(id, size != 0);
        add(new TraceOp(TraceOp.Kind.REALLOC, id, size, ops.size() + 5), delta);
    }

    /** Whether {@code id} is allocated now. */
    public boolean isLive(int id) {
        return live.get(id);
    }

    /** The ids allocated now, in increasing order. */
    public int[] liveIds() {
        return live.stream().toArray();
    }

    /** The requested size of live block {@code id}. */
    public long sizeOf(int id) {
        checkLive(id, "sizeOf");
        return sizes.get(id);
    }

    /** Frees every live block, in increasing id order. */
    public void freeAll() {
        for (int id : liveIds()) {
            free(id);
        }
    }

    /** The trace built so far. */
    public RepTrace build(String name) {
        return new RepTrace(name, peakPayload, sizes.size(), 1, ops);
    }

    private void add(TraceOp op, long delta) {
        ops.add(op);
        payload += delta;
        peakPayload = Math.max(peakPayload, payload);
    }

    private void checkLive(int id, String what) {
        Preconditions.checkArgument(live.get(id), "%s of id %s, which is not allocated", what, id);
    }

    private static void checkSize(long size) {
        Preconditions.checkArgument(size >= 0 && size <= Integer.MAX_VALUE,
                "size %s out of range; allowed: 0 to %s (mdriver reads an int)", size, Integer.MAX_VALUE);
    }
}
