package io.pagelab.kernel.kaslr;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.layout.KernelLayout64;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class KaslrTest {

    private static final long MIB = 1L << 20;
    private final KaslrConfig config = KaslrConfig.defaults();
    /** seed-digest App. D.1: usable 0x0-0x9fbff and 0x100000-0x7fdffff. */
    private final List<E820Entry> d1 = SampleFirmware.qemu128M().entries();

    private KaslrRequest d1Request(String cmdline) {
        return new KaslrRequest(d1, cmdline, 0x1000000L, 16 * MIB, List.of(), config);
    }

    @Test
    void nokaslrLeavesTheKernelAt16MiBAndTextAt0xffffffff81000000() {
        KaslrResult r = Kaslr.chooseRandomLocation(d1Request("ro nokaslr"), RandomSource.sequence());
        assertThat(r.physical()).isEqualTo(0x1000000L);
        assertThat(r.text()).isEqualTo(0xffffffff81000000L);
        assertThat(r.physBase()).isZero();
        assertThat(r.kaslrFlag()).isFalse();
        assertThat(r.warnings()).containsExactly("KASLR disabled: 'nokaslr' on cmdline.");
    }

    @Test
    void thePhysicalRandomNumberPicksASlotAndTheVirtualOneAnOffset() {
        // physical: 5 % 48 = slot 5 -> 0x1000000 + 5 * 2 MiB = 0x1a00000
        // virtual: (1 GiB - 16 MiB - 16 MiB) / 2 MiB + 1 = 497 slots; 100 % 497 = 100
        //          -> 0x1000000 + 100 * 0x200000 = 0xd800000
        KaslrResult r = Kaslr.chooseRandomLocation(d1Request("ro"), RandomSource.sequence(5, 100));
        assertThat(r.physical()).isEqualTo(0x1a00000L);
        assertThat(r.physicalSlots()).isEqualTo(48);
        assertThat(r.virtualSlots()).isEqualTo(497);
        assertThat(r.virtualOffset()).isEqualTo(0xd800000L);
        assertThat(r.text()).isEqualTo(0xffffffff8d800000L);
        assertThat(r.kaslrFlag()).isTrue();
    }

    @Test
    void physBaseMakesPaOfTextThePhysicalAddressEvenWhenItWraps() {
        // phys_base = 0x1a00000 - 0xd800000 is "negative": the kernel's unsigned arithmetic wraps back
        KaslrResult r = Kaslr.chooseRandomLocation(d1Request(""), RandomSource.sequence(5, 100));
        KernelLayout64 layout = KernelLayout64.level4().withKernelImageSize(1L << 30).withPhysBase(r.physBase());
        assertThat(layout.pa(r.text())).isEqualTo(0x1a00000L);
    }

    @Test
    void randomValuesAreUnsigned() {
        // 2^64 - 1 mod 48: 2^64 = 16 * 2^60 and 2^60 mod 3 = 1, so 2^64 mod 48 = 16 and (2^64 - 1) mod 48 = 15
        KaslrResult r = Kaslr.chooseRandomLocation(d1Request(""), RandomSource.sequence(-1L, 0));
        assertThat(r.physical()).isEqualTo(0x1000000L + 15 * 0x200000L);
    }

    @Test
    void a40MiBImageHas485VirtualSlots() {
        // linux-reference.md §14.1: (1008 MiB - 40 MiB) / 2 MiB + 1 = 485
        assertThat(Kaslr.virtualSlots(0x1000000L, 40 * MIB, config)).isEqualTo(485);
        // the image size is rounded up to 2 MiB first: 39 MiB + 1 byte counts as 40 MiB
        assertThat(Kaslr.virtualSlots(0x1000000L, 39 * MIB + 1, config)).isEqualTo(485);
    }

    @Test
    void withoutRoomPhysicalKaslrIsOffButTheVirtualOffsetIsStillRandom() {
        // 24 MiB of RAM: [0x1000000, 0x1800000) is 8 MiB, too small for 16 MiB
        List<E820Entry> small = List.of(E820Entry.of(0, 0x9fc00, E820Type.RAM),
                E820Entry.of(0x100000, 0x1700000, E820Type.RAM));
        KaslrResult r = Kaslr.chooseRandomLocation(new KaslrRequest(small, "", 0x1000000L, 16 * MIB, List.of(), config),
                RandomSource.sequence(7));
        assertThat(r.physical()).isEqualTo(0x1000000L);
        assertThat(r.physicalSlots()).isZero();
        assertThat(r.warnings()).containsExactly("Physical KASLR disabled: no suitable memory region!");
        assertThat(r.virtualOffset()).as("7 % 497 = 7 -> 16 MiB + 14 MiB").isEqualTo(0x1e00000L);
    }

    @Test
    void fiveMemmapRegionsInOneOptionTurnPhysicalKaslrOff() {
        KaslrResult r = Kaslr.chooseRandomLocation(d1Request("memmap=1M#16M,1M#32M,1M#48M,1M#64M,1M#80M"),
                RandomSource.sequence(3));
        assertThat(r.physical()).isEqualTo(0x1000000L);
        assertThat(r.warnings()).contains("Physical KASLR disabled: no suitable memory region!");
    }

    @Test
    void theMinimumIsTheOutputCappedAt512MiB() {
        // output at 1 GiB: min_addr = min(1 GiB, 512 MiB) = 512 MiB, so on a 2 GiB machine slots start there
        List<E820Entry> twoGiB = List.of(E820Entry.of(0x100000, (2L << 30) - 0x100000, E820Type.RAM));
        KaslrResult r = Kaslr.chooseRandomLocation(new KaslrRequest(twoGiB, "", 1L << 30, 16 * MIB, List.of(), config),
                RandomSource.sequence(0, 0));
        assertThat(r.physical()).isEqualTo(512 * MIB);
        // (2 GiB - 512 MiB - 16 MiB) / 2 MiB + 1 = 760 + 1
        assertThat(r.physicalSlots()).isEqualTo(761);
    }

    @Test
    void overManySeedsEverySlotIsHitAndEveryResultIsAlignedAndInsideRam() {
        // 20,000 fixed seeds: 48 physical slots (the seed-digest's count) and 497 virtual ones all appear
        BitSet physical = new BitSet();
        BitSet virtual = new BitSet();
        for (long seed = 0; seed < 20_000; seed++) {
            KaslrResult r = Kaslr.chooseRandomLocation(d1Request(""), RandomSource.seeded(seed));
            long p = r.physical();
            assertThat(p % 0x200000L).as("seed %d: physical %#x aligned", seed, p).isZero();
            assertThat(p >= 0x1000000L && p + 16 * MIB <= 0x7fe0000L).as("seed %d: physical %#x in RAM", seed, p)
                    .isTrue();
            long v = r.virtualOffset();
            assertThat(v % 0x200000L).as("seed %d: virtual %#x aligned", seed, v).isZero();
            assertThat(v >= 0x1000000L && v + 16 * MIB <= 1L << 30).as("seed %d: virtual %#x inside", seed, v).isTrue();
            physical.set((int) ((p - 0x1000000L) / 0x200000L));
            virtual.set((int) ((v - 0x1000000L) / 0x200000L));
        }
        assertThat(physical.cardinality()).isEqualTo(48);
        assertThat(virtual.cardinality()).isEqualTo(497);
    }

    @Test
    void theSameSeedGivesTheSameLayout() {
        KaslrResult a = Kaslr.chooseRandomLocation(d1Request(""), RandomSource.seeded(42));
        KaslrResult b = Kaslr.chooseRandomLocation(d1Request(""), RandomSource.seeded(42));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void theKernelAvoidsTheDecompressorItsInitrdCmdlineAndZeroPage() {
        // ZO range [0x2400000, 0x1000000 + 0x2000000), initrd 0x5000000 + 8 MiB, cmdline and boot_params low
        List<MemVector> avoid = MemAvoid.init(0x2400000L, 0x1000000L, 0x2000000L, 0x5000000L, 8 * MIB, 0x20000L,
                "ro quiet", 0x10000L);
        assertThat(avoid).extracting(MemVector::name)
                .containsExactly("ZO range", "initrd", "cmdline", "boot_params");
        assertThat(avoid.get(0).end()).isEqualTo(0x3000000L);
        assertThat(avoid.get(2).size()).as("\"ro quiet\" plus its NUL").isEqualTo(9);
        KaslrRequest req = new KaslrRequest(d1, "ro quiet", 0x1000000L, 16 * MIB, avoid, config);
        for (long seed = 0; seed < 2_000; seed++) {
            long p = Kaslr.chooseRandomLocation(req, RandomSource.seeded(seed)).physical();
            MemVector image = new MemVector("image", p, 16 * MIB);
            for (MemVector a : avoid) {
                assertThat(image.overlaps(a)).as("seed %d: image at %#x overlaps %s", seed, p, a).isFalse();
            }
        }
    }
}
