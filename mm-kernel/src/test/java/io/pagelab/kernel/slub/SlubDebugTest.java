package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.MemoryCorruptionException;
import org.junit.jupiter.api.Test;

/**
 * slub_debug=FZPU on kmalloc-64: size 256, red_left_pad 64, inuse 72, free pointer at +72, tracks
 * at +80 and +112, request size at +144, padding from +148 to +192 (KmemCacheLayoutTest). The
 * slab is at physical 0x100000 = 0xffff888000100000, pfn 0x100, struct slab at
 * 0xffffea0000000000 + 0x100 * 64 = 0xffffea0000004000; object i at 0xffff888000100040 + i * 0x100.
 */
class SlubDebugTest {
    private static final long SLAB = SlabTest.SLAB_VA;
    private static final long OBJ0 = SLAB + 0x40;
    private static final long OBJ1 = SLAB + 0x140;

    private static KmemCache debugCache(SlubConfig config, SlubDebug debug) {
        return KmemCache.create(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0),
                SlubParams.defaults(4).withSlubDebug(SlabFlags.DEBUG_DEFAULT_FLAGS), config, new KernelRandom(1),
                SlabTest.memory(), debug);
    }

    private static int byteAt(KmemCache cache, long va) {
        return cache.directMap().readByte(va);
    }

    @Test
    void aNewDebugSlabIsRedZonedPoisonedAndPadded() {
        KmemCache cache = debugCache(SlubConfig.NONE, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        assertThat(slab.objects()).isEqualTo(16);
        assertThat(slab.freelist()).isEqualTo(OBJ0);
        // left red zone [0, 64) of a free object: SLUB_RED_INACTIVE
        assertThat(byteAt(cache, SLAB)).isEqualTo(0xbb);
        assertThat(byteAt(cache, OBJ0 - 1)).isEqualTo(0xbb);
        // the object: POISON_FREE ... POISON_END
        assertThat(byteAt(cache, OBJ0)).isEqualTo(0x6b);
        assertThat(byteAt(cache, OBJ0 + 62)).isEqualTo(0x6b);
        assertThat(byteAt(cache, OBJ0 + 63)).isEqualTo(0xa5);
        // right red zone [64, 72)
        assertThat(byteAt(cache, OBJ0 + 64)).isEqualTo(0xbb);
        assertThat(byteAt(cache, OBJ0 + 71)).isEqualTo(0xbb);
        // free pointer after the object, in clear without hardening: obj1
        assertThat(cache.directMap().readLong(OBJ0 + 72)).isEqualTo(OBJ1);
        // tracks zeroed, padding POISON_INUSE (setup_slab_debug), leftover too
        assertThat(cache.directMap().readLong(OBJ0 + 80)).isZero();
        assertThat(byteAt(cache, OBJ0 + 148)).isEqualTo(0x5a);
        assertThat(byteAt(cache, OBJ0 + 191)).isEqualTo(0x5a);
    }

    @Test
    void anAllocatedObjectGetsActiveRedZonesAndItsRequestSize() {
        KmemCache cache = debugCache(SlubConfig.NONE, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject(40, new Track(0xffffffff81234567L, 2, 1234, 0));

        assertThat(p).isEqualTo(OBJ0);
        assertThat(byteAt(cache, p - 1)).isEqualTo(0xcc);
        // kmalloc(40): poison up to 40 (0x6b ... 0xa5 at 39), then 0xcc from 40 to inuse 72
        assertThat(byteAt(cache, p + 38)).isEqualTo(0x6b);
        assertThat(byteAt(cache, p + 39)).isEqualTo(0xa5);
        assertThat(byteAt(cache, p + 40)).isEqualTo(0xcc);
        assertThat(byteAt(cache, p + 71)).isEqualTo(0xcc);
        assertThat(cache.directMap().readInt(p + 144)).isEqualTo(40);
        assertThat(cache.getTrack(p, false)).isEqualTo(new Track(0xffffffff81234567L, 2, 1234, 0));
    }

    @Test
    void writingPastTheObjectIsReportedAsRightRedzoneOverwrittenOnFree() {
        SlubDebug debug = new SlubDebug();
        KmemCache cache = debugCache(SlubConfig.NONE, debug);
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject();
        cache.directMap().writeLong(p + 64 - 8, 0x4141414141414141L);
        cache.directMap().memory().writeByte(p + 64 - DirectMap.PAGE_OFFSET_L4, 0x41); // one byte too far

        // By hand (mm/slub.c check_bytes_and_report, print_trailer): the right red zone [obj+64, obj+72)
        // starts with 0x41 at 0xffff888000100080, offset 0x80 = 128 in the slab; the trailing 0xcc are
        // trimmed, so the range is one byte. obj0's stale free pointer is obj1.
        String expected = ""
                + "=============================================================================\n"
                + "BUG kmalloc-64 (Not tainted): Right Redzone overwritten\n"
                + "-----------------------------------------------------------------------------\n"
                + "\n"
                + "0xffff888000100080-0xffff888000100080 @offset=128. First byte 0x41 instead of 0xcc\n"
                + "Slab 0xffffea0000004000 objects=16 used=1 fp=0xffff888000100140\n"
                + "Object 0xffff888000100040 @offset=64 fp=0xffff888000100140\n"
                + "\n"
                + "Redzone  ffff888000100000: cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc  ................\n";
        assertThatThrownBy(() -> slab.freeObject(p)).isInstanceOf(MemoryCorruptionException.class)
                .hasMessageStartingWith(expected)
                .hasMessageContaining("Object   ffff888000100070: 6b 6b 6b 6b 6b 6b 6b 6b 41 41 41 41 41 41 41 41"
                        + "  kkkkkkkkAAAAAAAA\n")
                .hasMessageContaining("Redzone  ffff888000100080: 41 cc cc cc cc cc cc cc"
                        + "                          A.......\n")
                .hasMessageContaining("Padding  ffff8880001000d4: 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a"
                        + "  ZZZZZZZZZZZZZZZZ\n")
                .hasMessageEndingWith("FIX kmalloc-64: Restoring Right Redzone 0xffff888000100080-0xffff888000100080"
                        + "=0xcc\n");
        assertThat(slab.inuse()).as("nothing freed").isEqualTo(1);
        assertThat(debug.reports()).hasSize(1);
    }

    @Test
    void theSecondReportSaysTheKernelIsTainted() {
        SlubDebug debug = new SlubDebug();
        KmemCache cache = debugCache(SlubConfig.NONE, debug);
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject();
        cache.directMap().memory().writeByte(p - 1 - DirectMap.PAGE_OFFSET_L4, 0);

        assertThatThrownBy(() -> slab.freeObject(p)).hasMessageContaining("BUG kmalloc-64 (Not tainted): Left Redzone");
        // kernel/panic.c print_tainted(): G for "not proprietary", B (TAINT_BAD_PAGE) at position 5, 19 flags
        assertThatThrownBy(() -> slab.freeObject(p))
                .hasMessageContaining("BUG kmalloc-64 (Tainted: G    B             ): Left Redzone overwritten");
        assertThat(debug.isTainted()).isTrue();
    }

    @Test
    void writingToAFreedObjectIsReportedAsPoisonOverwrittenOnTheNextAllocation() {
        KmemCache cache = debugCache(SlubConfig.NONE, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject();
        slab.freeObject(p);
        cache.directMap().writeLong(p + 8, 0); // use after free

        // check_object(INACTIVE): "Poison" checks [p, p + 63) for 0x6b; first bad byte at p + 8 (offset 0x48 = 72)
        assertThatThrownBy(slab::allocObject).isInstanceOf(MemoryCorruptionException.class)
                .hasMessageContaining("BUG kmalloc-64 (Not tainted): Poison overwritten")
                .hasMessageContaining("0xffff888000100048-0xffff88800010004f @offset=72. First byte 0x0 instead of 0x6b")
                .hasMessageContaining("FIX kmalloc-64: Restoring Poison 0xffff888000100048-0xffff88800010004f=0x6b");
        assertThat(slab.freelist()).as("not handed out").isEqualTo(p);
    }

    @Test
    void overwritingTheLastByteOfAFreeObjectIsEndPoison() {
        KmemCache cache = debugCache(SlubConfig.NONE, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        cache.directMap().memory().writeByte(OBJ0 + 63 - DirectMap.PAGE_OFFSET_L4, 0x6b);
        assertThatThrownBy(slab::allocObject).hasMessageContaining("End Poison overwritten")
                .hasMessageContaining("First byte 0x6b instead of 0xa5");
    }

    @Test
    void writingBetweenTheRequestAndTheCacheSizeIsAKmallocRedzone() {
        KmemCache cache = debugCache(SlubConfig.NONE, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject(40, Track.NONE); // kmalloc(40) from kmalloc-64
        cache.directMap().memory().writeByte(p + 50 - DirectMap.PAGE_OFFSET_L4, 0x21);
        // bytes 40..63 must still be 0xcc: first bad byte at p + 50, slab offset 64 + 50 = 114
        assertThatThrownBy(() -> slab.freeObject(p)).hasMessageContaining("kmalloc Redzone overwritten")
                .hasMessageContaining("@offset=114. First byte 0x21 instead of 0xcc");
    }

    @Test
    void freeingTwiceIsObjectAlreadyFree() {
        SlubDebug debug = new SlubDebug();
        KmemCache cache = debugCache(SlubConfig.DISTRIBUTION, debug);
        Slab slab = cache.newSlab(SLAB, 0);
        long a = slab.allocObject();
        long b = slab.allocObject();
        slab.freeObject(a);
        slab.freeObject(b);

        // free_consistency_checks(): on_freelist() finds a behind b -> object_err "Object already free"
        assertThatThrownBy(() -> slab.freeObject(a)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("BUG kmalloc-64 (Not tainted): Object already free")
                .hasMessageContaining("Object " + SlubDebug.ptr(a) + " @offset=" + (a - SLAB));
        assertThat(slab.inuse()).isZero();
    }

    @Test
    void aCorruptedFreePointerIsCaughtBeforeItIsFollowed() {
        KmemCache cache = debugCache(SlubConfig.DISTRIBUTION, new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        long head = slab.freelist();
        cache.directMap().writeLong(head + 72, 0xffff888000200000L); // forged link, stored raw

        assertThatThrownBy(slab::allocObject).isInstanceOf(MemoryCorruptionException.class)
                .hasMessageContaining("): Freepointer corrupt");
        assertThat(slab.freelist()).isEqualTo(head);
    }

    @Test
    void withoutRedZonesPoisonChecksTheAlignmentPadding() {
        // slub_debug=P on a 20-byte cache: ALIGN(20, 8) = 24 = inuse, so [20, 24) is alignment padding (0x5a)
        KmemCache cache = KmemCache.create(KmemCacheArgs.of("twenty", 20, 0, 0, false),
                SlubParams.defaults(4).withSlubDebug(SlabFlags.SLAB_CONSISTENCY_CHECKS | SlabFlags.SLAB_POISON),
                SlubConfig.NONE, new KernelRandom(1), SlabTest.memory(), new SlubDebug());
        Slab slab = cache.newSlab(SLAB, 0);
        long p = slab.allocObject();
        cache.directMap().memory().writeByte(p + 21 - DirectMap.PAGE_OFFSET_L4, 0);
        assertThatThrownBy(() -> slab.freeObject(p)).hasMessageContaining("Alignment padding overwritten")
                .hasMessageContaining("First byte 0x0 instead of 0x5a")
                // no red zone: "Bytes b4" (16 bytes before) is shown only past the slab's first 16 bytes
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Bytes b4 "));
    }

    @Test
    void hexDumpPadsShortLinesToTheTextColumn() {
        DirectMap mem = SlabTest.memory();
        mem.writeLong(SLAB, 0x4847464544434241L); // "ABCDEFGH"
        assertThat(SlubDebug.hexDump("Object   ", mem, SLAB, 8)).isEqualTo(
                "Object   ffff888000100000: 41 42 43 44 45 46 47 48                          ABCDEFGH\n");
    }
}
