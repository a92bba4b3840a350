package io.pagelab.kernel.page;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.Arrays;

/**
 * The memmap of SPARSEMEM (mm/sparse.c, include/linux/mmzone.h, Linux 6.6): for every present
 * 128 MiB section, the {@code struct page} fields of its 32768 frames, kept as primitive arrays
 * (struct of arrays) instead of 64-byte structs, and the section's pageblock bitmap
 * ({@code mem_section_usage->pageblock_flags}). Sections without memory have no memmap at all, so a
 * 64 GiB machine costs what its present sections cost and nothing for the holes.
 *
 * <pre>
 *  pfn  63 ............ 23 22 ...... 15 14 ............ 0
 *       |   root index   | in root    | frame in section |      section = pfn &gt;&gt; 15
 *
 *  roots[section &gt;&gt; 8][section &amp; 255] --&gt; one present section (SPARSEMEM_EXTREME: 256 per root)
 *
 *   field            element     per              what                               Linux
 *   state[32768]     byte        frame            {@link FrameState}: kind + order     PageBuddy + page_private
 *   links[16384]     long        pair of frames   free-list prev | next (see below)  page-&gt;buddy_list
 *   pageblock[64]    byte        512 frames       migratetype (bits 0-2), skip (3)   pageblock_flags, 4 bits
 *   refcount[32768]  int         frame            page-&gt;_refcount                    page-&gt;_refcount
 *   flags[32768]     short       frame            {@link PageFlags}                    page-&gt;flags
 *   mapcount[32768]  int         frame            page_mapcount(), 0 = unmapped      page-&gt;_mapcount + 1
 *                                                 (allocated on the first write)
 *   lruPrev[32768]   long        frame            pfn before it on its LRU list,     folio-&gt;lru.prev
 *                                                 {@link #LRU_END} or {@link #LRU_NONE}
 *   lruNext[32768]   long        frame            pfn after it on its LRU list,      folio-&gt;lru.next
 *                                                 {@link #LRU_END} or {@link #LRU_NONE}
 *                                                 (both created, filled with LRU_NONE, on the first
 *                                                 link of a frame of the section; see {@link LruList})
 *   nid              int         section          node of the section               section_to_node_table
 * </pre>
 *
 * <p>The buddy allocator's own share is {@code state}, {@code links} and {@code pageblock}: 1 + 4 +
 * 1/512 bytes per frame, plus array headers ({@link #footprint()}); Linux spends 64 bytes per frame
 * on {@code struct page}.
 *
 * <p><b>One link slot per pair of frames.</b> A free block needs a previous and a next pointer, yet
 * the pair {@code (2k, 2k+1)} never holds two free block heads: a free order-0 block at {@code p}
 * means its buddy {@code p ^ 1} is not free (the two would have merged in {@code __free_one_page()}),
 * and a free block of order 1 or more starts at an even pfn and covers the whole pair. So the slot
 * {@code links[(pfn &amp; 32767) &gt;&gt; 1]} belongs to whichever frame of the pair heads a free block.
 * The one way two heads could meet in a pair, two zones meeting at an odd pfn, is refused by the
 * buddy allocator when it builds its zones. The encoding of a slot (high 32 bits previous, low 32
 * bits next) is the buddy allocator's business.
 *
 * <p>Differs from Linux on purpose: the zone and node of a frame are not stored in its flags; the
 * node is kept per section (as with NODE_NOT_IN_PAGE_FLAGS) and the zone is found from the pfn.
 * The LRU links are global pfns, not section indices, because an LRU list (a {@code struct lruvec}
 * list) runs across sections; they hold the value {@link #LRU_NONE} where Linux's {@code list_del()}
 * leaves {@code LIST_POISON1/2}, and {@link #LRU_END} where Linux points back at the list head
 * (pagelab's lists are not circular). Accessors throw
 * {@link BadAddressException} for a pfn without memmap ({@code !pfn_valid(pfn)}).
 */
