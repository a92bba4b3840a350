package io.pagelab.kernel.buddy;

/** One block moved by compaction: {@code 1 << order} pages from {@code oldPfn} to {@code newPfn}. */
public record MigratedPage(long oldPfn, long newPfn, int order) {
}
