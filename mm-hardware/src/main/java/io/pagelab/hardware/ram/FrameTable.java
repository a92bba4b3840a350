package io.pagelab.hardware.ram;

/**
 * The storage of {@link SimulatedRam}: a map from pfn to the frame's 4096 bytes, with open
 * addressing and linear probing over two parallel arrays, so no {@code Long} is ever boxed and a
 * 64 GiB machine costs only what was written.
 *
 * <pre>
 *  keys[]   pfn | EMPTY(-1)      slot = (pfn * golden ratio) &gt;&gt;&gt; (64 - log2(capacity))
 *  frames[] byte[4096] | null    load factor at most 1/2, capacity doubles
 * </pre>
 *
 * The last frame found is cached: consecutive accesses to one page (the common case) skip the
 * probe. Frames are never removed (pagelab's RAM does not forget what was written).
 */
final class FrameTable {
    static final int FRAME_SIZE = 4096;
    private static final long EMPTY = -1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long[] keys;
    private byte[][] frames;
    private int shift;
    private int size;
    private long lastPfn = EMPTY;
    private byte[] lastFrame;

    FrameTable() {
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        frames = new byte[capacity][];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private int slot(long pfn) {
        return (int) ((pfn * GOLDEN) >>> shift);
    }

    /** The frame's bytes, or null when the frame was never written. */
    byte[] get(long pfn) {
        if (pfn == lastPfn) {
            return lastFrame;
        }
        int mask = keys.length - 1;
        for (int i = slot(pfn); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == pfn) {
                lastPfn = pfn;
                lastFrame = frames[i];
                return lastFrame;
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    /** The frame's bytes, created zero-filled on first use. */
    byte[] getOrCreate(long pfn) {
        byte[] frame = get(pfn);
        if (frame != null) {
            return frame;
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        frame = new byte[FRAME_SIZE];
        insert(pfn, frame);
        size++;
        lastPfn = pfn;
        lastFrame = frame;
        return frame;
    }

    private void insert(long pfn, byte[] frame) {
        int mask = keys.length - 1;
        int i = slot(pfn);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = pfn;
        frames[i] = frame;
    }

    private void grow() {
        long[] oldKeys = keys;
        byte[][] oldFrames = frames;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldFrames[i]);
            }
        }
    }

    /** Frames stored. */
    int size() {
        return size;
    }
}
