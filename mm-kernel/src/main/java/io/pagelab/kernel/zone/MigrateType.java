package io.pagelab.kernel.zone;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * {@code enum migratetype} of include/linux/mmzone.h and {@code migratetype_names[]} of
 * mm/page_alloc.c (Linux 6.6 with CONFIG_CMA and CONFIG_MEMORY_ISOLATION): how easily the pages of
 * a pageblock can be moved, which decides the free list a freed block joins.
 *
 * <pre>
 *  id  type          allocated by                        falls back to (fallbacks[][])
 *  0   Unmovable     GFP_KERNEL: slab, page tables        Reclaimable, Movable
 *  1   Movable       GFP_HIGHUSER_MOVABLE: user pages     Reclaimable, Unmovable
 *  2   Reclaimable   __GFP_RECLAIMABLE: dentry/inode      Unmovable, Movable
 *  3   HighAtomic    reserve for high-order atomic        -
 *  4   CMA           movable pages only, in CMA areas     -
 *  5   Isolate       pageblocks being offlined/migrated   -
 * </pre>
 *
 * <p>The ids are the kernel's; code on hot paths uses them as ints ({@link #id()}).
 */
public enum MigrateType {
    UNMOVABLE("Unmovable"),
    MOVABLE("Movable"),
    RECLAIMABLE("Reclaimable"),
    HIGHATOMIC("HighAtomic"),
    CMA("CMA"),
    ISOLATE("Isolate");

    /** {@code MIGRATE_UNMOVABLE}. */
    public static final int MIGRATE_UNMOVABLE = 0;
    /** {@code MIGRATE_MOVABLE}. */
    public static final int MIGRATE_MOVABLE = 1;
    /** {@code MIGRATE_RECLAIMABLE}. */
    public static final int MIGRATE_RECLAIMABLE = 2;
    /** {@code MIGRATE_PCPTYPES}: the types with per-cpu lists. */
    public static final int MIGRATE_PCPTYPES = 3;
    /** {@code MIGRATE_HIGHATOMIC} (= MIGRATE_PCPTYPES). */
    public static final int MIGRATE_HIGHATOMIC = 3;
    /** {@code MIGRATE_CMA}. */
    public static final int MIGRATE_CMA = 4;
    /** {@code MIGRATE_ISOLATE}. */
    public static final int MIGRATE_ISOLATE = 5;
    /** {@code MIGRATE_TYPES}. */
    public static final int MIGRATE_TYPES = 6;

    private static final MigrateType[] BY_ID = values();
    /** {@code fallbacks[MIGRATE_TYPES][3]} without the MIGRATE_TYPES terminator. */
    private static final int[][] FALLBACKS = {
        {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
        {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
        {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
        {}, {}, {},
    };

    private final String typeName;

    MigrateType(String typeName) {
        this.typeName = typeName;
    }

    /** The kernel's number for the type. */
    public int id() {
        return ordinal();
    }

    /** The name /proc/pagetypeinfo prints ({@code migratetype_names[]}). */
    public String typeName() {
        return typeName;
    }

    /** The type with kernel number {@code id}. */
    public static MigrateType of(int id) {
        InvalidArgumentException.check(id >= 0 && id < MIGRATE_TYPES, "migratetype %s outside 0..%s", id,
                MIGRATE_TYPES - 1);
        return BY_ID[id];
    }

    /** The name of the type with kernel number {@code id}. */
    public static String nameOf(int id) {
        return of(id).typeName;
    }

    /** {@code fallbacks[id]}: the types an allocation of type {@code id} may steal from, in order. */
    public static int[] fallbacks(int id) {
        return FALLBACKS[of(id).ordinal()].clone();
    }

    /**
     * {@code fallbacks[id][i]} as the kernel's loop reads it: the i-th fallback of type {@code id},
     * or {@link #MIGRATE_TYPES} once the row is exhausted. No bounds check: for hot paths.
     */
    public static int fallback(int id, int i) {
        int[] row = FALLBACKS[id];
        return i < row.length ? row[i] : MIGRATE_TYPES;
    }

    /**
     * {@code migratetype_is_mergeable()}: Unmovable, Movable and Reclaimable blocks may merge with
     * each other above pageblock_order; HighAtomic, CMA and Isolate blocks may not.
     */
    public static boolean isMergeable(int id) {
        return id < MIGRATE_PCPTYPES;
    }
}
