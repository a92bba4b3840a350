package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A map from page frame numbers to per-frame objects (the slab or cache a frame belongs to), with
 * primitive {@code long} keys in an open-addressing table: looking a frame up allocates and boxes
 * nothing. It stands in for the fields Linux keeps in struct page / struct slab itself
 * (page-&gt;slab_cache, the compound head), which pagelab's memmap does not carry.
 *
 * <pre>
 *  keys[]   pfn or EMPTY (-1)         slot = (pfn * 0x9E3779B97F4A7C15) &gt;&gt;&gt; (64 - log2(capacity))
 *  values[] the object for keys[i]    linear probing, load factor at most 1/2,
 *                                      deletion by backward shift (no tombstones)
 * </pre>
 *
 * <p>Differs from Linux: the kernel needs no map (the data lives in the page descriptor).
 *
 * @param <V> what a frame maps to
 */
public final class PfnMap<V> {
    private static final long EMPTY = -1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long[] keys;
    private Object[] values;
    private int shift;
    private int size;

    /** An empty map. */
    public PfnMap() {
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new Object[capacity];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private int slot(long pfn) {
        return (int) ((pfn * GOLDEN) >>> shift);
    }

    /** The object of frame {@code pfn}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long pfn) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(pfn); ; i = (i + 1) & mask) {
            long key = k[i];
            if (key == pfn) {
                return (V) values[i];
            }
            if (key == EMPTY) {
                return null;
            }
        }
    }

    /**
     * Maps frame {@code pfn} to {@code value}, replacing any earlier mapping.
     *
     * @throws InvalidArgumentException for a negative pfn or a null value
     */
    public void put(long pfn, V value) {
        if (pfn < 0) {
            throw new InvalidArgumentException("pfn " + pfn + " is negative: frame numbers start at 0");
        }
        if (value == null) {
            throw new InvalidArgumentException("pfn " + pfn + ": a frame cannot map to null (use remove)");
        }
        int mask = keys.length - 1;
        for (int i = slot(pfn); ; i = (i + 1) & mask) {
            if (keys[i] == pfn) {
                values[i] = value;
                return;
            }
            if (keys[i] == EMPTY) {
                break;
            }
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        insert(pfn, value);
        size++;
    }

    private void insert(long pfn, Object value) {
        int mask = keys.length - 1;
        int i = slot(pfn);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = pfn;
        values[i] = value;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Removes frame {@code pfn}'s mapping; returns the object it had, or null. */
    @SuppressWarnings("unchecked")
    public V remove(long pfn) {
        int mask = keys.length - 1;
        int i = slot(pfn);
        while (keys[i] != pfn) {
            if (keys[i] == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        // backward shift: move later entries of the probe run into the hole when their home allows
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
            boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeBetween) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
        size--;
        return old;
    }

    /** Frames mapped. */
    public int size() {
        return size;
    }

    /** The mapped objects, one per frame (an object mapped by n frames appears n times), in no order. */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        List<V> list = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                list.add((V) values[i]);
            }
        }
        return list;
    }

    @Override
    public String toString() {
        return "PfnMap(" + size + " frames)";
    }
}
