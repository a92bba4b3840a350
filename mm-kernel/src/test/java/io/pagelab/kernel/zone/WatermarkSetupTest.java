package io.pagelab.kernel.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatermarkSetupTest {

    @ParameterizedTest(name = "{0} MB of lowmem -> min_free_kbytes {1}")
    @CsvSource({"16, 512", "32, 724", "64, 1024", "128, 1448", "256, 2048", "512, 2896", "1024, 4096", "2048, 5792",
        "4096, 8192", "8192, 11585", "16384, 16384"})
    void minFreeKbytesFollowsTheTableInTheKernelComment(long megabytes, int expected) {
        // the table above calculate_min_free_kbytes() in mm/page_alloc.c (reference §3.7); its 8192MB
        // row says 11584k, but int_sqrt(8388608 * 16) = 11585 (11585^2 = 134212225 <= 134217728)
        assertThat(WatermarkSetup.calculateMinFreeKbytes(megabytes * 1024)).isEqualTo(expected);
    }

    @Test
    void minFreeKbytesIsClampedTo128And262144() {
        // 4 * sqrt(1024 kB) = 128; 4 * sqrt(512 kB) = 90 -> 128; 4 * sqrt(2^34 kB) = 524288 -> 262144
        assertThat(WatermarkSetup.calculateMinFreeKbytes(1024)).isEqualTo(128);
        assertThat(WatermarkSetup.calculateMinFreeKbytes(512)).isEqualTo(128);
        assertThat(WatermarkSetup.calculateMinFreeKbytes(1L << 34)).isEqualTo(262144);
    }

    @Test
    void intSqrtRoundsDown() {
        assertThat(WatermarkSetup.intSqrt(0)).isZero();
        assertThat(WatermarkSetup.intSqrt(15)).isEqualTo(3);
        assertThat(WatermarkSetup.intSqrt(16)).isEqualTo(4);
        assertThat(WatermarkSetup.intSqrt(Long.MAX_VALUE)).isEqualTo(3037000499L);
        assertThatThrownBy(() -> WatermarkSetup.intSqrt(-1)).isInstanceOf(InvalidArgumentException.class);
    }

    private static Watermarks single(int minFreeKbytes, long managed) {
        return WatermarkSetup.setupPerZoneWmarks(minFreeKbytes, 10, new ZoneType[] {ZoneType.NORMAL},
                new long[] {managed})[0];
    }

    @Test
    void lowAndHighAddAQuarterOfMinWhenThatBeatsTheScaleFactor() {
        // real 6.6 /proc/zoneinfo (reference §3.8): DMA32 managed 496486 min 2687 low 3358 high 4029 and
        // Normal managed 1552266 min 8473 low 10591 high 12709. A lone zone gets all of pages_min, so
        // min_free_kbytes = 4 * min reproduces each min; tmp = max(min / 4, managed * 10 / 10000).
        assertThat(single(4 * 2687, 496486)).isEqualTo(new Watermarks(2687, 3358, 4029, 4700));
        assertThat(single(4 * 8473, 1552266)).isEqualTo(new Watermarks(8473, 10591, 12709, 14827));
    }

    @Test
    void theSeedsOneZoneExampleGivesFiveAndSixQuartersOfMin() {
        // seed-digest App. C: min_free_kbytes 4096, one zone -> min 1024, low 1280, high 1536 (the
        // modern formula agrees while managed * 10 / 10000 < 256, i.e. below 256000 pages)
        assertThat(single(4096, 200000)).isEqualTo(new Watermarks(1024, 1280, 1536, 1792));
    }

    @Test
    void theScaleFactorWidensTheGapsOnLargeZones() {
        // pages_min 1024; tmp = max(1024 >> 2 = 256, 1000000 * 10 / 10000 = 1000) = 1000
        assertThat(single(4096, 1_000_000)).isEqualTo(new Watermarks(1024, 2024, 3024, 4024));
        // watermark_scale_factor 100 (1%): tmp = max(256, 10000)
        assertThat(WatermarkSetup.setupPerZoneWmarks(4096, 100, new ZoneType[] {ZoneType.NORMAL},
                new long[] {1_000_000})[0]).isEqualTo(new Watermarks(1024, 11024, 21024, 31024));
    }

    @Test
    void zonesShareMinInProportionToTheirSize() {
        // pages_min 8000 >> 2 = 2000 over 1000000 lowmem pages: DMA32 600, Normal 1400; the empty
        // Movable zone gets clamp(0 / 1024, 32, 128) = 32 as in the real sample (reference §3.8)
        Watermarks[] w = WatermarkSetup.setupPerZoneWmarks(8000, 10,
                new ZoneType[] {ZoneType.DMA32, ZoneType.NORMAL, ZoneType.MOVABLE}, new long[] {300000, 700000, 0});
        assertThat(w[0]).isEqualTo(new Watermarks(600, 900, 1200, 1500)); // tmp = max(150, 300)
        assertThat(w[1]).isEqualTo(new Watermarks(1400, 2100, 2800, 3500)); // tmp = max(350, 700)
        assertThat(w[2]).isEqualTo(new Watermarks(32, 32, 32, 32));
    }

    @Test
    void aLargeMovableZoneHasMinCappedAt128AndStaysOutOfLowmem() {
        // lowmem_pages = 1000000 only (Movable excluded): Normal gets all of pages_min 2000.
        // Movable: min = clamp(4000000 / 1024 = 3906, 32, 128) = 128; its tmp = 2000 * 4000000 / 1000000
        // = 8000 -> max(2000, 4000) = 4000.
        Watermarks[] w = WatermarkSetup.setupPerZoneWmarks(8000, 10,
                new ZoneType[] {ZoneType.NORMAL, ZoneType.MOVABLE}, new long[] {1_000_000, 4_000_000});
        assertThat(w[0].min()).isEqualTo(2000);
        assertThat(w[1]).isEqualTo(new Watermarks(128, 4128, 8128, 12128));
    }

    @Test
    void lowmemReserveDividesTheHigherZonesByTheRatio() {
        // the managed pages of the real 6.6 sample; reference §3.8 computes 496486 / 256 = 1939 and
        // (496486 + 1552266) / 256 "= 8003" for DMA: in integers 2048752 / 256 = 8002 (8002.9 rounded
        // down). DMA32: 1552266 / 256 = 6063; Normal's ratio is 32 but Movable is empty.
        long[][] r = WatermarkSetup.lowmemReserve(
                new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL, ZoneType.MOVABLE},
                new long[] {3840, 496486, 1552266, 0});
        assertThat(r[0]).containsExactly(0, 1939, 8002, 8002);
        assertThat(r[1]).containsExactly(0, 0, 6063, 6063);
        assertThat(r[2]).containsExactly(0, 0, 0, 0);
        assertThat(r[3]).containsExactly(0, 0, 0, 0);
    }

    @Test
    void anEmptyLowZoneReservesNothing() {
        long[][] r = WatermarkSetup.lowmemReserve(new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL},
                new long[] {0, 1000, 5000});
        assertThat(r[0]).containsExactly(0, 0, 0);
        assertThat(r[1]).containsExactly(0, 0, 5000 / 256);
    }

    @Test
    void transparentHugepagesRecommendElevenPageblocksPerZone() {
        // reference §3.7: 4 zones -> 4096 + 18432 pages = 90112 kB
        assertThat(WatermarkSetup.recommendedMinFreeKbytes(4, 10_000_000)).isEqualTo(90112);
        // capped at 5% of nr_free_buffer_pages: 100000 / 20 = 5000 pages = 20000 kB
        assertThat(WatermarkSetup.recommendedMinFreeKbytes(4, 100_000)).isEqualTo(20000);
    }

    @Test
    void badParametersAreRejected() {
        assertThatThrownBy(() -> WatermarkSetup.setupPerZoneWmarks(100, 0, new ZoneType[0], new long[0]))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("1..3000");
        assertThatThrownBy(() -> WatermarkSetup.setupPerZoneWmarks(-1, 10, new ZoneType[0], new long[0]))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
