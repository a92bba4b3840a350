package io.pagelab.kernel.page;

import java.util.Locale;

/**
 * The report of mm/page_alloc.c: bad_page() and mm/debug.c: dump_page() (Linux 6.6), for a frame
 * of a {@link MemMap}:
 *
 * <pre>
 * BUG: Bad page state in process pagelab  pfn:01204
 * page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1204
 * flags: 0x0(zone=1)
 * page_type: buddy(order 2)
 * page dumped because: freeing a free page (PageBuddy)
 * </pre>
 *
 * <p>Differs from Linux on purpose: no {@code page:%p} hashed pointer, no {@code raw:} lines, no
 * stack; the {@code page_type} line shows the pagelab frame state; the process is always
 * {@code pagelab}.
 */
public final class PageDump {
    /** What {@code current->comm} shows in the BUG line. */
    public static final String COMM = "pagelab";

    private PageDump() {
    }

    /** {@code dump_page(page, reason)}: the lines after the BUG line. */
    public static String dumpPage(MemMap memMap, long pfn, int zoneIndex, String reason) {
        int flags = memMap.flags(pfn);
        String names = PageFlags.names(flags);
        return String.format(Locale.ROOT, "page: refcount:%d mapcount:%d mapping:0000000000000000 index:0x0 pfn:%#x\n"
                + "flags: %#x(%szone=%d)\n"
                + "page_type: %s\n"
                + "page dumped because: %s",
                memMap.refcount(pfn), memMap.mapcount(pfn), pfn, flags, names.isEmpty() ? "" : names + "|", zoneIndex,
                FrameState.describe(memMap.state(pfn)), reason);
    }

    /** {@code bad_page(page, reason)}: the BUG line and the dump. */
    public static String badPage(MemMap memMap, long pfn, int zoneIndex, String reason) {
        return String.format(Locale.ROOT, "BUG: Bad page state in process %s  pfn:%05x\n", COMM, pfn)
                + dumpPage(memMap, pfn, zoneIndex, reason);
    }
}
