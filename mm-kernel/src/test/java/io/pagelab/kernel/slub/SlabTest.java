package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** A slab on simulated RAM without slub_debug: the freelist in the objects' bytes, hardening, shuffling. */
class SlabTest {
    // physical 0x100000 (1 MiB, RAM in the QEMU map) through the direct map
    static final long SLAB_VA = DirectMap.PAGE_OFFSET_L4 + 0x100000;

    static DirectMap memory() {
        return DirectMap.of(SimulatedRam.of(SampleFirmware.qemu(16L << 20)));
    }

    static KmemCache kmalloc64(SlubConfig config, long seed) {
        return KmemCache.create(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), SlubParams.defaults(4), config,
                new KernelRandom(seed), memory(), new SlubDebug());
    }

    @Test
    void aNewSlabLinksItsObjectsInAddressOrderWithoutRandomization() {
        KmemCache cache = kmalloc64(SlubConfig.NONE, 1);
        Slab slab = cache.newSlab(SLAB_VA, 0);

        // 64 objects of 64 bytes; linux-reference.md §4.3: obj0 -> obj1 -> ... -> objN-1 -> NULL
        assertThat(slab.objects()).isEqualTo(64);
        List<Long> list = slab.freelistObjects();
        assertThat(list).hasSize(64);
        for (int i = 0; i < 64; i++) {
            assertThat(list.get(i)).isEqualTo(SLAB_VA + 64L * i);
        }
        // without hardening the word at obj0 + 32 is the raw address of obj1, and obj63 holds NULL
        assertThat(cache.directMap().readLong(SLAB_VA + 32)).isEqualTo(SLAB_VA + 64);
        assertThat(cache.directMap().readLong(SLAB_VA + 63 * 64 + 32)).isZero();
    }

    @Test
    void hardenedSlabsStoreEveryLinkEncodedInTheObject() {
        KmemCache cache = kmalloc64(new SlubConfig(true, false), 1);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long random = cache.codec().random();

        // obj0's word at 0xffff888000100020 = obj1 ^ random ^ swab(0xffff888000100020)
        long addr = SLAB_VA + 32;
        long stored = cache.directMap().readLong(addr);
        assertThat(stored).isEqualTo((SLAB_VA + 64) ^ random ^ Long.reverseBytes(addr));
        assertThat(stored).as("the raw pointer never appears in memory").isNotEqualTo(SLAB_VA + 64);
        // the last object's NULL is stored as random ^ swab(addr), not 0
        long last = SLAB_VA + 63 * 64 + 32;
        assertThat(cache.directMap().readLong(last)).isEqualTo(random ^ Long.reverseBytes(last)).isNotZero();
        assertThat(slab.freelistObjects()).hasSize(64);
    }

    @Test
    void allocationsPopTheHeadAndFreesPushIt() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 3);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long a = slab.allocObject();
        long b = slab.allocObject();
        assertThat(slab.inuse()).isEqualTo(2);

        slab.freeObject(a);
        // linux-reference.md §4.4: LIFO, the most recently freed object comes back first
        assertThat(slab.freelist()).isEqualTo(a);
        assertThat(slab.allocObject()).isEqualTo(a);
        assertThat(slab.inuse()).isEqualTo(2);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void aFullSlabHasNoFreelistAndRefusesMore() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 4);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            assertThat(seen.add(slab.allocObject())).isTrue();
        }
        assertThat(slab.freelist()).isZero();
        assertThatThrownBy(slab::allocObject).isInstanceOf(OutOfMemoryException.class).hasMessageContaining("is full");
        assertThat(slab.inuse()).isEqualTo(64);
    }

    @Test
    void freeingTheHeadAgainHitsTheNaiveBugOn() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 5);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long a = slab.allocObject();
        slab.allocObject();
        slab.freeObject(a);

        // set_freepointer(s, a, a): BUG_ON(object == fp)
        assertThatThrownBy(() -> slab.freeObject(a)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("kernel BUG at mm/slub.c")
                .hasMessageContaining("naive detection of double free or corruption");
        assertThat(slab.inuse()).as("state intact").isEqualTo(1);
        assertThat(slab.freelist()).isEqualTo(a);
    }

    @Test
    void aDoubleFreeWithAnotherFreeInBetweenGoesUnnoticedAndHandsTheObjectOutTwice() {
        // The naive check only sees a == head. free(a), free(b), free(a) builds a -> b -> a -> ...
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 6);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long a = slab.allocObject();
        long b = slab.allocObject();
        slab.allocObject();
        slab.freeObject(a);
        slab.freeObject(b);
        slab.freeObject(a);

        assertThat(slab.allocObject()).isEqualTo(a);
        assertThat(slab.allocObject()).isEqualTo(b);
        assertThat(slab.allocObject()).as("the same object again: use-after-free material").isEqualTo(a);
    }

    @Test
    void withoutHardeningEvenTheImmediateDoubleFreeIsSilent() {
        KmemCache cache = kmalloc64(SlubConfig.NONE, 7);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long a = slab.allocObject();
        slab.allocObject();
        slab.freeObject(a);
        slab.freeObject(a);
        // a now points at itself
        assertThat(cache.getFreepointer(a)).isEqualTo(a);
        assertThat(slab.allocObject()).isEqualTo(a);
        assertThat(slab.allocObject()).isEqualTo(a);
    }

    @Test
    void aForgedPointerIsFollowedWithoutHardening() {
        // The attacker overwrites free object a's link with the address of an object in use (victim)
        KmemCache cache = kmalloc64(SlubConfig.NONE, 8);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long victim = slab.allocObject();
        long a = slab.allocObject();
        slab.freeObject(a);
        cache.directMap().writeLong(a + 32, victim);

        assertThat(slab.allocObject()).isEqualTo(a);
        assertThat(slab.allocObject()).as("the attacker's choice").isEqualTo(victim);
    }

    @Test
    void aForgedPointerDecodesToANonCanonicalAddressWithHardening() {
        KmemCache cache = kmalloc64(new SlubConfig(true, false), 9);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long victim = slab.allocObject();
        long a = slab.allocObject();
        slab.freeObject(a);
        cache.directMap().writeLong(a + 32, victim);

        assertThat(slab.allocObject()).isEqualTo(a);
        long garbage = slab.freelist();
        assertThat(garbage).isEqualTo(victim ^ cache.codec().random() ^ Long.reverseBytes(a + 32));
        // the next allocation reads garbage + 32: #GP instead of handing out the victim
        assertThatThrownBy(slab::allocObject).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("non-canonical");
        assertThat(slab.freelist()).as("state intact").isEqualTo(garbage);
    }

    @Test
    void freeingSomethingThatIsNotAnObjectOfTheSlabIsRejected() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 10);
        Slab slab = cache.newSlab(SLAB_VA, 0);
        long a = slab.allocObject();
        assertThatThrownBy(() -> slab.freeObject(a + 8)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("Invalid object pointer 0x").hasMessageContaining("every 64 bytes");
        assertThatThrownBy(() -> slab.freeObject(SLAB_VA + 4096)).isInstanceOf(BadAddressException.class);
        assertThat(slab.inuse()).isEqualTo(1);
    }

    @Test
    void slabsMustBeAlignedToTheirSizeAndUseTheCachesOrders() {
        KmemCache cache = KmemCache.create(KmemCacheArgs.kmalloc("kmalloc-1k", 1024, 0), SlubParams.defaults(4),
                SlubConfig.DISTRIBUTION, new KernelRandom(1), memory(), new SlubDebug());
        // order 2 slabs: 16 KiB aligned
        assertThatThrownBy(() -> cache.newSlab(SLAB_VA + 4096, 2)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("not aligned");
        assertThatThrownBy(() -> cache.newSlab(SLAB_VA, 3)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("order 2 (or the fallback 0)");
        // the fallback s->min: order 0 holds 4 objects
        assertThat(cache.newSlab(SLAB_VA, 0).objects()).isEqualTo(4);
        assertThat(cache.newSlab(SLAB_VA + 0x4000, 2).objects()).isEqualTo(16);
    }

    @Test
    void aSlabOutsideMemoryFaultsBeforeAnythingIsWritten() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 11);
        // physical 0xa0000 is the legacy VGA hole of the QEMU map
        assertThatThrownBy(() -> cache.newSlab(DirectMap.PAGE_OFFSET_L4 + 0xa0000, 0))
                .isInstanceOf(io.pagelab.api.error.PageFault.class);
    }

    @TestFactory
    Stream<DynamicTest> everyShuffledSlabsFreelistIsAPermutationOfItsObjects() {
        return LongStream.rangeClosed(1, 60).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            KernelRandom pick = new KernelRandom(seed * 7919);
            int[] sizes = {8, 16, 24, 64, 96, 192, 256, 700, 1024, 4096};
            int size = sizes[pick.getRandomU32Below(sizes.length)];
            KmemCache cache = KmemCache.create(KmemCacheArgs.of("test-" + size, size, 0, 0, false),
                    SlubParams.defaults(1 + pick.getRandomU32Below(16)), SlubConfig.DISTRIBUTION,
                    new KernelRandom(seed), memory(), new SlubDebug());
            KmemCacheLayout s = cache.layout();
            long base = SLAB_VA + (s.slabBytes() * 4);
            for (int k = 0; k < 3; k++) {
                Slab slab = cache.newSlab(base + k * s.slabBytes(), s.order());
                List<Long> list = slab.freelistObjects();
                Set<Long> expected = new HashSet<>();
                for (int i = 0; i < slab.objects(); i++) {
                    expected.add(slab.objectAddress(i));
                }
                assertThat(new HashSet<>(list)).as("seed %d, %s slab %d", seed, s.name(), k).isEqualTo(expected);
                assertThat(list).as("seed %d: no duplicates", seed).hasSize(slab.objects());
                // allocating all of them gives the list's order, each once
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < slab.objects(); i++) {
                    got.add(slab.allocObject());
                }
                assertThat(got).as("seed %d", seed).isEqualTo(list);
            }
        }));
    }

    @Test
    void twoSlabsOfACacheFollowTheSameCycleFromDifferentStarts() {
        KmemCache cache = kmalloc64(SlubConfig.DISTRIBUTION, 12);
        int[] seq = FreelistRandom.indices(cache.randomSeq(), 64);
        Slab one = cache.newSlab(SLAB_VA, 0);
        Slab two = cache.newSlab(SLAB_VA + 4096, 0);
        for (Slab slab : List.of(one, two)) {
            List<Long> list = slab.freelistObjects();
            int first = slab.objToIndex(list.get(0));
            int pos = indexOf(seq, first);
            for (int i = 0; i < list.size(); i++) {
                assertThat(slab.objToIndex(list.get(i))).isEqualTo(seq[(pos + i) % seq.length]);
            }
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