public final class MemMap {
    /** {@code PFN_SECTION_SHIFT} on x86-64: 128 MiB sections. */
    public static final int PFN_SECTION_SHIFT = 15;
    /** {@code PAGES_PER_SECTION}. */
    public static final int PAGES_PER_SECTION = 1 << PFN_SECTION_SHIFT;
    /** {@code pageblock_order} on x86-64 (HPAGE_PMD_ORDER). */
    public static final int PAGEBLOCK_ORDER = 9;
    /** {@code pageblock_nr_pages}. */
    public static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
    /** {@code SECTIONS_PER_ROOT} with SPARSEMEM_EXTREME (PAGE_SIZE / sizeof(struct mem_section)). */
    public static final int SECTIONS_PER_ROOT = 256;
    /** Bytes a JVM array header takes (64-bit JVM, compressed class pointers: 12-byte header + 4-byte length). */
    public static final int ARRAY_HEADER_BYTES = 16;

    /** LRU link value of a frame on no LRU list (Linux: {@code LIST_POISON1/2} after {@code list_del()}). */
    public static final long LRU_NONE = -1;
    /** LRU link value at either end of a list (Linux: the pointer back to the {@code list_head} in the lruvec). */
    public static final long LRU_END = -2;

    private static final int SECTION_MASK = PAGES_PER_SECTION - 1;
    private static final int PAGEBLOCKS_PER_SECTION = PAGES_PER_SECTION / PAGEBLOCK_NR_PAGES;
    private static final int PB_MIGRATETYPE_MASK = 0x7;
    private static final int PB_MIGRATE_SKIP = 0x8;

    /** One present section: its frames' fields. */
    private static final class MemSection {
        final byte[] state = new byte[PAGES_PER_SECTION];
        final long[] links = new long[PAGES_PER_SECTION / 2];
        final byte[] pageblock = new byte[PAGEBLOCKS_PER_SECTION];
        final int[] refcount = new int[PAGES_PER_SECTION];
        final short[] flags = new short[PAGES_PER_SECTION];
        int[] mapcount;
        long[] lruPrev;
        long[] lruNext;
        final int nid;

        MemSection(int nid) {
            this.nid = nid;
            // __init_single_page(): refcount 1 ("allocated"), then PG_reserved until the buddy gets the page
            Arrays.fill(refcount, 1);
            Arrays.fill(flags, (short) PageFlags.PG_RESERVED);
        }
    }

    private final MemSection[][] roots;
    private final long[] sectionNumbers;

    private MemMap(long[] sectionNumbers, int[] nids) {
        this.sectionNumbers = sectionNumbers.clone();
        long last = sectionNumbers.length == 0 ? 0 : sectionNumbers[sectionNumbers.length - 1];
        roots = new MemSection[(int) (last / SECTIONS_PER_ROOT) + 1][];
        for (int i = 0; i < sectionNumbers.length; i++) {
            long nr = sectionNumbers[i];
            int r = (int) (nr / SECTIONS_PER_ROOT);
            if (roots[r] == null) {
                roots[r] = new MemSection[SECTIONS_PER_ROOT];
            }
            roots[r][(int) (nr % SECTIONS_PER_ROOT)] = new MemSection(nids[i]);
        }
    }

