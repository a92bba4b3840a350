package io.pagelab.hardware.tlb;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The shape of a TLB hierarchy: levels searched in order (L1 first), each made of set-associative
 * arrays that hold translations of given page sizes. A page size may be held by at most one array
 * per level; one array may hold several sizes (Skylake's STLB holds 4 KiB and 2 MiB).
 *
 * <pre>
 *  skylake():  L1 dTLB  4K: 64 entries 4-way   2M: 32 entries 4-way   1G: 4 entries 4-way
 *              L2 STLB  4K+2M: 1536 entries 12-way                    1G: 16 entries 4-way
 *  sets = entries / ways ; set index = (va &gt;&gt; page shift) mod sets
 * </pre>
 *
 * The Skylake figures are those Intel's optimization reference manual gives for the Skylake client
 * data TLBs (quoted from memory, unverified here); the instruction TLB is not modelled.
 *
 * @param levels the levels, searched first to last
 */
public record TlbConfig(List<Level> levels) {

    public TlbConfig {
        levels = List.copyOf(levels);
    }

    /**
     * One set-associative array.
     *
     * @param entries total entries, a multiple of {@code ways}
     * @param ways entries per set (ways == entries: fully associative)
     * @param pageSizes sizes it holds: 0x1000, 0x200000, 0x40000000, 0x400000
     */
    public record Array(int entries, int ways, List<Long> pageSizes) {
        public Array {
            InvalidArgumentException.check(ways >= 1 && entries >= ways && entries % ways == 0,
                    "a TLB array of %s entries and %s ways is not allowed: entries must be a positive multiple of ways",
                    entries, ways);
            pageSizes = List.copyOf(pageSizes);
            InvalidArgumentException.check(!pageSizes.isEmpty(), "a TLB array must hold at least one page size, got %s",
                    pageSizes.size());
            for (long s : pageSizes) {
                Translation.sizeCodeOf(s);
            }
        }

        /** An array holding one page size. */
        public static Array of(int entries, int ways, long pageSize) {
            return new Array(entries, ways, List.of(pageSize));
        }

        /** Number of sets. */
        public int sets() {
            return entries / ways;
        }
    }

    /**
     * One level of the hierarchy.
     *
     * @param name shown in statistics and dumps ("dTLB", "STLB")
     * @param arrays its arrays; no page size in two of them
     */
    public record Level(String name, List<Array> arrays) {
        public Level {
            Objects.requireNonNull(name, "name");
            arrays = List.copyOf(arrays);
            Set<Long> seen = new HashSet<>();
            for (Array a : arrays) {
                for (long s : a.pageSizes()) {
                    InvalidArgumentException.check(seen.add(s),
                            "page size %s is held by two arrays of one TLB level: each size may have one array per level", s);
                }
            }
        }
    }

    private static final long K4 = 4096L;
    private static final long M2 = 2L << 20;
    private static final long G1 = 1L << 30;

    /** Skylake client data TLBs (see the class comment). */
    public static TlbConfig skylake() {
        return new TlbConfig(List.of(
                new Level("dTLB", List.of(Array.of(64, 4, K4), Array.of(32, 4, M2), Array.of(4, 4, G1))),
                new Level("STLB", List.of(new Array(1536, 12, List.of(K4, M2)), Array.of(16, 4, G1)))));
    }

    /**
     * Two levels, each one array holding every page size (4 KiB, 2 MiB, 1 GiB, 4 MiB): the simplest
     * shape for a lesson, for example {@code twoLevel(64, 4, 1536, 12)}.
     */
    public static TlbConfig twoLevel(int l1Entries, int l1Ways, int l2Entries, int l2Ways) {
        List<Long> all = List.of(K4, M2, G1, 4L << 20);
        return new TlbConfig(List.of(new Level("L1", List.of(new Array(l1Entries, l1Ways, all))),
                new Level("L2", List.of(new Array(l2Entries, l2Ways, all)))));
    }

    /** No TLB at all: every translation walks. */
    public static TlbConfig none() {
        return new TlbConfig(List.of());
    }
}
