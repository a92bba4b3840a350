package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Randomized invariants over thousands of malloc/free/realloc/calloc/memalign calls per seed (fixed
 * seeds, printed in every failure): live blocks never overlap, every pointer is 16-byte aligned (and
 * aligned as memalign asked), the usable size covers the request, contents survive realloc, calloc
 * returns zeros. One variant spreads the calls over three threads (three arenas).
 */
class PtmallocPropertiesTest {
    private static final int OPS = 4000;

    private record Block(long ptr, long size, long tag) {
    }

    @TestFactory
    Stream<DynamicTest> liveBlocksNeverOverlapAndKeepTheirContents() {
        return LongStream.of(1, 2, 3, 42).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed,
                () -> run(seed, 1)));
    }

    @TestFactory
    Stream<DynamicTest> theSameHoldsWithThreeThreads() {
        return LongStream.of(7, 8).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed, 3)));
    }

    private static long size(SplittableRandom r) {
        double x = r.nextDouble();
        if (x < 0.6) {
            return r.nextLong(0, 257);
        } else if (x < 0.85) {
            return r.nextLong(257, 1500);
        } else if (x < 0.97) {
            return r.nextLong(1500, 20000);
        }
        return r.nextLong(20000, 300000);
    }

    private static void run(long seed, int threads) {
        NaiveAddressSpace as = new NaiveAddressSpace();
        Ptmalloc main = new Ptmalloc(as);
        Ptmalloc[] views = new Ptmalloc[threads];
        for (int t = 0; t < threads; t++) {
            views[t] = t == 0 ? main : main.thread(t + 1);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Block> live = new ArrayList<>();
        TreeMap<Long, Long> spans = new TreeMap<>();
        long[] mmapped = {0};
        for (int op = 0; op < OPS; op++) {
            String where = "seed " + seed + ", op " + op;
            Ptmalloc pm = views[r.nextInt(threads)];
            double x = r.nextDouble();
            if (!live.isEmpty() && x < 0.42) {
                Block b = live.remove(r.nextInt(live.size()));
                verify(as, b, b.size, where);
                spans.remove(b.ptr);
                pm.free(b.ptr);
            } else if (!live.isEmpty() && x < 0.55) {
                int i = r.nextInt(live.size());
                Block b = live.get(i);
                long n = size(r);
                spans.remove(b.ptr);
                long q = pm.realloc(b.ptr, n);
                if (n == 0) {
                    assertThat(q).as(where + ": realloc(p, 0) frees").isZero();
                    live.remove(i);
                    continue;
                }
                Block nb = new Block(q, n, b.tag);
                // the old block's probes, now at q, up to the smaller size
                verify(as, new Block(q, b.size, b.tag), Math.min(b.size, n), where + " (realloc " + b.size + " -> " + n + ")");
                check(pm, spans, q, n, 16, where);
                fill(as, nb);
                live.set(i, nb);
            } else {
                long n = size(r);
                long p;
                long align = 16;
                if (x < 0.62) {
                    long count = 1 + r.nextInt(4);
                    n = Math.max(1, n / count) * count;
                    p = pm.calloc(count, n / count);
                    for (long off : probes(n)) {
                        assertThat(as.readByte(p + off)).as("%s: calloc byte %d of %d", where, off, n).isZero();
                    }
                } else if (x < 0.68) {
                    align = 1L << (4 + r.nextInt(9)); // 16 .. 4096
                    p = pm.memalign(align, n);
                } else {
                    p = pm.malloc(n);
                }
                check(pm, spans, p, n, align, where);
                mmapped[0] += pm.isMmapped(p) ? 1 : 0;
                Block b = new Block(p, n, r.nextLong());
                fill(as, b);
                live.add(b);
            }
        }
        for (Block b : live) {
            verify(as, b, b.size, "seed " + seed + ", final");
        }
        Mallinfo2 mi = main.mallinfo2();
        assertThat(mmapped[0]).as("seed %d: some requests were mmapped", seed).isPositive();
        assertThat(mi.uordblks() + mi.fordblks()).as("seed %d: in use + free = system bytes", seed)
                .isEqualTo(mi.arena());
    }

    private static void check(Ptmalloc pm, TreeMap<Long, Long> spans, long p, long n, long align, String where) {
        assertThat(p).as("%s: allocation of %d failed", where, n).isNotZero();
        assertThat(p % align).as("%s: %#x aligned to %d", where, p, align).isZero();
        long usable = pm.mallocUsableSize(p);
        assertThat(usable).as("%s: usable size of %#x", where, p).isGreaterThanOrEqualTo(n);
        long end = p + Math.max(usable, 1);
        Map.Entry<Long, Long> below = spans.floorEntry(p);
        Map.Entry<Long, Long> above = spans.ceilingEntry(p);
        assertThat(below == null || below.getValue() <= p)
                .as("%s: [%#x, %#x) overlaps block at %#x", where, p, end, below == null ? 0 : below.getKey()).isTrue();
        assertThat(above == null || above.getKey() >= end)
                .as("%s: [%#x, %#x) overlaps block at %#x", where, p, end, above == null ? 0 : above.getKey()).isTrue();
        spans.put(p, end);
    }

    /** Offsets probed in a block of n bytes: the first and last byte and a few in between. */
    private static long[] probes(long n) {
        if (n == 0) {
            return new long[0];
        }
        return LongStream.of(0, n / 3, n / 2, n - 1).distinct().toArray();
    }

    private static byte expected(Block b, long off) {
        return (byte) (b.tag ^ (off * 0x9e3779b97f4a7c15L >>> 56));
    }

    private static void fill(NaiveAddressSpace as, Block b) {
        for (long off : probes(b.size)) {
            as.writeByte(b.ptr + off, expected(b, off));
        }
    }

    private static void verify(NaiveAddressSpace as, Block b, long upTo, String where) {
        for (long off : probes(b.size)) {
            if (off < upTo) {
                assertThat(as.readByte(b.ptr + off)).as("%s: byte %d of block %#x", where, off, b.ptr)
                        .isEqualTo(expected(b, off));
            }
        }
    }
}
