package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replays random call traces and compares every returned pointer, usable size, mallinfo2 and
 * malloc_stats with what glibc 2.36 (Debian 12, x86-64) produced for the same trace under
 * {@code setarch -R}. The {@code .glibc} files are real output of the C replayers kept next to them
 * ({@code replay.c.txt}, {@code treplay.c.txt}: no stdio, so the replayer itself allocates nothing).
 *
 * <pre>
 *  trace lines:  m id size | f id | r id size | c id n size | a id align size | t pad | o param value
 *                (threads.trace prefixes each line with the thread number; "x" = the thread exits)
 *  output:       id h+OFF usable   heap chunk, OFF from the initial break (brk(0) before any malloc)
 *                id m+OFF usable   mmapped chunk, OFF from the start of its mapping
 *                id aK+OFF usable  chunk of a thread arena, OFF from its 64 MiB-aligned heap K
 * </pre>
 */
class GlibcGoldenTraceTest {
    private final NaiveAddressSpace as = new NaiveAddressSpace();
    private final long base = as.brk(0);
    private final Ptmalloc main = new Ptmalloc(as);
    private final Map<Long, Long> ptr = new HashMap<>();
    private final List<Long> heaps = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = GlibcGoldenTraceTest.class.getResourceAsStream("golden/" + name)) {
            assertThat(in).as("resource golden/%s", name).isNotNull();
            return List.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        }
    }

    @Test
    void mixedTraceGivesGlibcsPointers() throws IOException {
        replaySingle("mixed");
    }

    @Test
    void traceWithMalloptSettingsGivesGlibcsPointers() throws IOException {
        replaySingle("mallopt");
    }

    @Test
    void threeThreadTraceWithThreadExitsGivesGlibcsPointersAndStats() throws IOException {
        replayThreads("threads");
    }

    @Test
    void aThreadArenaOutgrowingIts64MiBHeapChainsASecondHeapAndTrimsItAway() throws IOException {
        // 900 x 100000 bytes in thread 2: the first heap fills at 64 MiB, sysmalloc makes a new heap
        // (the old top's remnant is freed into the tcache); freeing everything deletes the second heap
        replayThreads("arena-heaps");
    }

    private void replayThreads(String name) throws IOException {
        // Real pthread_create callocs the new thread's DTV (17 * 16 bytes, a 0x120 chunk) in the
        // creating (main) thread's arena, unless the stack of an exited thread is reused with its
        // DTV: the replay does the same calloc so that the heaps line up.
        Set<Integer> running = new HashSet<>();
        int cachedStacks = 0;
        for (String line : resource(name + ".trace")) {
            String[] t = line.trim().split("\\s+");
            int th = Integer.parseInt(t[0]);
            if (t[1].equals("x")) {
                if (running.remove(th)) {
                    main.thread(th).threadExit();
                    cachedStacks++;
                }
                continue;
            }
            if (th != 1 && running.add(th)) {
                if (cachedStacks > 0) {
                    cachedStacks--;
                } else {
                    main.calloc(17, 16);
                }
            }
            apply(th == 1 ? main : main.thread(th), t, 1);
        }
        finish();
        out.append(main.mallocStats());
        compare(name);
    }

    private void replaySingle(String name) throws IOException {
        for (String line : resource(name + ".trace")) {
            apply(main, line.trim().split("\\s+"), 0);
        }
        finish();
        out.append("brk h+0x").append(Long.toHexString(as.brk(0) - base)).append('\n');
        compare(name);
    }

    private void apply(Ptmalloc pm, String[] t, int k) {
        long id = Long.parseLong(t[k + 1]);
        switch (t[k]) {
            case "m":
                ptr.put(id, pm.malloc(arg(t, k, 2)));
                report(pm, id, ptr.get(id));
                break;
            case "f":
                pm.free(ptr.getOrDefault(id, 0L));
                ptr.put(id, 0L);
                break;
            case "r":
                ptr.put(id, pm.realloc(ptr.getOrDefault(id, 0L), arg(t, k, 2)));
                report(pm, id, ptr.get(id));
                break;
            case "c":
                ptr.put(id, pm.calloc(arg(t, k, 2), arg(t, k, 3)));
                report(pm, id, ptr.get(id));
                break;
            case "a":
                ptr.put(id, pm.memalign(arg(t, k, 2), arg(t, k, 3)));
                report(pm, id, ptr.get(id));
                break;
            case "t":
                out.append("trim ").append(pm.mallocTrim(id) ? 1 : 0).append('\n');
                break;
            case "o":
                out.append("mallopt ").append(pm.mallopt((int) id, arg(t, k, 2)) ? 1 : 0).append('\n');
                break;
            default:
                throw new AssertionError("unknown trace op " + t[k]);
        }
    }

    private static long arg(String[] t, int k, int i) {
        return Long.parseLong(t[k + i]);
    }

    private void report(Ptmalloc pm, long id, long p) {
        out.append(id).append(' ');
        if (p == 0) {
            out.append("0\n");
            return;
        }
        if (pm.isMmapped(p)) {
            out.append("m+0x").append(Long.toHexString(p - pm.mappingStart(p)));
        } else if ((as.readLong(p - 8) & 4) != 0) {
            long heap = p & -(64L << 20);
            if (!heaps.contains(heap)) {
                heaps.add(heap);
            }
            out.append('a').append(heaps.indexOf(heap)).append("+0x").append(Long.toHexString(p - heap));
        } else {
            out.append("h+0x").append(Long.toHexString(p - base));
        }
        out.append(' ').append(pm.mallocUsableSize(p)).append('\n');
    }

    private void finish() {
        Mallinfo2 mi = main.mallinfo2();
        out.append("mi ").append(mi.arena()).append(' ').append(mi.ordblks()).append(' ').append(mi.smblks())
                .append(' ').append(mi.hblks()).append(' ').append(mi.hblkhd()).append(' ').append(mi.fsmblks())
                .append(' ').append(mi.uordblks()).append(' ').append(mi.fordblks()).append(' ')
                .append(mi.keepcost()).append('\n');
    }

    private void compare(String name) throws IOException {
        List<String> expected = resource(name + ".glibc");
        String[] actual = out.toString().split("\n");
        for (int i = 0; i < Math.min(expected.size(), actual.length); i++) {
            assertThat(actual[i]).as("%s: output line %d (glibc 2.36 printed \"%s\")", name, i + 1, expected.get(i))
                    .isEqualTo(expected.get(i));
        }
        assertThat(actual.length).as("%s: number of output lines", name).isEqualTo(expected.size());
    }
}
