package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KmemCacheLayoutTest {
    private static final SlubParams FOUR_CPUS = SlubParams.defaults(4);
    private static final SlubParams FZPU = FOUR_CPUS.withSlubDebug(SlabFlags.DEBUG_DEFAULT_FLAGS);

    /** linux-reference.md §4.2 examples: kmalloc-64 → 32, kmalloc-8 → 0, -96 → 48, -192 → 96, -16 → 8. */
    @ParameterizedTest(name = "kmalloc-{0}: free pointer at {1}")
    @CsvSource({"8, 0", "16, 8", "32, 16", "64, 32", "96, 48", "128, 64", "192, 96", "8192, 4096"})
    void withoutDebugTheFreePointerSitsInTheMiddleOfTheObject(int size, int offset) {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-" + size, size, 0), FOUR_CPUS);

        assertThat(s.offset()).isEqualTo(offset);
        assertThat(s.inuse()).isEqualTo(size);
        assertThat(s.size()).isEqualTo(size);
        assertThat(s.freeptrOutsideObject()).isFalse();
        assertThat(s.redLeftPad()).isZero();
    }

    @Test
    void oddSizesAreRoundedToAWordAndTheMiddleRoundsDown() {
        // 20 bytes: ALIGN(20, 8) = 24 = inuse = size; offset ALIGN_DOWN(10, 8) = 8
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.of("odd", 20, 0, 0, false), FOUR_CPUS);
        assertThat(s.inuse()).isEqualTo(24);
        assertThat(s.size()).isEqualTo(24);
        assertThat(s.offset()).isEqualTo(8);
        // 4096 / 24 = 170 objects, 16 bytes left over (16*24 = 384 needs order 0)
        assertThat(s.objects()).isEqualTo(170);
        assertThat(s.leftover()).isEqualTo(16);
    }

    @Test
    void aConstructorMovesTheFreePointerAfterTheObject() {
        // 100 bytes with ctor: ALIGN(100, 8) = 104 = inuse; offset = 104; size 112
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.of("ctor_cache", 100, 0, 0, true), FOUR_CPUS);
        assertThat(s.inuse()).isEqualTo(104);
        assertThat(s.offset()).isEqualTo(104);
        assertThat(s.size()).isEqualTo(112);
        assertThat(s.freeptrOutsideObject()).isTrue();
        assertThat(s.infoEnd()).isEqualTo(112);
    }

    @Test
    void typesafeByRcuMovesTheFreePointerAfterTheObjectUnlessAnOffsetIsGiven() {
        // 24 bytes, SLAB_TYPESAFE_BY_RCU: offset 24, size 32
        KmemCacheLayout rcu = KmemCacheLayout.calculateSizes(
                KmemCacheArgs.of("rcu", 24, 0, SlabFlags.SLAB_TYPESAFE_BY_RCU, false), FOUR_CPUS);
        assertThat(rcu.offset()).isEqualTo(24);
        assertThat(rcu.size()).isEqualTo(32);
        // Linux 6.12 freeptr_offset: the pointer stays at the given offset and the slot stays 24
        KmemCacheLayout given = KmemCacheLayout.calculateSizes(new KmemCacheArgs("rcu2", 24, 0,
                SlabFlags.SLAB_TYPESAFE_BY_RCU, false, OptionalInt.of(16), 0, 0), FOUR_CPUS);
        assertThat(given.offset()).isEqualTo(16);
        assertThat(given.size()).isEqualTo(24);
        assertThat(given.slabKsize()).as("slab_ksize of an RCU cache is inuse").isEqualTo(24);
    }

    @Test
    void hwcacheAlignRoundsTheSlotToTheCacheLine() {
        // 100 bytes, SLAB_HWCACHE_ALIGN: align 64; ALIGN(100,8) = 104, offset ALIGN_DOWN(50,8) = 48,
        // size ALIGN(104, 64) = 128 -> 32 objects per page
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(
                KmemCacheArgs.of("hw", 100, 0, SlabFlags.SLAB_HWCACHE_ALIGN, false), FOUR_CPUS);
        assertThat(s.align()).isEqualTo(64);
        assertThat(s.offset()).isEqualTo(48);
        assertThat(s.inuse()).isEqualTo(104);
        assertThat(s.size()).isEqualTo(128);
        assertThat(s.objects()).isEqualTo(32);
        assertThat(s.slabKsize()).as("nothing follows the object: the whole slot").isEqualTo(128);
    }

    @Test
    void fullSlubDebugOnKmalloc64LaysOutEveryDebugField() {
        // slub_debug=FZPU, kmalloc-64 (align 64), by hand from calculate_sizes():
        //   ALIGN(64, 8) = 64 == object_size -> +8 for the right red zone: inuse 72
        //   SLAB_POISON -> free pointer after the object: offset 72, size 80
        //   SLAB_STORE_USER: + 2 * 32 (struct track) = 144, SLAB_KMALLOC: + 4 (orig size) = 148
        //   SLAB_RED_ZONE: + 8 = 156, red_left_pad = ALIGN(8, 64) = 64 -> 220
        //   ALIGN(220, 64) = 256; 4 CPUs: get_order(16 * 256) = 0 -> 16 objects in one page
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), FZPU);

        assertThat(s.inuse()).isEqualTo(72);
        assertThat(s.offset()).isEqualTo(72);
        assertThat(s.redLeftPad()).isEqualTo(64);
        assertThat(s.size()).isEqualTo(256);
        assertThat(s.objects()).isEqualTo(16);
        assertThat(s.order()).isZero();
        assertThat(s.infoEnd()).isEqualTo(80);
        assertThat(s.trackOffset(false)).isEqualTo(80);
        assertThat(s.trackOffset(true)).isEqualTo(112);
        assertThat(s.origSizeOffset()).isEqualTo(144);
        assertThat(s.paddingOffset()).isEqualTo(148);
        assertThat(s.sizeFromObject()).isEqualTo(192);
        assertThat(s.hasFlag(SlabFlags.__OBJECT_POISON)).isTrue();
        assertThat(s.slabKsize()).as("red zones: only object_size is usable").isEqualTo(64);
        assertThat(s.cpuPartial()).as("debug caches have no per-CPU partial list").isZero();
    }

    @Test
    void fullSlubDebugOnKmalloc1kMatchesARealRaspberryPiSlabinfo() {
        // Real /proc/slabinfo, Raspberry Pi 4 (4 CPUs, 4 KiB pages), Linux 6.6.60 built with slab debugging
        // (raspberrypi/linux issue 6549): "kmalloc-1k 661 670 3072 10 8". By hand, slub_debug=FZPU:
        // 1024 +8 (right red zone) = 1032 = inuse = offset; +8 fp = 1040; +64 tracks = 1104; +4 = 1108;
        // +8 = 1116; red_left_pad ALIGN(8, 1024) = 1024 -> 2140; ALIGN(2140, 1024) = 3072.
        // min_objects = min(16, 32768 / 3072 = 10) -> get_order(30720) = 3; 32768 % 3072 = 2048 <= 32768/16.
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-1k", 1024, 0), FZPU);

        assertThat(s.size()).isEqualTo(3072);
        assertThat(s.objects()).isEqualTo(10);
        assertThat(s.pagesPerSlab()).isEqualTo(8);
    }

    @Test
    void redZoneOnlyKeepsTheFreePointerInsideTheObject() {
        // SLAB_RED_ZONE alone, 64-byte non-kmalloc object (align 8): inuse 72; object_size >= 8 and no
        // saved request size -> offset ALIGN_DOWN(32, 8) = 32 inside; + 8 = 80; red_left_pad 8 -> 88
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(
                KmemCacheArgs.of("rz", 64, 0, SlabFlags.SLAB_RED_ZONE, false), FOUR_CPUS);
        assertThat(s.inuse()).isEqualTo(72);
        assertThat(s.offset()).isEqualTo(32);
        assertThat(s.redLeftPad()).isEqualTo(8);
        assertThat(s.size()).isEqualTo(88);
        assertThat(s.freeptrOutsideObject()).isFalse();
    }

    @Test
    void redZoneOnATinyObjectMovesTheFreePointerOut() {
        // 4 bytes, SLAB_RED_ZONE: ALIGN(4, 8) = 8 != 4 so no extra word, inuse 8; object_size < 8 ->
        // offset 8, size 16; + 8 = 24; red_left_pad 8 -> 32
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(
                KmemCacheArgs.of("tiny", 4, 0, SlabFlags.SLAB_RED_ZONE, false), FOUR_CPUS);
        assertThat(s.inuse()).isEqualTo(8);
        assertThat(s.offset()).isEqualTo(8);
        assertThat(s.size()).isEqualTo(32);
    }

    @Test
    void poisonWithAConstructorDoesNotPoisonTheObject() {
        // SLAB_POISON and a ctor: the free pointer moves out but __OBJECT_POISON stays off
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.of("p", 32, 0, SlabFlags.SLAB_POISON, true),
                FOUR_CPUS);
        assertThat(s.hasFlag(SlabFlags.SLAB_POISON)).isTrue();
        assertThat(s.hasFlag(SlabFlags.__OBJECT_POISON)).isFalse();
        assertThat(s.offset()).isEqualTo(32);
        assertThat(s.size()).isEqualTo(40);
    }

    @Test
    void storeUserWithoutKmallocSavesNoRequestSize() {
        // U only, 32 bytes: inuse 32, offset 16 inside, + 64 tracks = 96; no red zone
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.of("u", 32, 0, 0, false),
                FOUR_CPUS.withSlubDebug(SlabFlags.SLAB_STORE_USER));
        assertThat(s.offset()).isEqualTo(16);
        assertThat(s.trackOffset(false)).isEqualTo(32);
        assertThat(s.size()).isEqualTo(96);
        assertThat(s.storesOrigSize()).isFalse();
        assertThat(s.slabKsize()).isEqualTo(32);
        assertThatThrownBy(s::origSizeOffset).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("SLAB_KMALLOC and SLAB_STORE_USER");
    }

    @Test
    void noUserFlagsCachesIgnoreSlubDebug() {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(
                KmemCacheArgs.of("kmem_cache_node", 64, 0, SlabFlags.SLAB_NO_USER_FLAGS, false), FZPU);
        assertThat(s.size()).isEqualTo(64);
        assertThat(s.isDebug()).isFalse();
    }

    @Test
    void regionsCoverTheSlotExactlyInOrder() {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), FZPU);
        List<KmemCacheLayout.Region> r = s.regions();

        assertThat(r).extracting(KmemCacheLayout.Region::name).containsExactly("left red zone", "object",
                "right red zone", "free pointer", "alloc track", "free track", "kmalloc request size", "padding");
        assertThat(r.get(0).start()).isZero();
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i).start()).as("region %s starts where %s ends", r.get(i).name(), r.get(i - 1).name())
                    .isEqualTo(r.get(i - 1).end());
        }
        assertThat(r.get(r.size() - 1).end()).isEqualTo(s.size());
        // object at red_left_pad 64; padding = 256 - (64 + 148) = 44 bytes
        assertThat(r.get(1).start()).isEqualTo(64);
        assertThat(r.get(r.size() - 1).length()).isEqualTo(44);
        assertThat(s.describe()).contains("kmalloc-64: object_size 64, size 256").contains("free pointer");
    }

    @Test
    void objectOffsetsStepBySizeAfterTheLeftRedZone() {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), FZPU);
        assertThat(s.objectOffset(0)).isEqualTo(64);
        assertThat(s.objectOffset(15)).isEqualTo(64 + 15 * 256);
        assertThatThrownBy(() -> s.objectOffset(16)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("object index 16").hasMessageContaining("0..15");
    }

    @Test
    void ooPacksOrderAboveObjects() {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-8k", 8192, 0), FOUR_CPUS);
        // order 3, 4 objects: (3 << 16) | 4
        assertThat(s.oo()).isEqualTo(0x30004);
        // s->min: get_order(8192) = 1, 8192 / 8192 = 1 object
        assertThat(s.minOrder()).isEqualTo(1);
        assertThat(s.minObjects()).isEqualTo(1);
    }

    @Test
    void badArgumentsNameTheRule() {
        assertThatThrownBy(() -> KmemCacheArgs.of("x", 0, 0, 0, false)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("object size 0").hasMessageContaining("1..4194304");
        assertThatThrownBy(() -> KmemCacheArgs.of("x", 64, 24, 0, false)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("alignment 24");
        assertThatThrownBy(() -> new KmemCacheArgs("x", 64, 0, 0, false, OptionalInt.of(8), 0, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("SLAB_TYPESAFE_BY_RCU");
        assertThatThrownBy(() -> KmemCacheArgs.of("x", 64, 0, SlabFlags.__OBJECT_POISON, false))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("internal");
    }
}
