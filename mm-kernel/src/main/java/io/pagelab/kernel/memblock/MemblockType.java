package io.pagelab.kernel.memblock;

import static com.google.common.base.Preconditions.checkElementIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One region array of memblock, {@code struct memblock_type} of mm/memblock.c (Linux 6.13):
 * {@code memblock.memory} or {@code memblock.reserved}. Regions are kept sorted by base, never
 * overlap, and neighbours with the same node and flags are always merged.
 *
 * <pre>
 *  struct memblock_type {            here (struct of arrays, index 0..cnt-1)
 *      unsigned long cnt;              cnt
 *      unsigned long max;              base.length (grows by doubling)
 *      phys_addr_t total_size;         totalSize
 *      struct memblock_region *regions;
 *      char *name;                     name
 *  };
 *  struct memblock_region { phys_addr_t base, size; enum memblock_flags flags; int nid; }
 *                                      base[i] size[i] flags[i] nid[i]
 * </pre>
 *
 * <p>Everybody may read a type; only {@link Memblock} changes it (the mutators are package-private).
 *
 * <p>Differs from Linux on purpose: the arrays start at {@code INIT_MEMBLOCK_REGIONS} (128) and
 * double when full, but the doubling ({@code memblock_double_array()}) neither needs
 * {@code memblock_allow_resize()} nor takes simulated memory for the new array.
 */
public final class MemblockType {
    /** {@code INIT_MEMBLOCK_REGIONS}. */
    public static final int INIT_MEMBLOCK_REGIONS = 128;

    private final String name;
    private long[] base = new long[INIT_MEMBLOCK_REGIONS];
    private long[] size = new long[INIT_MEMBLOCK_REGIONS];
    private int[] flags = new int[INIT_MEMBLOCK_REGIONS];
    private int[] nid = new int[INIT_MEMBLOCK_REGIONS];
    private int cnt;
    private long totalSize;

    MemblockType(String name) {
        this.name = name;
        nid[0] = Memblock.MAX_NUMNODES;
    }

    // ------------------------------------------------------------------ read-only view

    /** "memory" or "reserved". */
    public String name() {
        return name;
    }

    /** {@code cnt}: number of regions. */
    public int count() {
        return cnt;
    }

    /** {@code total_size} as the kernel keeps it (see {@link Memblock#trimMemory} for a quirk). */
    public long totalSize() {
        return totalSize;
    }

    /** The sum of the current region sizes (equal to {@link #totalSize()} unless trimmed). */
    public long regionBytes() {
        long sum = 0;
        for (int i = 0; i < cnt; i++) {
            sum += size[i];
        }
        return sum;
    }

    public long base(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return base[i];
    }

    public long size(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return size[i];
    }

    /** One past the last byte of region {@code i}. */
    public long end(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return base[i] + size[i];
    }

    public int flags(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return flags[i];
    }

    /** Node id; {@link Memblock#MAX_NUMNODES} means "not assigned yet" (memblock_add()). */
    public int nid(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return nid[i];
    }

    public MemblockRegion region(int i) {
        checkElementIndex(i, cnt, name + " region index");
        return new MemblockRegion(base[i], size[i], flags[i], nid[i]);
    }

    /** A snapshot of the regions in address order. */
    public List<MemblockRegion> regions() {
        List<MemblockRegion> list = new ArrayList<>(cnt);
        for (int i = 0; i < cnt; i++) {
            list.add(new MemblockRegion(base[i], size[i], flags[i], nid[i]));
        }
        return Collections.unmodifiableList(list);
    }

