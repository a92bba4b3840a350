package io.pagelab.kernel.compaction;

/**
 * The outcomes of {@code compaction_suitable()} (include/linux/compaction.h {@code enum compact_result},
 * Linux 6.6): the three {@code compaction_suitable()} reports as its tracepoint shows them (the function
 * itself returns only "suitable or not") and the two ways a {@code compact_zone()} run ends.
 */
public enum CompactResult {
    /** Watermarks allow compaction and fragmentation (not a lack of memory) is the problem: compact. */
    CONTINUE,
    /** Too few free pages to hold migration copies: reclaim first. */
    SKIPPED,
    /** Costly order, but the fragmentation index says the failure is from low memory: do not compact. */
    NOT_SUITABLE_ZONE,
    /** compact_zone(): a free block of the requested order exists now (or did before scanning). */
    SUCCESS,
    /** compact_zone(): the scanners met over the whole zone without building the block. */
    COMPLETE;

    /** What {@code compaction_suitable()} returns. */
    public boolean suitable() {
        return this == CONTINUE;
    }
}