    /**
     * {@code sparse_init()}: a memmap for each present section, every frame initialised as
     * {@code __init_single_page()} and {@code reserve_bootmem_region()} leave it (refcount 1,
     * PG_reserved, not mapped), every pageblock MIGRATE_UNMOVABLE (0) until memmap init marks it.
     *
     * @param sectionNumbers present section numbers, strictly ascending
     * @param nids           the node of each section
     */
    public static MemMap of(long[] sectionNumbers, int[] nids) {
        requireNonNull(sectionNumbers, "sectionNumbers");
        requireNonNull(nids, "nids");
        InvalidArgumentException.check(sectionNumbers.length == nids.length,
                "%s section numbers but %s node ids: one node per section", sectionNumbers.length, nids.length);
        for (int i = 0; i < sectionNumbers.length; i++) {
            InvalidArgumentException.check(sectionNumbers[i] >= 0 && sectionNumbers[i] < (1L << (52 - 12 - PFN_SECTION_SHIFT)),
                    "section number %s outside 0..%s (52-bit physical addresses)", sectionNumbers[i],
                    (1L << (52 - 12 - PFN_SECTION_SHIFT)) - 1);
            InvalidArgumentException.check(i == 0 || sectionNumbers[i] > sectionNumbers[i - 1],
                    "section numbers must be strictly ascending: %s follows %s", sectionNumbers[i],
                    i == 0 ? -1 : sectionNumbers[i - 1]);
            InvalidArgumentException.check(nids[i] >= 0, "node id %s of section %s is negative", nids[i], sectionNumbers[i]);
        }
        return new MemMap(sectionNumbers, nids);
    }

    private MemSection sectionOrNull(long pfn) {
        long nr = pfn >>> PFN_SECTION_SHIFT;
        long r = nr >>> 8; // SECTIONS_PER_ROOT = 256
        if (pfn < 0 || r >= roots.length) {
            return null;
        }
        MemSection[] root = roots[(int) r];
        return root == null ? null : root[(int) (nr & (SECTIONS_PER_ROOT - 1))];
    }

    private MemSection section(long pfn) {
        MemSection s = sectionOrNull(pfn);
        if (s == null) {
            throw new BadAddressException(pfn << 12, "pfn 0x" + Long.toHexString(pfn) + " has no struct page: its"
                    + " section " + (pfn >>> PFN_SECTION_SHIFT) + " holds no memory (pfn_valid() is false); present"
                    + " sections are " + describeSections());
        }
        return s;
    }

