package io.pagelab.userspace.malloclab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates pagelab's own malloc-lab traces, each aimed at one part of an allocator (ptmalloc2's
 * tcache, fastbins, unsorted/small/large bins, top chunk, mmap threshold). The bundled
 * {@code traces/*.rep} files are this class's output (a test keeps them in sync); run
 * {@link #main} to rewrite them. Every random choice comes from a fixed seed, so the traces and
 * the glibc fixtures captured from them never change by accident.
 */
public final class TraceSuite {
    /** The seed of every generated trace; {@code random.rep} is {@link #random(long)} with it. */
    public static final long SEED = 20260407L;

    private TraceSuite() {
    }

    /** The generated traces, in suite order ({@code short.rep} is written by hand, not here). */
    public static List<RepTrace> generated() {
        List<RepTrace> all = new ArrayList<>();
        all.add(small(SEED));
        all.add(realloc(SEED));
        all.add(coalesce(SEED));
        all.add(binary(SEED));
        all.add(random(SEED));
        all.add(large(SEED));
        all.add(largebins(SEED));
        all.add(mixed(SEED));
        return all;
    }

    /**
     * Small requests, 1 to 128 bytes, mostly under 25 (tcache and fastbin sizes): random
     * malloc/free with up to 400 blocks live.
     */
    public static RepTrace small(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TraceBuilder t = new TraceBuilder();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            if (live.isEmpty() || (live.size() < 400 && rnd.nextInt(100) < 55)) {
                long size = rnd.nextInt(100) < 70 ? rnd.nextInt(1, 25) : rnd.nextInt(25, 129);
                live.add(t.malloc(size));
            } else {
                t.free(live.remove(rnd.nextInt(live.size())));
            }
        }
        t.freeAll();
        return t.build("small.rep");
    }

    /**
     * Realloc-heavy: four blocks grow in steps of 16 to 400 bytes (now and then shrinking) while
     * small blockers are allocated next to them, so a realloc sometimes grows in place into the
     * top chunk or a free neighbour and sometimes has to move.
     */
    public static RepTrace realloc(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        TraceBuilder t = new TraceBuilder();
        int[] grow = new int[4];
        for (int i = 0; i < grow.length; i++) {
            grow[i] = t.malloc(rnd.nextInt(1, 200));
        }
        List<Integer> blockers = new ArrayList<>();
        for (int step = 0; step < 900; step++) {
            int g = grow[rnd.nextInt(grow.length)];
            long size = t.sizeOf(g);
            long next = rnd.nextInt(100) < 12 ? Math.max(1, size - rnd.nextInt(16, 600)) : size + rnd.nextInt(16, 401);
            if (next > 60_000) {
                next = rnd.nextInt(100, 2000);
            }
            t.realloc(g, next);
            int roll = rnd.nextInt(100);
            if (roll < 55) {
                blockers.add(t.malloc(rnd.nextInt(8, 160)));
            } else if (roll < 85 && !blockers.isEmpty()) {
                t.free(blockers.remove(rnd.nextInt(blockers.size())));
            }
        }
        t.freeAll();
        return t.build("realloc.rep");
    }

    /**
     * Coalescing: runs of adjacent chunks too big for the tcache are freed every other one (no
     * merging), then the rest (each free merges with both neighbours); fastbin-sized chunks beyond
     * the tcache's seven are freed and then consolidated by a large request and by freeing a chunk
     * over FASTBIN_CONSOLIDATION_THRESHOLD (64 KiB); freeing the top trims the heap.
     */
    public static RepTrace coalesce(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 2);
        TraceBuilder t = new TraceBuilder();
        for (int round = 0; round < 6; round++) {
            List<Integer> run = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                run.add(t.malloc(rnd.nextInt(1040, 4097)));
            }
            for (int i = round % 2; i < run.size(); i += 2) {
                t.free(run.get(i));
            }
            for (int i = 0; i < 20; i++) {
                t.malloc(rnd.nextInt(1040, 8193));
            }
            for (int i = 1 - round % 2; i < run.size(); i += 2) {
                t.free(run.get(i));
            }
            List<Integer> small = new ArrayList<>();
            List<Integer> big = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                small.add(t.malloc(rnd.nextInt(24, 73)));
                big.add(t.malloc(rnd.nextInt(1100, 1500)));
            }
            for (int i = 0; i < 25; i++) {
                t.free(small.get(i));
            }
            t.malloc(rnd.nextInt(2000, 3000));
            for (int i = 0; i < 30; i += 3) {
                t.free(big.get(i));
            }
            int huge = t.malloc(70_000 + rnd.nextInt(0, 4096));
            for (int i = 25; i < 30; i++) {
                t.free(small.get(i));
            }
            t.free(huge);
            int[] ids = t.liveIds();
            for (int i = ids.length - 1; i >= 0; i--) {
                if (rnd.nextInt(100) < 70) {
                    t.free(ids[i]);
                }
            }
        }
        int[] ids = t.liveIds();
        for (int i = ids.length - 1; i >= 0; i--) {
            t.free(ids[i]);
        }
        return t.build("coalesce.rep");
    }

    /**
     * Powers of two: pairs of a small 2^a and a large 2^b block, then every small block is freed
     * and blocks of 2^(b+1) are requested, which cannot reuse the holes (each payload of 2^k
     * needs a chunk of 2^k + 16), the classic fragmentation pattern of CS:APP's binary traces.
     */
    public static RepTrace binary(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 3);
        TraceBuilder t = new TraceBuilder();
        for (int round = 0; round < 4; round++) {
            int a = rnd.nextInt(3, 8);
            int b = rnd.nextInt(8, 12);
            List<Integer> small = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                small.add(t.malloc(1L << a));
                t.malloc(1L << b);
            }
            for (int id : small) {
                t.free(id);
            }
            for (int i = 0; i < 120; i++) {
                t.malloc(1L << (b + 1));
            }
            int[] ids = t.liveIds();
            for (int i = 0; i < ids.length; i++) {
                if (i % 3 != round % 3) {
                    t.free(ids[i]);
                }
            }
        }
        t.freeAll();
        return t.build("binary.rep");
    }

    /**
     * Random: 8000 calls, sizes log-uniform from 1 byte to 64 KiB, one in ten a realloc, up to
     * 1000 blocks live, all from {@code seed}.
     */
    public static RepTrace random(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TraceBuilder t = new TraceBuilder();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < 8000; i++) {
            int roll = rnd.nextInt(100);
            if (live.isEmpty() || (live.size() < 1000 && roll < 50)) {
                live.add(t.malloc(logUniform(rnd, 1 << 16)));
            } else if (roll < 60) {
                t.realloc(live.get(rnd.nextInt(live.size())), logUniform(rnd, 1 << 16));
            } else {
                t.free(live.remove(rnd.nextInt(live.size())));
            }
        }
        t.freeAll();
        return t.build("random.rep");
    }

    /**
     * Large requests around the mmap threshold: 128 KiB exactly at the boundary (a request of
     * 131048 bytes needs a 131056-byte chunk, below DEFAULT_MMAP_THRESHOLD; 131064 needs 131072,
     * at it), frees of mmapped chunks that raise the dynamic threshold (so the same size then
     * comes from the heap), 40 MiB above DEFAULT_MMAP_THRESHOLD_MAX (32 MiB, never raises it),
     * reallocs of mmapped chunks (mremap) and of heap chunks across the threshold, then random
     * sizes from 32 KiB to 1.5 MiB.
     */
    public static RepTrace large(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 5);
        TraceBuilder t = new TraceBuilder();
        int below = t.malloc(131_048);
        int at = t.malloc(131_064);
        int above = t.malloc(131_073);
        t.free(at);
        int again = t.malloc(131_064);
        t.free(above);
        t.free(below);
        int mega = t.malloc(1 << 20);
        t.free(mega);
        int half = t.malloc(512 << 10);
        int mega2 = t.malloc(1 << 20);
        t.free(half);
        int huge = t.malloc(40 << 20);
        t.realloc(huge, 41 << 20);
        t.realloc(huge, 3000);
        t.free(huge);
        int big = t.malloc(2 << 20);
        t.realloc(big, 3 << 20);
        t.realloc(big, 100_000);
        int grow = t.malloc(100_000);
        t.realloc(grow, 900_000);
        t.realloc(grow, 2_500_000);
        t.free(mega2);
        t.free(again);
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            if (live.isEmpty() || (live.size() < 24 && rnd.nextInt(100) < 50)) {
                live.add(t.malloc(rnd.nextInt(100) < 20 ? rnd.nextInt(1, 4096) : logUniform(rnd, 3 << 19) + (32 << 10)));
            } else if (rnd.nextInt(100) < 15) {
                t.realloc(live.get(rnd.nextInt(live.size())), logUniform(rnd, 3 << 19) + (32 << 10));
            } else {
                t.free(live.remove(rnd.nextInt(live.size())));
            }
        }
        t.freeAll();
        return t.build("large.rep");
    }

    /**
     * Large bins: a few hundred chunks of 1 KiB to 100 KiB (many of equal size) separated by small
     * guards so that they cannot merge, freed in random order (through the unsorted bin into the
     * size-sorted large bins with their fd_nextsize skip lists), then requests that must find the
     * best fit, split it and leave a last remainder that later small requests are carved from.
     */
    public static RepTrace largebins(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 7);
        TraceBuilder t = new TraceBuilder();
        long[] favourites = {1100, 2048, 5000, 12_000, 40_000};
        for (int round = 0; round < 3; round++) {
            List<Integer> big = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                long size = rnd.nextInt(100) < 40 ? favourites[rnd.nextInt(favourites.length)]
                        : rnd.nextInt(1024, 100 << 10);
                big.add(t.malloc(size));
                t.malloc(rnd.nextInt(1, 24)); // guard: keeps neighbours from coalescing
            }
            while (!big.isEmpty()) {
                t.free(big.remove(rnd.nextInt(big.size())));
            }
            for (int i = 0; i < 60; i++) {
                t.malloc(rnd.nextInt(100) < 50 ? favourites[rnd.nextInt(favourites.length)] - rnd.nextInt(0, 64)
                        : rnd.nextInt(900, 60_000));
                for (int k = rnd.nextInt(0, 4); k > 0; k--) {
                    t.malloc(rnd.nextInt(100, 1000)); // small: from the last remainder
                }
            }
            int[] ids = t.liveIds();
            for (int i = 0; i < ids.length; i++) {
                if (rnd.nextInt(100) < 60) {
                    t.free(ids[i]);
                }
            }
        }
        t.freeAll();
        return t.build("largebins.rep");
    }

    /**
     * A program's life: 12000 calls in three phases (growing, steady, shrinking) mixing 70% small
     * (tcache) requests, 20% medium (1-16 KiB), 10% large (16-320 KiB, across the moving mmap
     * threshold) and reallocs of all of them.
     */
    public static RepTrace mixed(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 11);
        TraceBuilder t = new TraceBuilder();
        List<Integer> live = new ArrayList<>();
        int calls = 12_000;
        for (int i = 0; i < calls; i++) {
            int phase = 3 * i / calls;
            int allocPercent = phase == 0 ? 70 : phase == 1 ? 50 : 25;
            int roll = rnd.nextInt(100);
            if (live.isEmpty() || roll < allocPercent) {
                live.add(t.malloc(mixedSize(rnd)));
            } else if (roll < allocPercent + 8) {
                t.realloc(live.get(rnd.nextInt(live.size())), mixedSize(rnd));
            } else {
                t.free(live.remove(rnd.nextInt(live.size())));
            }
        }
        t.freeAll();
        return t.build("mixed.rep");
    }

    private static long mixedSize(SplittableRandom rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 70) {
            return rnd.nextInt(1, 513);
        }
        return kind < 90 ? rnd.nextInt(1024, 16 << 10) : rnd.nextInt(16 << 10, 320 << 10);
    }

    private static long logUniform(SplittableRandom rnd, int max) {
        return Math.max(1, Math.min(max, (long) Math.exp(rnd.nextDouble() * Math.log(max))));
    }

    /** Writes the generated traces into the directory given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TraceSuite DIR   (writes small.rep, realloc.rep ... into DIR)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (RepTrace trace : generated()) {
            Files.writeString(dir.resolve(trace.name()), trace.toRep(), StandardCharsets.US_ASCII);
        }
    }
}
