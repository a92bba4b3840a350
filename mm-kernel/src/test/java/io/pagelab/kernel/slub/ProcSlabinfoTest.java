package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.kmalloc.KmallocCaches;
import io.pagelab.kernel.kmalloc.KmallocType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcSlabinfoTest {

    /** The real 6.x sample of linux-reference.md §4.7 (4+ CPUs), stored as a test resource. */
    private static String sample() throws IOException {
        try (InputStream in = ProcSlabinfoTest.class.getResourceAsStream("slabinfo-6x-4cpu.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The numbers of each sample line, read by splitting on blanks (not by the renderer). */
    private static List<SlabinfoRow> rowsOf(String text) {
        List<SlabinfoRow> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("slabinfo") || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            // name active num objsize objperslab pagesperslab : tunables l b s : slabdata active num shared
            rows.add(new SlabinfoRow(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), Long.parseLong(f[14])));
        }
        return rows;
    }

    @Test
    void rendersTheRealSampleByteForByte() throws IOException {
        String real = sample();
        assertThat(ProcSlabinfo.render(rowsOf(real))).isEqualTo(real);
    }

    @Test
    void theHeaderIsVersionTwoPointOne() {
        String empty = ProcSlabinfo.render(List.of());
        assertThat(empty).startsWith("slabinfo - version: 2.1\n# name            <active_objs> <num_objs>")
                .endsWith(" : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
    }

    @Test
    void aLongNamePushesTheColumnsRight() {
        // real line, Raspberry Pi 4, Linux 6.6.60 (raspberrypi/linux issue 6549): 19-character name
        SlabinfoRow r = new SlabinfoRow("skbuff_fclone_cache", 0, 25, 640, 25, 4, 1);
        assertThat(ProcSlabinfo.line(r)).isEqualTo("skbuff_fclone_cache      0     25    640   25    4 : tunables"
                + "    0    0    0 : slabdata      1      1      0");
    }

    @Test
    void rowsBuiltFromLayoutsCarryTheKernelsSlabSizes() {
        // kmalloc-8k of the sample: 40 slabs of 4 objects, 8 pages, everything active
        KmallocCaches caches = new KmallocCaches(SlubParams.defaults(4));
        SlabinfoRow row = SlabinfoRow.of(caches.layout(KmallocType.KMALLOC_NORMAL, 13), 40, 0);
        assertThat(ProcSlabinfo.line(row)).isEqualTo("kmalloc-8k           160    160   8192    4    8 : tunables"
                + "    0    0    0 : slabdata     40     40      0");
        // kmalloc-192: 147 slabs, 3087 objects, 199 free on partial lists -> 2888 active (the sample's line)
        SlabinfoRow k192 = SlabinfoRow.of(caches.layout(KmallocType.KMALLOC_NORMAL, 2), 147, 199);
        assertThat(ProcSlabinfo.line(k192)).isEqualTo("kmalloc-192         2888   3087    192   21    1 : tunables"
                + "    0    0    0 : slabdata    147    147      0");
        // slabtop CACHE SIZE: 147 slabs * 1 page * 4 KiB
        assertThat(k192.cacheSizeKib()).isEqualTo(588);
    }

    @Test
    void moreActiveThanTotalObjectsIsRejected() {
        assertThatThrownBy(() -> new SlabinfoRow("x", 5, 4, 64, 64, 1, 1)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("active_objs 5");
    }
}
