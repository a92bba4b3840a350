package io.pagelab.kernel.page;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * One LRU list head, the {@code struct list_head} of {@code lruvec->lists[lru]} (include/linux/mmzone.h,
 * Linux 6.6), threading frames through their {@code folio->lru} links, which live in the
 * {@link MemMap}'s per-section {@code lruPrev}/{@code lruNext} arrays. The operations are those of
 * include/linux/list.h on {@code folio->lru}: {@link #addHead} is {@code list_add()} (as
 * {@code lruvec_add_folio()} does), {@link #addTail} is {@code list_add_tail()} (as
 * {@code lruvec_add_folio_tail()}), {@link #del} is {@code list_del()} (as {@code lruvec_del_folio()}),
 * and {@link #first}/{@link #last}/{@link #next}/{@link #prev} walk the list as
 * {@code list_first_entry()}, {@code lru_to_folio()} (the tail, where reclaim scans) and
 * {@code list_next_entry()} do.
 *
 * <p>Differs from Linux on purpose: the list is not circular. The head keeps the first and last pfn
 * and a count; the first frame's {@code prev} and the last frame's {@code next} are
 * {@link MemMap#LRU_END} instead of pointing back at the head, and a deleted frame's links become
 * {@link MemMap#LRU_NONE} (Linux: {@code LIST_POISON1/2}). Setting or clearing {@code PG_lru}, the
 * lruvec's size counters and the choice of list are the caller's (reclaim's) business. A frame is
 * one list entry (one folio of order 0 or a folio's head frame).
 */
public final class LruList {
    private final MemMap memMap;
    private final String name;
    private long first = MemMap.LRU_END;
    private long last = MemMap.LRU_END;
    private long size;

    /**
     * {@code INIT_LIST_HEAD()}: an empty list over the frames of {@code memMap}.
     *
     * @param name for messages, e.g. "inactive_file"
     */
    public LruList(MemMap memMap, String name) {
        this.memMap = requireNonNull(memMap, "memMap");
        this.name = requireNonNull(name, "name");
    }

    /** {@code list_add(&folio->lru, head)}: link the frame at the head (most recently used end). */
    public void addHead(long pfn) {
        checkNotListed(pfn);
        long oldFirst = first;
        memMap.setLruLinks(pfn, MemMap.LRU_END, oldFirst);
        if (oldFirst == MemMap.LRU_END) {
            last = pfn;
        } else {
            memMap.setLruPrev(oldFirst, pfn);
        }
        first = pfn;
        size++;
    }

    /** {@code list_add_tail(&folio->lru, head)}: link the frame at the tail (where reclaim takes from). */
    public void addTail(long pfn) {
        checkNotListed(pfn);
        long oldLast = last;
        memMap.setLruLinks(pfn, oldLast, MemMap.LRU_END);
        if (oldLast == MemMap.LRU_END) {
            first = pfn;
        } else {
            memMap.setLruNext(oldLast, pfn);
        }
        last = pfn;
        size++;
    }

    /** {@code list_del(&folio->lru)}: unlink the frame; its links become {@link MemMap#LRU_NONE}. */
    public void del(long pfn) {
        checkListedHere(pfn);
        long prev = memMap.lruPrev(pfn);
        long next = memMap.lruNext(pfn);
        if (prev == MemMap.LRU_END) {
            first = next;
        } else {
            memMap.setLruNext(prev, next);
        }
        if (next == MemMap.LRU_END) {
            last = prev;
        } else {
            memMap.setLruPrev(next, prev);
        }
        memMap.setLruLinks(pfn, MemMap.LRU_NONE, MemMap.LRU_NONE);
        size--;
    }

    /** {@code list_first_entry()}: the head frame, {@link MemMap#LRU_END} when empty. */
    public long first() {
        return first;
    }

    /** {@code lru_to_folio()} ({@code list_last_entry()}): the tail frame, {@link MemMap#LRU_END} when empty. */
    public long last() {
        return last;
    }

    /** {@code list_next_entry()}: the frame after {@code pfn}, {@link MemMap#LRU_END} after the tail. */
    public long next(long pfn) {
        checkListedHere(pfn);
        return memMap.lruNext(pfn);
    }

    /** {@code list_prev_entry()}: the frame before {@code pfn}, {@link MemMap#LRU_END} before the head. */
    public long prev(long pfn) {
        checkListedHere(pfn);
        return memMap.lruPrev(pfn);
    }

    /** {@code list_empty(head)}. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Frames on the list (Linux keeps this in the lruvec's {@code lru_zone_size} instead). */
    public long size() {
        return size;
    }

    /** The list's pfns from head to tail (a copy; for lessons and tests). */
    public long[] toArray() {
        if (size > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("LRU list " + name + " has " + size + " frames, more than an array holds ("
                    + Integer.MAX_VALUE + ")");
        }
        long[] out = new long[(int) size];
        long p = first;
        for (int i = 0; i < out.length; i++) {
            out[i] = p;
            p = memMap.lruNext(p);
        }
        return out;
    }

    private void checkNotListed(long pfn) {
        if (!memMap.pfnValid(pfn)) {
            throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " has no struct page: only frames of"
                    + " present sections can go on LRU list " + name);
        }
        if (memMap.onLru(pfn)) {
            throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " is already on an LRU list:"
                    + " list_del() it before adding it to " + name);
        }
    }

    /** Cheap membership check: listed somewhere, and an end frame must be this list's end. */
    private void checkListedHere(long pfn) {
        if (!memMap.pfnValid(pfn) || !memMap.onLru(pfn)) {
            throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " is not on LRU list " + name
                    + " (it is linked on no list)");
        }
        if ((memMap.lruPrev(pfn) == MemMap.LRU_END && first != pfn)
                || (memMap.lruNext(pfn) == MemMap.LRU_END && last != pfn)) {
            throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " is on another LRU list, not on "
                    + name);
        }
    }

    @Override
    public String toString() {
        return "LruList[" + name + ", " + size + " frames]";
    }
}
