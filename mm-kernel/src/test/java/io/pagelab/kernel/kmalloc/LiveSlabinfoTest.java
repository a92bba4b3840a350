package io.pagelab.kernel.kmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pagelab.api.Gfp;
import io.pagelab.kernel.slub.SlubCache;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/slabinfo rendered from live caches, checked column by column and, where possible, read by slabtop. */
class LiveSlabinfoTest {
    /**
     * One cache line as mm/slab_common.c cache_show() prints it (linux-reference §4.7):
     * "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu". A number
     * field is its width of right-aligned digits (or more digits when it overflows).
     */
    private static final Pattern LINE = Pattern.compile("(\\S.{16,}?) ( {0,5}\\d+) ( {0,5}\\d+) ( {0,5}\\d+)"
            + " ( {0,3}\\d+) ( {0,3}\\d+) : tunables ( {0,3}\\d+) ( {0,3}\\d+) ( {0,3}\\d+)"
            + " : slabdata ( {0,5}\\d+) ( {0,5}\\d+) ( {0,5}\\d+)");

    private KernelHeap heap;

    @BeforeEach
    void load() {
        heap = KernelHeap.boot(7);
        SplittableRandom rnd = new SplittableRandom(7);
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            live.add(heap.kmalloc.kmalloc(1 + rnd.nextInt(8192), Gfp.GFP_KERNEL));
        }
        for (int i = 0; i < live.size(); i += 3) {
            heap.kmalloc.kfree(live.get(i)); // leave partial slabs behind
        }
    }

    @Test
    void everyColumnOfEveryLineFollowsTheKernelFormatAndTheLiveCounts() {
        String text = heap.slabs.procSlabinfo();
        String[] lines = text.split("\n", -1);
        assertThat(lines[0]).isEqualTo("slabinfo - version: 2.1");
        assertThat(lines[1]).isEqualTo("# name            <active_objs> <num_objs> <objsize> <objperslab>"
                + " <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
                + " <num_slabs> <sharedavail>");
        assertThat(lines[lines.length - 1]).as("the file ends with a newline").isEmpty();
        Map<String, SlubCache> byName = new HashMap<>();
        for (SlubCache c : heap.slabs.caches()) {
            byName.put(c.name(), c);
        }
        assertThat(lines.length - 3).isEqualTo(byName.size());
        for (int i = 2; i < lines.length - 1; i++) {
            Matcher m = LINE.matcher(lines[i]);
            assertThat(m.matches()).as("line %s matches the cache_show format: '%s'", i, lines[i]).isTrue();
            String name = m.group(1).trim();
            assertThat(m.group(1)).as("%-17s: the name padded to 17").hasSizeGreaterThanOrEqualTo(17);
            SlubCache c = byName.get(name);
            assertThat(c).as("a live cache named %s", name).isNotNull();
            long active = num(m, 2);
            long objs = num(m, 3);
            long slabs = num(m, 11);
            int perSlab = (int) num(m, 5);
            assertThat(num(m, 4)).as("%s objsize = s->size", name).isEqualTo(c.kmemCache().layout().size());
            assertThat(perSlab).as("%s objperslab", name).isEqualTo(c.kmemCache().layout().objects());
            assertThat(num(m, 6)).as("%s pagesperslab", name).isEqualTo(1L << c.kmemCache().layout().order());
            assertThat(num(m, 7) + num(m, 8) + num(m, 9)).as("SLUB has no tunables").isZero();
            assertThat(num(m, 10)).as("%s active_slabs == num_slabs under SLUB", name).isEqualTo(slabs);
            assertThat(num(m, 12)).as("sharedavail").isZero();
            assertThat(slabs).as("%s num_slabs", name).isEqualTo(c.slabCount());
            assertThat(objs).as("%s num_objs = num_slabs x objperslab", name).isEqualTo(slabs * perSlab);
            // get_slabinfo: active = num_objs - free objects on the node partial list
            assertThat(active).as("%s active_objs", name).isEqualTo(objs - c.freeObjectsOnNode());
            assertThat(active).as("%s: objects in use are active", name).isGreaterThanOrEqualTo(c.activeObjects());
        }
    }

    private static long num(Matcher m, int group) {
        return Long.parseLong(m.group(group).trim());
    }

    @Test
    void theRealSlabtopReadsTheRenderedFile(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(new File("/usr/bin/slabtop").canExecute() || onPath("slabtop"),
                "procps slabtop is not installed (Debian package procps)");
        assumeTrue(onPath("unshare"), "unshare (util-linux) is not installed");
        Path file = dir.resolve("slabinfo");
        Files.writeString(file, heap.slabs.procSlabinfo(), StandardCharsets.US_ASCII);
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount --bind \"$1\" /proc/slabinfo && exec slabtop --once", "sh", file.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assumeTrue(p.waitFor(20, TimeUnit.SECONDS), "slabtop did not finish in 20 s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.exitValue() == 0, "this machine does not allow a private mount namespace with /proc/slabinfo"
                + " bind-mounted (needs root and unshare -m): " + out.strip());
        int rows = 0;
        for (SlubCache c : heap.slabs.caches()) {
            if (c.slabCount() == 0) {
                continue;
            }
            var r = c.slabinfo();
            // linux-reference §4.8: OBJS ACTIVE USE OBJ-SIZE SLABS OBJ/SLAB CACHE-SIZE NAME
            // OBJ SIZE is C's printf("%.2f") of objsize / 1024.0: exact binary halves round to even (0.125 -> 0.12)
            String size = new java.math.BigDecimal(r.objsize() / 1024.0).setScale(2, java.math.RoundingMode.HALF_EVEN)
                    .toPlainString();
            String expected = String.format("%d %d %d%% %sK %d %d %dK %s", r.numObjs(), r.activeObjs(),
                    r.activeObjs() * 100 / r.numObjs(), size, r.numSlabs(), r.objperslab(),
                    r.cacheSizeKib(), r.name());
            assertThat(out.lines().map(l -> l.trim().replaceAll("\\s+", " ")))
                    .as("slabtop shows %s as %s in:%n%s", r.name(), expected, out).contains(expected);
            rows++;
        }
        assertThat(rows).isPositive();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (new File(d, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
