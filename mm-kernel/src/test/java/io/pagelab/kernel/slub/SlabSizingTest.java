package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlabSizingTest {

    /**
     * objperslab and pagesperslab of every kmalloc cache in a real /proc/slabinfo of a 6.x kernel
     * with 4+ CPUs (linux-reference.md §4.3 and the §4.7 sample).
     */
    @ParameterizedTest(name = "{0}: {2} objects per slab, {3} pages (4 CPUs)")
    @CsvSource({
        "kmalloc-8,     8, 512, 1",
        "kmalloc-16,   16, 256, 1",
        "kmalloc-32,   32, 128, 1",
        "kmalloc-64,   64,  64, 1",
        "kmalloc-96,   96,  42, 1",
        "kmalloc-128, 128,  32, 1",
        "kmalloc-192, 192,  21, 1",
        "kmalloc-256, 256,  16, 1",
        "kmalloc-512, 512,  16, 2",
        "kmalloc-1k, 1024,  16, 4",
        "kmalloc-2k, 2048,  16, 8",
        "kmalloc-4k, 4096,   8, 8",
        "kmalloc-8k, 8192,   4, 8",
    })
    void kmallocCachesMatchTheRealSlabinfoWithFourCpus(String name, int size, int objperslab, int pagesperslab) {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc(name, size, 0), SlubParams.defaults(4));

        assertThat(s.size()).as("objsize of %s", name).isEqualTo(size);
        assertThat(s.objects()).as("objperslab of %s", name).isEqualTo(objperslab);
        assertThat(s.pagesPerSlab()).as("pagesperslab of %s", name).isEqualTo(pagesperslab);
    }

    /**
     * The single-CPU QEMU sample (linux-reference.md §4.3: kmalloc-512 8/1, 1k 8/2, 2k 8/4, 4k 8/8,
     * 8k 4/8; min_objects = 8) and, for the small caches where min_objects does not matter,
     * seed-digest.md Appendix C.5 (nr_cpu_ids = 1).
     */
    @ParameterizedTest(name = "{0}: {2} objects per slab, {3} pages (1 CPU)")
    @CsvSource({
        "kmalloc-8,     8, 512, 1",
        "kmalloc-16,   16, 256, 1",
        "kmalloc-32,   32, 128, 1",
        "kmalloc-64,   64,  64, 1",
        "kmalloc-96,   96,  42, 1",
        "kmalloc-128, 128,  32, 1",
        "kmalloc-192, 192,  21, 1",
        "kmalloc-256, 256,  16, 1",
        "kmalloc-512, 512,   8, 1",
        "kmalloc-1k, 1024,   8, 2",
        "kmalloc-2k, 2048,   8, 4",
        "kmalloc-4k, 4096,   8, 8",
        "kmalloc-8k, 8192,   4, 8",
    })
    void kmallocCachesMatchTheRealSlabinfoWithOneCpu(String name, int size, int objperslab, int pagesperslab) {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc(name, size, 0), SlubParams.defaults(1));

        assertThat(s.objects()).as("objperslab of %s", name).isEqualTo(objperslab);
        assertThat(s.pagesPerSlab()).as("pagesperslab of %s", name).isEqualTo(pagesperslab);
    }

    /** seed-digest.md Appendix C.5: (order, objects) for nr_cpu_ids 1, 4 and 8. */
    @ParameterizedTest(name = "size {0}: 1 CPU ({1},{2}) 4 CPUs ({3},{4}) 8 CPUs ({5},{6})")
    @CsvSource({
        "   8, 0, 512, 0, 512, 0, 512",
        "  16, 0, 256, 0, 256, 0, 256",
        "  32, 0, 128, 0, 128, 0, 128",
        "  64, 0,  64, 0,  64, 0,  64",
        "  96, 0,  42, 0,  42, 0,  42",
        " 128, 0,  32, 0,  32, 0,  32",
        " 192, 0,  21, 0,  21, 0,  21",
        " 256, 0,  16, 0,  16, 1,  32",
        " 512, 0,   8, 1,  16, 2,  32",
        " 700, 1,  11, 2,  23, 2,  23",
        "1024, 1,   8, 2,  16, 3,  32",
        "2048, 2,   8, 3,  16, 3,  16",
        "4096, 3,   8, 3,   8, 3,   8",
        "8192, 3,   4, 3,   4, 3,   4",
    })
    void orderAndObjectsFollowTheCpuCount(int size, int o1, int n1, int o4, int n4, int o8, int n8) {
        int[][] expected = {{1, o1, n1}, {4, o4, n4}, {8, o8, n8}};
        for (int[] e : expected) {
            int order = SlabSizing.calculateOrder(size, SlubParams.defaults(e[0]));
            assertThat(order).as("order of size %d with %d CPUs", size, e[0]).isEqualTo(e[1]);
            assertThat(SlabSizing.orderObjects(order, size)).as("objects of size %d with %d CPUs", size, e[0])
                    .isEqualTo(e[2]);
        }
    }

    @Test
    void minObjectsIsFourTimesFlsOfTheCpuCountPlusOne() {
        // linux-reference.md §4.3: 1 cpu: 8; 2-3: 12; 4-7: 16; 8-15: 20; 16-31: 24
        int[][] cases = {{1, 8}, {2, 12}, {3, 12}, {4, 16}, {7, 16}, {8, 20}, {15, 20}, {16, 24}, {31, 24}};
        for (int[] c : cases) {
            assertThat(SlubParams.defaults(c[0]).minObjects()).as("min_objects with %d CPUs", c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void oneOrZeroPresentCpusFallBackToPossibleCpus() {
        // num_present_cpus() <= 1: nr_cpus = nr_cpu_ids; 8 possible -> 4 * (fls(8) + 1) = 20
        assertThat(new SlubParams(0, 3, 0, 1, 8, 64, 0).minObjects()).isEqualTo(20);
        assertThat(new SlubParams(0, 3, 0, 2, 8, 64, 0).minObjects()).isEqualTo(12);
    }

    @Test
    void slabMinObjectsBootParameterOverridesTheCpuCount() {
        // slab_min_objects=4 on 4 CPUs: kmalloc-1k needs get_order(4 * 1024) = 0 -> 4 objects in one page
        SlubParams p = new SlubParams(0, 3, 4, 4, 4, 64, 0);
        assertThat(SlabSizing.calculateOrder(1024, p)).isZero();
    }

    @Test
    void slabMinOrderBootParameterRaisesSmallSlabs() {
        // slab_min_order=1: kmalloc-64 slabs become 2 pages (8192 / 64 = 128 objects)
        SlubParams p = new SlubParams(1, 3, 0, 4, 4, 64, 0);
        assertThat(SlabSizing.calculateOrder(64, p)).isEqualTo(1);
    }

    @Test
    void tooManyObjectsPerSlabCapTheOrderBelowMaxObjsPerPage() {
        // slab_min_order=9, 8-byte objects: order 9 would hold 2 MiB / 8 = 262144 > 32767 objects, so
        // the kernel returns get_order(8 * 32767) - 1 = get_order(262136) - 1 = 6 - 1 = 5
        SlubParams p = new SlubParams(9, 10, 0, 4, 4, 64, 0);
        assertThat(SlabSizing.calculateOrder(8, p)).isEqualTo(5);
    }

    @Test
    void objectsLargerThanTheMaxOrderGetJustEnoughPages() {
        // 40000 bytes: even order 3 (32 KiB) holds none, so the fraction loop gives up and the order
        // is get_order(40000) = 4 (64 KiB, one object)
        assertThat(SlabSizing.calculateOrder(40000, SlubParams.defaults(4))).isEqualTo(4);
    }

    @Test
    void theFractionLoopAcceptsMoreWasteBeforeGivingUp() {
        // 3000 bytes, 4 CPUs: min_objects = min(16, 32768/3000 = 10) = 10 -> get_order(30000) = 3;
        // order 3 wastes 32768 % 3000 = 2768 bytes: more than 1/16 (2048), less than 1/8 (4096)
        assertThat(SlabSizing.calcSlabOrder(3000, 3, 3, 16)).isEqualTo(4);
        assertThat(SlabSizing.calcSlabOrder(3000, 3, 3, 8)).isEqualTo(3);
        assertThat(SlabSizing.calculateOrder(3000, SlubParams.defaults(4))).isEqualTo(3);
    }

    @Test
    void getOrderRoundsUpToWholeBlocks() {
        // hand computation: 4096 fits order 0, 4097 needs 2 pages, 8193 needs 4 (seed-digest C.4: 8193 -> order 2)
        assertThat(SlabSizing.getOrder(1)).isZero();
        assertThat(SlabSizing.getOrder(4096)).isZero();
        assertThat(SlabSizing.getOrder(4097)).isEqualTo(1);
        assertThat(SlabSizing.getOrder(8193)).isEqualTo(2);
        assertThat(SlabSizing.getOrder(16385)).isEqualTo(3);
        assertThat(SlabSizing.getOrder(4L << 20)).isEqualTo(10);
        assertThatThrownBy(() -> SlabSizing.getOrder(0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("undefined");
    }

    @Test
    void hwcacheAlignShrinksTheLineForSmallObjects() {
        // calculate_alignment: 64-byte line; 20 <= 32 -> 32, 20 <= 16? no -> 32
        assertThat(SlabSizing.calculateAlignment(SlabFlags.SLAB_HWCACHE_ALIGN, 0, 20, 64)).isEqualTo(32);
        // 100 > 32: the full line
        assertThat(SlabSizing.calculateAlignment(SlabFlags.SLAB_HWCACHE_ALIGN, 0, 100, 64)).isEqualTo(64);
        // 8 <= 32, 16, 8 -> 8; and never below ARCH_SLAB_MINALIGN 8
        assertThat(SlabSizing.calculateAlignment(SlabFlags.SLAB_HWCACHE_ALIGN, 0, 3, 64)).isEqualTo(8);
        // the caller's larger alignment wins
        assertThat(SlabSizing.calculateAlignment(SlabFlags.SLAB_HWCACHE_ALIGN, 256, 20, 64)).isEqualTo(256);
        // no flag: ARCH_SLAB_MINALIGN
        assertThat(SlabSizing.calculateAlignment(0, 0, 20, 64)).isEqualTo(8);
    }

    @Test
    void minPartialIsHalfTheLogOfTheSizeClampedToFiveAndTen() {
        // ilog2(64)/2 = 3 -> 5; ilog2(8192)/2 = 6; ilog2(4 MiB)/2 = 11 -> 10
        assertThat(SlabSizing.minPartial(64)).isEqualTo(5);
        assertThat(SlabSizing.minPartial(8192)).isEqualTo(6);
        assertThat(SlabSizing.minPartial(4 << 20)).isEqualTo(10);
    }

    @Test
    void cpuPartialSlabsAssumeHalfFullSlabs() {
        // kmalloc-64: 120 objects -> DIV_ROUND_UP(240, 64) = 4 slabs; kmalloc-4k: 6 -> DIV_ROUND_UP(12, 8) = 2
        assertThat(SlabSizing.cpuPartialSlabs(SlabSizing.cpuPartialObjects(64, false), 64)).isEqualTo(4);
        assertThat(SlabSizing.cpuPartialSlabs(SlabSizing.cpuPartialObjects(4096, false), 8)).isEqualTo(2);
        assertThat(SlabSizing.cpuPartialObjects(4096, true)).isZero();
    }

    @Test
    void badBootParametersAreRejectedWithTheRule() {
        assertThatThrownBy(() -> new SlubParams(0, 11, 0, 4, 4, 64, 0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("slab_max_order 11").hasMessageContaining("0..10");
        assertThatThrownBy(() -> new SlubParams(4, 3, 0, 4, 4, 64, 0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("slab_min_order 4");
        assertThatThrownBy(() -> SlubParams.defaults(0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("CPU counts");
    }
}
