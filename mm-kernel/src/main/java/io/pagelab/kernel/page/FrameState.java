package io.pagelab.kernel.page;

/**
 * The one byte per frame that says where the frame stands with the buddy allocator: PageBuddy and
 * {@code page_private} (the order) of a free block's head in Linux, plus what pagelab remembers
 * about allocated blocks.
 *
 * <pre>
 *   bit   7 6     5 4     3 2 1 0
 *        kind    unused    order
 *
 *   kind 00 RESERVED   never given to the buddy allocator: memblock-reserved, a hole, or pfn 0
 *        01 TAIL       inside a block (free or allocated) whose head is a lower frame
 *        10 BUDDY      head of a free block of 2^order frames, on a free_area[order] list (PageBuddy)
 *        11 ALLOCATED  head of a block of 2^order frames the allocator handed out
 *   bit 5 (PCP) with kind ALLOCATED: the block is free but waits on a per-cpu page list (not
 *         PageBuddy, so it never merges; for everyone but the allocator it is in use)
 * </pre>
 *
 * <p>Every frame a zone manages is exactly one of head or tail of exactly one block, so the state
 * of a frame inside a block is found by looking at the aligned frames below it (see
 * {@code BuddyAllocator}). Splitting a block only writes the heads of the halves, merging only
 * turns the buddy's head into a tail: no operation touches every frame of a block.
 *
 * <p>Differs from Linux on purpose: Linux does not record the order of an allocated block that is
 * not a compound page ({@code __free_pages()} trusts the caller). pagelab keeps it, as
 * CONFIG_PAGE_OWNER's page_owner does, so that freeing with a wrong order or freeing a tail page
 * is reported instead of corrupting the free lists.
 */
public final class FrameState {
    public static final int RESERVED = 0;
    public static final int TAIL = 1 << 6;
    public static final int BUDDY = 2 << 6;
    public static final int ALLOCATED = 3 << 6;
    public static final int KIND_MASK = 3 << 6;
    public static final int ORDER_MASK = 0x0f;
    /** Bit 5: an ALLOCATED-kind head that actually sits on a per-cpu page list. */
    public static final int PCP_BIT = 1 << 5;

    private FrameState() {
    }

    /** The kind bits: {@link #RESERVED}, {@link #TAIL}, {@link #BUDDY} or {@link #ALLOCATED}. */
    public static int kind(int state) {
        return state & KIND_MASK;
    }

    /** The order of a BUDDY or ALLOCATED head. */
    public static int order(int state) {
        return state & ORDER_MASK;
    }

    /** The state byte of a free block's head ({@code set_buddy_order()}). */
    public static int buddy(int order) {
        return BUDDY | order;
    }

    /** The state byte of an allocated block's head. */
    public static int allocated(int order) {
        return ALLOCATED | order;
    }

    /** The state byte of a block's head on a per-cpu page list. */
    public static int pcp(int order) {
        return ALLOCATED | PCP_BIT | order;
    }

    /** Whether the state is that of a block on a per-cpu page list. */
    public static boolean isPcp(int state) {
        return (state & (KIND_MASK | PCP_BIT)) == (ALLOCATED | PCP_BIT);
    }

    /** A readable name: {@code buddy(order 3)}, {@code allocated(order 0)}, {@code tail}, {@code reserved}. */
    public static String describe(int state) {
        switch (kind(state)) {
            case BUDDY:
                return "buddy(order " + order(state) + ")";
            case ALLOCATED:
                if (isPcp(state)) {
                    return "pcp(order " + order(state) + ")";
                }
                return "allocated(order " + order(state) + ")";
            case TAIL:
                return "tail";
            default:
                return "reserved";
        }
    }
}