    /** {@code memblock_search()}: index of the region containing {@code addr}, or -1. */
    public int search(long addr) {
        int left = 0;
        int right = cnt;
        while (left < right) {
            int mid = (left + right) >>> 1;
            if (Long.compareUnsigned(addr, base[mid]) < 0) {
                right = mid;
            } else if (Long.compareUnsigned(addr, base[mid] + size[mid]) >= 0) {
                left = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** {@code memblock_overlaps_region()}: does any region overlap {@code [b, b + s)}? */
    public boolean overlaps(long b, long s) {
        s = capSize(b, s);
        for (int i = 0; i < cnt; i++) {
            if (Long.compareUnsigned(b, base[i] + size[i]) < 0 && Long.compareUnsigned(base[i], b + s) < 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name + regions();
    }

    // ------------------------------------------------------------------ mutators (memblock only)

    /** {@code memblock_cap_size()}: shrink {@code s} so that {@code b + s} does not pass 2^64 - 1. */
    static long capSize(long b, long s) {
        long room = Memblock.PHYS_ADDR_MAX - b;
        return Long.compareUnsigned(s, room) > 0 ? room : s;
    }

    private void ensureRoom(int needed) {
        int max = base.length;
        while (cnt + needed > max) {
            max <<= 1; // memblock_double_array()
        }
        if (max != base.length) {
            base = Arrays.copyOf(base, max);
            size = Arrays.copyOf(size, max);
            flags = Arrays.copyOf(flags, max);
            nid = Arrays.copyOf(nid, max);
        }
    }

    /** {@code memblock_insert_region()}: room must exist. */
    private void insert(int idx, long b, long s, int n, int f) {
        int tail = cnt - idx;
        System.arraycopy(base, idx, base, idx + 1, tail);
        System.arraycopy(size, idx, size, idx + 1, tail);
        System.arraycopy(flags, idx, flags, idx + 1, tail);
        System.arraycopy(nid, idx, nid, idx + 1, tail);
        base[idx] = b;
        size[idx] = s;
        flags[idx] = f;
        nid[idx] = n;
        cnt++;
        totalSize += s;
    }

    /** {@code memblock_remove_region()}. */
    void removeRegion(int r) {
        totalSize -= size[r];
        int tail = cnt - (r + 1);
        System.arraycopy(base, r + 1, base, r, tail);
        System.arraycopy(size, r + 1, size, r, tail);
        System.arraycopy(flags, r + 1, flags, r, tail);
        System.arraycopy(nid, r + 1, nid, r, tail);
        cnt--;
        if (cnt == 0) {
            base[0] = 0;
            size[0] = 0;
            flags[0] = 0;
            nid[0] = Memblock.MAX_NUMNODES;
        }
    }

    /**
     * {@code memblock_add_range()}: adds {@code [b, b + s)}. Parts already covered by existing
     * regions are left as they are (their node and flags win); every uncovered part is inserted in
     * order, then the touched neighbourhood is merged.
     */
    void addRange(long b, long s, int n, int f) {
        s = capSize(b, s);
        if (s == 0) {
            return;
        }
        long end = b + s;
        if (cnt == 0) {
            insert(0, b, s, n, f);
            return;
        }
        ensureRoom(cnt + 1); // worst case: one new piece before every region plus one after
        int startRgn = -1;
        int endRgn = -1;
        int idx;
        for (idx = 0; idx < cnt; idx++) {
            long rbase = base[idx];
            long rend = rbase + size[idx];
            if (Long.compareUnsigned(rbase, end) >= 0) {
                break;
            }
            if (Long.compareUnsigned(rend, b) <= 0) {
                continue;
            }
            if (Long.compareUnsigned(rbase, b) > 0) {
                if (startRgn == -1) {
                    startRgn = idx;
                }
                endRgn = idx + 1;
                insert(idx++, b, rbase - b, n, f);
            }
            b = Long.compareUnsigned(rend, end) < 0 ? rend : end;
        }
        if (Long.compareUnsigned(b, end) < 0) {
            if (startRgn == -1) {
                startRgn = idx;
            }
            endRgn = idx + 1;
            insert(idx, b, end - b, n, f);
        }
        if (startRgn != -1) {
            mergeRegions(startRgn, endRgn);
        }
    }

    /**
     * {@code memblock_merge_regions()}: merges compatible neighbours (touching, same node, same
     * flags) among regions {@code [startRgn - 1, endRgn]}.
     */
    void mergeRegions(int startRgn, int endRgn) {
        int i = startRgn > 0 ? startRgn - 1 : 0;
        int last = Math.min(endRgn, cnt - 1);
        while (i < last) {
            if (base[i] + size[i] != base[i + 1] || nid[i] != nid[i + 1] || flags[i] != flags[i + 1]) {
                assert Long.compareUnsigned(base[i] + size[i], base[i + 1]) <= 0 : "overlapping " + name + " regions";
                i++;
                continue;
            }
            long grown = size[i] + size[i + 1];
            int tail = cnt - (i + 2);
            System.arraycopy(base, i + 2, base, i + 1, tail);
            System.arraycopy(size, i + 2, size, i + 1, tail);
            System.arraycopy(flags, i + 2, flags, i + 1, tail);
            System.arraycopy(nid, i + 2, nid, i + 1, tail);
            size[i] = grown;
            cnt--;
            last--;
        }
    }

    /**
     * {@code memblock_isolate_range()}: splits the regions crossing the boundaries of
     * {@code [b, b + s)} so that the range is made of whole regions.
     *
     * @return {start_rgn, end_rgn}: the index of the first region inside the range and one past the
     *     last ({0, 0} when none)
     */
    int[] isolateRange(long b, long s) {
        s = capSize(b, s);
        int startRgn = 0;
        int endRgn = 0;
        if (s == 0) {
            return new int[] {0, 0};
        }
        long end = b + s;
        ensureRoom(2);
        for (int idx = 0; idx < cnt; idx++) {
            long rbase = base[idx];
            long rend = rbase + size[idx];
            if (Long.compareUnsigned(rbase, end) >= 0) {
                break;
            }
            if (Long.compareUnsigned(rend, b) <= 0) {
                continue;
            }
            if (Long.compareUnsigned(rbase, b) < 0) {
                // the region starts below the range: cut it at b, look at the upper half next
                base[idx] = b;
                size[idx] -= b - rbase;
                totalSize -= b - rbase;
                insert(idx, rbase, b - rbase, nid[idx], flags[idx]);
            } else if (Long.compareUnsigned(rend, end) > 0) {
                // the region ends above the range: cut it at end, look at the lower half again
                base[idx] = end;
                size[idx] -= end - rbase;
                totalSize -= end - rbase;
                insert(idx, rbase, end - rbase, nid[idx], flags[idx]);
                idx--;
            } else {
                if (endRgn == 0) {
                    startRgn = idx;
                }
                endRgn = idx + 1;
            }
        }
        return new int[] {startRgn, endRgn};
    }

    /** {@code memblock_remove_range()}: isolate, then drop the regions inside. */
    void removeRange(long b, long s) {
        int[] rgn = isolateRange(b, s);
        for (int i = rgn[1] - 1; i >= rgn[0]; i--) {
            removeRegion(i);
        }
    }

    /** {@code memblock_set_node()} for this type. */
    void setNode(long b, long s, int n) {
        int[] rgn = isolateRange(b, s);
        for (int i = rgn[0]; i < rgn[1]; i++) {
            nid[i] = n;
        }
        mergeRegions(rgn[0], rgn[1]);
    }

    /** {@code memblock_setclr_flag()} for this type. */
    void setClearFlag(long b, long s, boolean set, int flag) {
        int[] rgn = isolateRange(b, s);
        for (int i = rgn[0]; i < rgn[1]; i++) {
            flags[i] = set ? flags[i] | flag : flags[i] & ~flag;
        }
        mergeRegions(rgn[0], rgn[1]);
    }

    /**
     * The body of {@code memblock_trim_memory()}: round every region inward to {@code align},
     * dropping regions that vanish. Like the kernel, {@code total_size} is not adjusted for the
     * trimmed bytes (only for removed regions).
     */
    void trim(long align) {
        for (int i = 0; i < cnt; i++) {
            long origStart = base[i];
            long origEnd = base[i] + size[i];
            long start = roundUp(origStart, align);
            long end = origEnd & -align;
            if (start == origStart && end == origEnd) {
                continue;
            }
            if (Long.compareUnsigned(start, end) < 0) {
                base[i] = start;
                size[i] = end - start;
            } else {
                removeRegion(i);
                i--;
            }
        }
    }

    static long roundUp(long x, long align) {
        return ((x - 1) | (align - 1)) + 1;
    }
}
