package io.pagelab.kernel.compaction;

/**
 * The outcomes of {@code compaction_suitable()} (include/linux/compaction.h {@code enum compact_result},
 * Linux 6.6) as its tracepoint reports them; the function itself returns only "suitable or not".
 */
public enum CompactResult {
    /** Watermarks allow compaction and fragmentation (not a lack of memory) is the problem: compact. */
    CONTINUE,
    /** Too few free pages to hold migration copies: reclaim first. */
    SKIPPED,
    /** Costly order, but the fragmentation index says the failure is from low memory: do not compact. */
    NOT_SUITABLE_ZONE;

    /** What {@code compaction_suitable()} returns. */
    public boolean suitable() {
        return this == CONTINUE;
    }
}
