package io.pagelab.hardware.tlb;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hierarchy of set-associative translation lookaside buffers tagged with PCIDs, as the Intel
 * SDM vol. 3A §4.10 describes them and Linux drives them from arch/x86/mm/tlb.c (Linux 6.x):
 *
 * <pre>
 *  lookup(va, pcid):  for each level (L1, L2...), for each array holding a page size s:
 *                        set = (va &gt;&gt; shift(s)) mod sets ; compare the ways' tags
 *                        hit if tag == va &gt;&gt; shift(s), same size, and (pcid equal or entry global)
 *                     a hit below L1 is copied up into L1; no hit anywhere = miss (the MMU walks)
 *  fill(va, pcid, t): into every level's array for t's page size, replacing the least recently
 *                     used way of the set
 *
 *  one array:   set 0: [tag|pcid|word|lru] [way 1] ... [way W-1]
 *               set 1: ...                  (entries = sets * ways, parallel primitive arrays)
 * </pre>
 *
 * Invalidation follows the instructions: {@link #invalidatePage} is INVLPG (current PCID and global
 * entries) or INVPCID type 0, {@link #flushPcid} a CR3 load or INVPCID type 1,
 * {@link #flushNonGlobal} a CR3 load without PCIDs or INVPCID type 3, {@link #flushAll} a CR4.PGE
 * toggle or INVPCID type 2. Differs from hardware: replacement is exact LRU (real parts use
 * pseudo-LRU), there are no paging-structure caches, and one structure serves data and instruction
 * fetches. Not thread-safe: one per simulated CPU.
 */
public final class Tlb {
    private static final Logger log = LoggerFactory.getLogger(Tlb.class);

    private final TlbConfig config;
    private final Level[] levels;
    private final long[] hits;
    private long misses;
    private long evictions;
    private long clock;

    /** One level: its arrays and, per size code, the array holding that size (or null). */
    private static final class Level {
        final String name;
        final Way[] arrays;
        final Way[] bySize = new Way[4];

        Level(TlbConfig.Level config) {
            name = config.name();
            arrays = new Way[config.arrays().size()];
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = new Way(config.arrays().get(i));
                for (int code : arrays[i].sizeCodes) {
                    bySize[code] = arrays[i];
                }
            }
        }
    }

    /** One set-associative array, as parallel primitive arrays indexed by set * ways + way. */
    private static final class Way {
        final int sets;
        final int ways;
        final int setMask;
        final int[] sizeCodes;
        final long[] tag;
        final int[] pcid;
        final long[] word;
        final long[] lastUse;

        Way(TlbConfig.Array config) {
            sets = config.sets();
            ways = config.ways();
            setMask = Integer.bitCount(sets) == 1 ? sets - 1 : -1;
            sizeCodes = new int[config.pageSizes().size()];
            for (int i = 0; i < sizeCodes.length; i++) {
                sizeCodes[i] = Translation.sizeCodeOf(config.pageSizes().get(i));
            }
            tag = new long[config.entries()];
            pcid = new int[config.entries()];
            word = new long[config.entries()];
            lastUse = new long[config.entries()];
        }

        int firstWay(long vpn) {
            return (setMask >= 0 ? (int) vpn & setMask : (int) Long.remainderUnsigned(vpn, sets)) * ways;
        }
    }

    public Tlb(TlbConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        levels = new Level[config.levels().size()];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = new Level(config.levels().get(i));
        }
        hits = new long[levels.length];
    }

    public TlbConfig config() {
        return config;
    }

    /**
     * The cached translation of {@code va} for {@code pcid}, or 0 on a miss. Counts a hit at the
     * level that answered, or a miss.
     */
    public long lookup(long va, int pcid) {
        for (int l = 0; l < levels.length; l++) {
            for (Way a : levels[l].arrays) {
                for (int code : a.sizeCodes) {
                    long vpn = va >>> Translation.shiftOf(code);
                    int first = a.firstWay(vpn);
                    for (int i = first; i < first + a.ways; i++) {
                        long t = a.word[i];
                        if (t != 0 && a.tag[i] == vpn && Translation.sizeCode(t) == code
                                && (a.pcid[i] == pcid || (t & Translation.GLOBAL) != 0)) {
                            a.lastUse[i] = ++clock;
                            hits[l]++;
                            if (l > 0) {
                                for (int up = 0; up < l; up++) {
                                    insert(levels[up], vpn, code, a.pcid[i], t);
                                }
                            }
                            return t;
                        }
                    }
                }
            }
        }
        misses++;
        return 0;
    }

    /** Caches a translation the page walk produced for {@code va} under {@code pcid}. */
    public void fill(long va, int pcid, long translation) {
        InvalidArgumentException.check((translation & Translation.VALID) != 0,
                "translation %s is not valid: only a completed walk's translation can be cached", translation);
        int code = Translation.sizeCode(translation);
        long vpn = va >>> Translation.shiftOf(code);
        for (Level level : levels) {
            insert(level, vpn, code, pcid, translation);
        }
    }

    private void insert(Level level, long vpn, int code, int pcid, long t) {
        Way a = level.bySize[code];
        if (a == null) {
            return;
        }
        int first = a.firstWay(vpn);
        int victim = -1;
        for (int i = first; i < first + a.ways; i++) {
            long old = a.word[i];
            if (old != 0 && a.tag[i] == vpn && Translation.sizeCode(old) == code
                    && (a.pcid[i] == pcid || ((old & t & Translation.GLOBAL) != 0))) {
                victim = i; // the same page again: replace it in place
                break;
            }
            if (victim < 0 || (a.word[victim] != 0 && (old == 0 || a.lastUse[i] < a.lastUse[victim]))) {
                victim = i;
            }
        }
        if (a.word[victim] != 0 && !(a.tag[victim] == vpn && Translation.sizeCode(a.word[victim]) == code)) {
            evictions++;
            if (log.isTraceEnabled()) {
                log.trace("{} evicts vpn {} pcid {}", level.name, Long.toHexString(a.tag[victim]), a.pcid[victim]);
            }
        }
        a.tag[victim] = vpn;
        a.pcid[victim] = pcid;
        a.word[victim] = t;
        a.lastUse[victim] = ++clock;
    }

    /**
     * Drops the entries of every page size that map {@code va}: those of {@code pcid}, and global
     * ones too when {@code includeGlobal} (INVLPG does; INVPCID type 0 does not).
     */
    public void invalidatePage(long va, int pcid, boolean includeGlobal) {
        for (Level level : levels) {
            for (Way a : level.arrays) {
                for (int code : a.sizeCodes) {
                    long vpn = va >>> Translation.shiftOf(code);
                    int first = a.firstWay(vpn);
                    for (int i = first; i < first + a.ways; i++) {
                        long t = a.word[i];
                        if (t != 0 && a.tag[i] == vpn && Translation.sizeCode(t) == code) {
                            boolean global = (t & Translation.GLOBAL) != 0;
                            if (global ? includeGlobal : a.pcid[i] == pcid) {
                                a.word[i] = 0;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Drops every non-global entry of {@code pcid}. */
    public void flushPcid(int pcid) {
        clear(pcid, false);
        log.debug("TLB flush of PCID {} (non-global entries)", pcid);
    }

    /** Drops every non-global entry of every PCID. */
    public void flushNonGlobal() {
        clear(-1, false);
        log.debug("TLB flush of all non-global entries");
    }

    /** Drops everything, global entries included. */
    public void flushAll() {
        clear(-1, true);
        log.debug("TLB flush of all entries, global ones included");
    }

    private void clear(int pcid, boolean includeGlobal) {
        for (Level level : levels) {
            for (Way a : level.arrays) {
                for (int i = 0; i < a.word.length; i++) {
                    long t = a.word[i];
                    if (t != 0 && (includeGlobal || (t & Translation.GLOBAL) == 0) && (pcid < 0 || a.pcid[i] == pcid)) {
                        a.word[i] = 0;
                    }
                }
            }
        }
    }

    /** Valid entries, all levels together. */
    public int size() {
        int n = 0;
        for (Level level : levels) {
            for (Way a : level.arrays) {
                for (long t : a.word) {
                    n += t != 0 ? 1 : 0;
                }
            }
        }
        return n;
    }

    /** Every valid entry, level by level, array by array, set by set. */
    public List<TlbEntry> entries() {
        List<TlbEntry> out = new ArrayList<>();
        for (Level level : levels) {
            for (Way a : level.arrays) {
                for (int i = 0; i < a.word.length; i++) {
                    long t = a.word[i];
                    if (t != 0) {
                        out.add(new TlbEntry(level.name, a.tag[i] << Translation.shiftOf(Translation.sizeCode(t)),
                                a.pcid[i], t));
                    }
                }
            }
        }
        return out;
    }

    /** Hits at level {@code level} (0 = L1). */
    public long hits(int level) {
        return hits[level];
    }

    /** Lookups no level answered. */
    public long misses() {
        return misses;
    }

    /** A snapshot of the counters. */
    public TlbStats stats() {
        List<String> names = new ArrayList<>();
        List<Long> h = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            names.add(levels[i].name);
            h.add(hits[i]);
        }
        return new TlbStats(names, h, misses, evictions);
    }

    /** Sets every counter to zero; entries stay. */
    public void resetCounters() {
        Arrays.fill(hits, 0);
        misses = 0;
        evictions = 0;
    }

    @Override
    public String toString() {
        return "Tlb[" + size() + " entries; " + stats() + "]";
    }
}
