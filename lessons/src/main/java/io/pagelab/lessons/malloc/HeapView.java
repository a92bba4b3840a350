package io.pagelab.lessons.malloc;

import io.pagelab.api.AddressSpace;
import io.pagelab.userspace.malloc.Ptmalloc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads glibc 2.36's malloc metadata out of process memory, the way gdb with pwndbg's
 * {@code heap} and {@code bins} commands does: the chunks from mp_.sbrk_base to the top chunk,
 * the tcache_perthread_struct's counts and entries, main_arena's fastbinsY[], top and bins[]
 * (layouts: malloc/malloc.c, struct malloc_chunk, struct malloc_state, tcache_perthread_struct).
 * It reads only through {@link AddressSpace#readLong}, never the allocator's Java fields, so what
 * it shows is what a debugger attached to the process would see.
 *
 * <p>Differs from pwndbg on purpose: only the main arena, and a list stops after 16 entries.
 */
final class HeapView {

    /** offsetof(struct malloc_state, fastbinsY). */
    private static final long OFF_FASTBINS = 0x10;
    /** offsetof(struct malloc_state, top). */
    private static final long OFF_TOP = 0x60;
    /** offsetof(struct malloc_state, bins). */
    private static final long OFF_BINS = 0x70;
    /** offsetof(tcache_perthread_struct, entries): after uint16_t counts[64]. */
    private static final long OFF_ENTRIES = 0x80;
    private static final int TCACHE_BINS = 64;
    private static final int NFASTBINS = 10;
    private static final int NBINS = 128;
    private static final int MAX_LIST = 16;

    private final AddressSpace as;
    private final Ptmalloc malloc;

    HeapView(AddressSpace as, Ptmalloc malloc) {
        this.as = as;
        this.malloc = malloc;
    }

    /** &amp;main_arena. */
    long arena() {
        return malloc.arenaAddress();
    }

    /** main_arena.top: the chunk at the end of the heap. */
    long top() {
        return as.readLong(arena() + OFF_TOP);
    }

    /** The size field of the chunk at {@code chunk}, flags included. */
    long sizeField(long chunk) {
        return as.readLong(chunk + 8);
    }

    /** chunksize(p): the size field without its three flag bits. */
    long size(long chunk) {
        return sizeField(chunk) & ~7L;
    }

    /** bin_at(av, i): the pseudo-chunk whose fd/bk are bins[2i-2], bins[2i-1]. */
    long binAt(int i) {
        return arena() + OFF_BINS + 16L * (i - 1) - 16;
    }

    /** REVEAL_PTR of the safe-linked pointer stored at {@code pos}. */
    long reveal(long pos) {
        return (pos >>> 12) ^ as.readLong(pos);
    }

    /** counts[idx] of this thread's tcache (a uint16_t). */
    int tcacheCount(int idx) {
        long tc = malloc.tcacheAddress();
        return tc == 0 ? 0 : (as.readByte(tc + 2L * idx) & 0xff) | (as.readByte(tc + 2L * idx + 1) & 0xff) << 8;
    }

    /** The user pointers in tcache bin {@code idx}, head first. */
    List<Long> tcacheList(int idx) {
        List<Long> out = new ArrayList<>();
        long tc = malloc.tcacheAddress();
        if (tc == 0) {
            return out;
        }
        for (long e = as.readLong(tc + OFF_ENTRIES + 8L * idx); e != 0 && out.size() < MAX_LIST; e = reveal(e)) {
            out.add(e);
        }
        return out;
    }

    /** The chunks in fastbinsY[idx], head first. */
    List<Long> fastbinList(int idx) {
        List<Long> out = new ArrayList<>();
        for (long p = as.readLong(arena() + OFF_FASTBINS + 8L * idx); p != 0 && out.size() < MAX_LIST;
                p = reveal(p + 16)) {
            out.add(p);
        }
        return out;
    }

    /** The chunks of bin {@code i} (1 = unsorted), following fd from the head. */
    List<Long> binList(int i) {
        List<Long> out = new ArrayList<>();
        long bin = binAt(i);
        for (long p = as.readLong(bin + 16); p != bin && out.size() < MAX_LIST; p = as.readLong(p + 16)) {
            out.add(p);
        }
        return out;
    }

    /** Where each free chunk is, by chunk address: "tcache", "fastbin", "unsorted", "smallbin 2"... */
    Map<Long, String> binOf() {
        Map<Long, String> where = new LinkedHashMap<>();
        for (int i = 0; i < TCACHE_BINS; i++) {
            for (long e : tcacheList(i)) {
                where.put(e - 16, "tcache");
            }
        }
        for (int i = 0; i < NFASTBINS; i++) {
            for (long p : fastbinList(i)) {
                where.put(p, "fastbin");
            }
        }
        for (int i = 1; i < NBINS; i++) {
            for (long p : binList(i)) {
                where.put(p, i == 1 ? "unsorted" : (i < 64 ? "smallbin " : "largebin ") + i);
            }
        }
        return where;
    }

    /**
     * Every non-empty list, one line each, as pwndbg's {@code bins} prints them:
     * {@code tcache 0x20 [2]: 0x5555555592a0 → 0x5555555592c0}.
     */
    List<String> bins() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < TCACHE_BINS; i++) {
            List<Long> l = tcacheList(i);
            if (!l.isEmpty()) {
                out.add(String.format(Locale.ROOT, "tcache   %-6s [%d]: %s", hex(0x20 + 16L * i), tcacheCount(i),
                        chain(l)));
            }
        }
        for (int i = 0; i < NFASTBINS; i++) {
            List<Long> l = fastbinList(i);
            if (!l.isEmpty()) {
                out.add(String.format(Locale.ROOT, "fastbin  %-6s    : %s", hex(0x20 + 16L * i), chain(l)));
            }
        }
        for (int i = 1; i < NBINS; i++) {
            List<Long> l = binList(i);
            if (!l.isEmpty()) {
                String name = i == 1 ? "unsorted" : (i < 64 ? "small" : "large") + "[" + i + "]";
                out.add(String.format(Locale.ROOT, "%-16s   : %s", name, chain(l)));
            }
        }
        if (out.isEmpty()) {
            out.add("(every bin is empty)");
        }
        return out;
    }

    /** A list head first; past three entries only the first two and the last, to fit 90 columns. */
    private static String chain(List<Long> l) {
        if (l.size() > 3) {
            return hex(l.get(0)) + " → " + hex(l.get(1)) + " → … → " + hex(l.get(l.size() - 1));
        }
        StringBuilder sb = new StringBuilder();
        for (long v : l) {
            sb.append(sb.length() == 0 ? "" : " → ").append(hex(v));
        }
        return sb.toString();
    }

    /**
     * The chunks from {@code from} up to and including the top chunk, one line each:
     * address, prev_size, size field, the A|M|P flags and where the chunk is.
     */
    List<String> chunks(long from) {
        List<String> out = new ArrayList<>();
        out.add("chunk            prev_size  size field  size    A M P  state");
        Map<Long, String> where = binOf();
        long top = top();
        for (long p = from; ; p += size(p)) {
            long field = sizeField(p);
            String state;
            if (p == top) {
                state = "top chunk";
            } else if (where.containsKey(p)) {
                state = "free, in " + where.get(p);
            } else {
                state = (sizeField(p + size(p)) & 1) != 0 ? "in use" : "free";
            }
            out.add(String.format(Locale.ROOT, "%-16s %-10s %-11s %-7s %d %d %d  %s", hex(p),
                    hex(as.readLong(p)), hex(field), hex(field & ~7L), field >>> 2 & 1, field >>> 1 & 1,
                    field & 1, state));
            if (p == top || size(p) == 0) {
                break;
            }
        }
        return out;
    }

    /** {@code words} 8-byte words from {@code from}, two a line, as gdb's {@code x/4gx}. */
    List<String> dump(long from, int words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words; i += 2) {
            long a = from + 8L * i;
            out.add(String.format(Locale.ROOT, "%s:  0x%016x  0x%016x", hex(a), as.readLong(a), as.readLong(a + 8)));
        }
        return out;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