    private String describeSections() {
        if (sectionNumbers.length == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        long runStart = sectionNumbers[0];
        long prev = runStart;
        for (int i = 1; i <= sectionNumbers.length; i++) {
            if (i < sectionNumbers.length && sectionNumbers[i] == prev + 1) {
                prev = sectionNumbers[i];
                continue;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(runStart == prev ? Long.toString(runStart) : runStart + "-" + prev);
            if (i < sectionNumbers.length) {
                runStart = sectionNumbers[i];
                prev = runStart;
            }
        }
        return sb.toString();
    }

    private static int index(long pfn) {
        return (int) (pfn & SECTION_MASK);
    }

    // ------------------------------------------------------------------ sections

    /** {@code pfn_valid()}: the frame has a struct page (its section is present). */
    public boolean pfnValid(long pfn) {
        return sectionOrNull(pfn) != null;
    }

    /** The node of the frame's section. */
    public int nid(long pfn) {
        return section(pfn).nid;
    }

    /** Present section numbers, ascending (a copy). */
    public long[] sectionNumbers() {
        return sectionNumbers.clone();
    }

    /** Frames with a struct page: present sections times 32768. */
    public long frames() {
        return (long) sectionNumbers.length * PAGES_PER_SECTION;
    }

    // ------------------------------------------------------------------ buddy fields

    /** The {@link FrameState} byte of the frame (0..255). */
    public int state(long pfn) {
        return section(pfn).state[index(pfn)] & 0xff;
    }

    /** Sets the {@link FrameState} byte (only the low 8 bits are kept). */
    public void setState(long pfn, int state) {
        section(pfn).state[index(pfn)] = (byte) state;
    }

    /** The free-list link slot of the frame's pair {@code (pfn & ~1, pfn | 1)}. */
    public long pairLinks(long pfn) {
        return section(pfn).links[index(pfn) >>> 1];
    }

    /** Sets the free-list link slot of the frame's pair. */
    public void setPairLinks(long pfn, long links) {
        section(pfn).links[index(pfn) >>> 1] = links;
    }

    /** Replaces the high 32 bits ("previous") of the pair's link slot. */
    public void setPairPrev(long pfn, int prev) {
        long[] l = section(pfn).links;
        int i = index(pfn) >>> 1;
        l[i] = ((long) prev << 32) | (l[i] & 0xffffffffL);
    }

    /** Replaces the low 32 bits ("next") of the pair's link slot. */
    public void setPairNext(long pfn, int next) {
        long[] l = section(pfn).links;
        int i = index(pfn) >>> 1;
        l[i] = (l[i] & 0xffffffff00000000L) | (next & 0xffffffffL);
    }

    /** {@code get_pageblock_migratetype()}: the migratetype id (0..5) of the frame's pageblock. */
    public int pageblockMigratetype(long pfn) {
        return section(pfn).pageblock[index(pfn) >>> PAGEBLOCK_ORDER] & PB_MIGRATETYPE_MASK;
    }

    /** {@code set_pageblock_migratetype()} without the mobility rule (the caller applies it). */
    public void setPageblockMigratetype(long pfn, int migratetype) {
        InvalidArgumentException.check(migratetype >= 0 && migratetype <= PB_MIGRATETYPE_MASK,
                "migratetype %s does not fit the 3 pageblock bits 0..%s", migratetype, PB_MIGRATETYPE_MASK);
        byte[] pb = section(pfn).pageblock;
        int i = index(pfn) >>> PAGEBLOCK_ORDER;
        pb[i] = (byte) ((pb[i] & ~PB_MIGRATETYPE_MASK) | migratetype);
    }

    /** {@code get_pageblock_skip()}: compaction's skip hint of the frame's pageblock. */
    public boolean pageblockSkip(long pfn) {
        return (section(pfn).pageblock[index(pfn) >>> PAGEBLOCK_ORDER] & PB_MIGRATE_SKIP) != 0;
    }

    /** {@code set_pageblock_skip()} / {@code clear_pageblock_skip()}. */
    public void setPageblockSkip(long pfn, boolean skip) {
        byte[] pb = section(pfn).pageblock;
        int i = index(pfn) >>> PAGEBLOCK_ORDER;
        pb[i] = (byte) (skip ? pb[i] | PB_MIGRATE_SKIP : pb[i] & ~PB_MIGRATE_SKIP);
    }

    // ------------------------------------------------------------------ struct page fields

    /** {@code page_ref_count()}. */
    public int refcount(long pfn) {
        return section(pfn).refcount[index(pfn)];
    }

    /** {@code set_page_count()}. */
    public void setRefcount(long pfn, int count) {
        if (count < 0) {
            throw new InvalidArgumentException("refcount " + count + " of pfn 0x" + Long.toHexString(pfn)
                    + " is negative: a page's _refcount is 0 (free) or more");
        }
        section(pfn).refcount[index(pfn)] = count;
    }

    /** {@code page->flags}, the {@link PageFlags} bits. */
    public int flags(long pfn) {
        return section(pfn).flags[index(pfn)] & 0xffff;
    }

    /** Replaces all flags of the frame. */
    public void setFlags(long pfn, int flags) {
        if ((flags & ~PageFlags.ALL) != 0) {
            throw new InvalidArgumentException("flags 0x" + Integer.toHexString(flags)
                    + " have bits outside the 16 page flags (mask 0xffff)");
        }
        section(pfn).flags[index(pfn)] = (short) flags;
    }

    /** {@code PageXxx(page)}: is every bit of {@code flag} set? */
    public boolean testFlag(long pfn, int flag) {
        return (flags(pfn) & flag) == flag;
    }

    /** {@code SetPageXxx(page)}. */
    public void setFlag(long pfn, int flag) {
        setFlags(pfn, flags(pfn) | flag);
    }

    /** {@code ClearPageXxx(page)}. */
    public void clearFlag(long pfn, int flag) {
        setFlags(pfn, flags(pfn) & ~flag & PageFlags.ALL);
    }

    /** {@code page_mapcount()}: page-table entries mapping the frame, 0 when unmapped ({@code _mapcount == -1}). */
    public int mapcount(long pfn) {
        int[] m = section(pfn).mapcount;
        return m == null ? 0 : m[index(pfn)];
    }

    /** Sets {@code page_mapcount()}; the section's mapcount array is created on the first non-zero write. */
    public void setMapcount(long pfn, int count) {
        if (count < 0) {
            throw new InvalidArgumentException("mapcount " + count + " of pfn 0x" + Long.toHexString(pfn)
                    + " is negative: page_mapcount() is 0 (unmapped) or more");
        }
        MemSection s = section(pfn);
        if (s.mapcount == null) {
            if (count == 0) {
                return;
            }
            s.mapcount = new int[PAGES_PER_SECTION];
        }
        s.mapcount[index(pfn)] = count;
    }

    // ------------------------------------------------------------------ LRU links

    /** {@code folio->lru.prev} as a pfn, {@link #LRU_END} at the list's head end, {@link #LRU_NONE} off any list. */
    public long lruPrev(long pfn) {
        long[] a = section(pfn).lruPrev;
        return a == null ? LRU_NONE : a[index(pfn)];
    }

    /** {@code folio->lru.next} as a pfn, {@link #LRU_END} at the list's tail end, {@link #LRU_NONE} off any list. */
    public long lruNext(long pfn) {
        long[] a = section(pfn).lruNext;
        return a == null ? LRU_NONE : a[index(pfn)];
    }

    /** Is the frame linked on an LRU list ({@code !list_empty(&folio->lru)} for a listed folio)? */
    public boolean onLru(long pfn) {
        return lruNext(pfn) != LRU_NONE;
    }

    /** Does the frame's section have its LRU arrays yet (they are created on the first link)? */
    public boolean hasLruArrays(long pfn) {
        return section(pfn).lruNext != null;
    }

    /**
     * Sets both LRU links of the frame; the section's two LRU arrays are created (filled with
     * {@link #LRU_NONE}) on the first write that is not {@code (LRU_NONE, LRU_NONE)}. Used by {@link LruList}.
     */
    void setLruLinks(long pfn, long prev, long next) {
        checkLruLink(pfn, prev, "prev");
        checkLruLink(pfn, next, "next");
        MemSection s = section(pfn);
        if (s.lruNext == null) {
            if (prev == LRU_NONE && next == LRU_NONE) {
                return;
            }
            s.lruPrev = new long[PAGES_PER_SECTION];
            s.lruNext = new long[PAGES_PER_SECTION];
            Arrays.fill(s.lruPrev, LRU_NONE);
            Arrays.fill(s.lruNext, LRU_NONE);
        }
        s.lruPrev[index(pfn)] = prev;
        s.lruNext[index(pfn)] = next;
    }

    /** Sets only {@code folio->lru.prev} of a frame already on a list. */
    void setLruPrev(long pfn, long prev) {
        setLruLinks(pfn, prev, lruNext(pfn));
    }

    /** Sets only {@code folio->lru.next} of a frame already on a list. */
    void setLruNext(long pfn, long next) {
        setLruLinks(pfn, lruPrev(pfn), next);
    }

    private void checkLruLink(long pfn, long link, String which) {
        if (link != LRU_NONE && link != LRU_END && !pfnValid(link)) {
            throw new InvalidArgumentException("LRU " + which + " link " + link + " of pfn 0x" + Long.toHexString(pfn)
                    + " is neither a pfn with a struct page nor LRU_END (-2) nor LRU_NONE (-1)");
        }
    }

    /**
     * The first loop of {@code __free_pages_core()} for {@code nrPages} frames from {@code pfn}:
     * {@code __ClearPageReserved()} and {@code set_page_count(page, 0)}, and the frames become
     * {@link FrameState#TAIL}s of the block the buddy allocator is about to receive (it marks the
     * head itself). The range stays inside one section, as a block of at most MAX_ORDER_NR_PAGES does.
     */
    public void releaseToBuddy(long pfn, int nrPages) {
        MemSection s = section(pfn);
        int from = index(pfn);
        InvalidArgumentException.check(nrPages >= 0 && from + nrPages <= PAGES_PER_SECTION,
                "%s pages from frame %s of a section cross its end (%s frames per section)", nrPages, from,
                PAGES_PER_SECTION);
        Arrays.fill(s.refcount, from, from + nrPages, 0);
        Arrays.fill(s.state, from, from + nrPages, (byte) FrameState.TAIL);
        short[] f = s.flags;
        for (int i = from; i < from + nrPages; i++) {
            f[i] = (short) (f[i] & ~PageFlags.PG_RESERVED);
        }
    }

    /**
     * The first of {@code n} frames from {@code pfn} (inside one section) that is not a clean free
     * tail: state {@link FrameState#TAIL}, no flags, refcount 0, unmapped ({@code check_new_pages()});
     * -1 when all are clean.
     */
    public long firstUncleanTail(long pfn, int n) {
        MemSection s = section(pfn);
        int from = index(pfn);
        checkRange(from, n);
        for (int i = from; i < from + n; i++) {
            if (s.state[i] != (byte) FrameState.TAIL || s.flags[i] != 0 || s.refcount[i] != 0
                    || (s.mapcount != null && s.mapcount[i] != 0)) {
                return pfn + (i - from);
            }
        }
        return -1;
    }

    /**
     * The first of {@code n} frames from {@code pfn} (inside one section) that a free would call bad:
     * mapped, with a non-zero refcount, or with a {@code checkFlags} flag ({@code free_page_is_bad()});
     * -1 when none.
     */
    public long firstBadForFree(long pfn, int n, int checkFlags) {
        MemSection s = section(pfn);
        int from = index(pfn);
        checkRange(from, n);
        for (int i = from; i < from + n; i++) {
            if (s.refcount[i] != 0 || (s.flags[i] & checkFlags) != 0 || (s.mapcount != null && s.mapcount[i] != 0)) {
                return pfn + (i - from);
            }
        }
        return -1;
    }

    /** {@code page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP} for {@code n} frames from {@code pfn} (one section). */
    public void clearFlags(long pfn, int n) {
        MemSection s = section(pfn);
        int from = index(pfn);
        checkRange(from, n);
        Arrays.fill(s.flags, from, from + n, (short) 0);
    }

    private static void checkRange(int from, int n) {
        InvalidArgumentException.check(n >= 0 && from + n <= PAGES_PER_SECTION,
                "%s frames from frame %s of a section cross its end (%s frames per section)", n, from, PAGES_PER_SECTION);
    }

    /** What the memmap costs on the Java heap, by owner (see the class diagram). */
    public MemMapFootprint footprint() {
        long n = sectionNumbers.length;
        long buddy = n * ((ARRAY_HEADER_BYTES + PAGES_PER_SECTION)
                + (ARRAY_HEADER_BYTES + 8L * (PAGES_PER_SECTION / 2))
                + (ARRAY_HEADER_BYTES + PAGEBLOCKS_PER_SECTION));
        long refcount = n * (ARRAY_HEADER_BYTES + 4L * PAGES_PER_SECTION);
        long flags = n * (ARRAY_HEADER_BYTES + 2L * PAGES_PER_SECTION);
        long mapcount = 0;
        long lru = 0;
        for (MemSection[] root : roots) {
            if (root == null) {
                continue;
            }
            for (MemSection s : root) {
                if (s != null && s.mapcount != null) {
                    mapcount += ARRAY_HEADER_BYTES + 4L * PAGES_PER_SECTION;
                }
                if (s != null && s.lruNext != null) {
                    lru += 2 * (ARRAY_HEADER_BYTES + 8L * PAGES_PER_SECTION);
                }
            }
        }
        return new MemMapFootprint(frames(), buddy, refcount, flags, mapcount, lru);
    }

    @Override
    public String toString() {
        return "MemMap[" + sectionNumbers.length + " sections: " + describeSections() + "]";
    }
}
