package io.pagelab.hardware.tlb;

import java.util.List;
import java.util.Locale;

/**
 * Counters of a {@link Tlb} since it was built or last reset.
 *
 * @param levelNames the level names, L1 first
 * @param hits lookups answered by each level
 * @param misses lookups no level could answer
 * @param evictions valid entries pushed out to make room
 */
public record TlbStats(List<String> levelNames, List<Long> hits, long misses, long evictions) {

    public TlbStats {
        levelNames = List.copyOf(levelNames);
        hits = List.copyOf(hits);
    }

    /** All lookups. */
    public long lookups() {
        long n = misses;
        for (long h : hits) {
            n += h;
        }
        return n;
    }

    /** Hits of all levels over lookups, 0 when there were none. */
    public double hitRate() {
        long n = lookups();
        return n == 0 ? 0 : (double) (n - misses) / n;
    }

    /** For example {@code "dTLB hits 95, STLB hits 3, misses 2 (hit rate 98.0%), evictions 0"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levelNames.size(); i++) {
            sb.append(levelNames.get(i)).append(" hits ").append(hits.get(i)).append(", ");
        }
        return sb.append(String.format(Locale.ROOT, "misses %d (hit rate %.1f%%), evictions %d", misses,
                100 * hitRate(), evictions)).toString();
    }
}
