package io.pagelab.kernel.buddy;

import static io.pagelab.kernel.zone.MigrateType.MIGRATE_TYPES;

import java.util.Arrays;

/**
 * {@code struct free_area free_area[NR_PAGE_ORDERS]} of one zone (include/linux/mmzone.h, Linux
 * 6.6): for every order and migratetype the head and tail of a doubly linked list of free block
 * heads, and {@code nr_free}, the number of blocks of each order over all migratetypes.
 *
 * <pre>
 *  list id = order * MIGRATE_TYPES + migratetype           (0..65)
 *  head[id], tail[id]: zone-relative frame index of the first / last block, or EMPTY
 *
 *  the links themselves live in the memmap, one long per pair of frames (see MemMap):
 *     63 ........ 32 31 ......... 0
 *     |    prev     |     next    |      &gt;= 0: zone-relative index of the neighbour head
 *                                        &lt;  0: ~id, the end of list id (the kernel's list_head)
 * </pre>
 *
 * <p>The negative end marker plays the part of Linux's circular {@code list_head}: unlinking a
 * block needs no other knowledge of the list it is on, just as {@code list_del()}.
 */
final class FreeArea {
    /** {@code NR_PAGE_ORDERS}: orders 0..MAX_PAGE_ORDER. */
    static final int NR_PAGE_ORDERS = BuddyAllocator.MAX_PAGE_ORDER + 1;
    /** No block on the list. */
    static final int EMPTY = -1;

    final int[] head = new int[NR_PAGE_ORDERS * MIGRATE_TYPES];
    final int[] tail = new int[NR_PAGE_ORDERS * MIGRATE_TYPES];
    /** {@code free_area[order].nr_free}. */
    final long[] nrFree = new long[NR_PAGE_ORDERS];

    FreeArea() {
        Arrays.fill(head, EMPTY);
        Arrays.fill(tail, EMPTY);
    }

    static int listId(int order, int migratetype) {
        return order * MIGRATE_TYPES + migratetype;
    }

    /** {@code free_area_empty(area, migratetype)}. */
    boolean empty(int order, int migratetype) {
        return head[listId(order, migratetype)] == EMPTY;
    }

    /** Heap bytes of the three arrays (with 16-byte headers). */
    static long footprintBytes() {
        return 2 * (16 + 4L * NR_PAGE_ORDERS * MIGRATE_TYPES) + 16 + 8L * NR_PAGE_ORDERS;
    }
}
