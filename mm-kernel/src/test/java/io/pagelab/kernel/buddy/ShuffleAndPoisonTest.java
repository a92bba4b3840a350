package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.zone.MigrateType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** page_alloc.shuffle (mm/shuffle.c), init_on_alloc / init_on_free and page_poison (mm/page_poison.c). */
class ShuffleAndPoisonTest {

    /** 64 MiB of DMA32 at pfns 0x1000..0x5000, all free: 16 order-10 blocks, watermarks 0. */
    private static BuddyAllocator machine(BuddyConfig config) {
        return TestMachines.boot(new long[][] {{0x1000, 0x5000}}, new long[][] {{0x1000, 0x5000}}, config);
    }

    private static BuddyConfig base() {
        return BuddyConfig.defaults().withMinFreeKbytes(0);
    }

    private static long[] order10(BuddyAllocator b) {
        return b.zones().get(1).freeList(10, MigrateType.MOVABLE);
    }

    @Test
    void theSameSeedGivesTheSameShuffle() {
        long[] a = order10(machine(base().withShuffle(42)));
        long[] b = order10(machine(base().withShuffle(42)));
        assertThat(a).as("seed 42").containsExactly(b);
    }

    @Test
    void theShufflePermutesOnlyTheOrder10Blocks() {
        BuddyAllocator plain = machine(base());
        BuddyAllocator shuffled = machine(base().withShuffle(42));
        long[] before = order10(plain);
        long[] after = order10(shuffled);
        // memblock_free_all() hands the 16 blocks over in ascending pfn order, each to the tail
        assertThat(before).hasSize(16);
        assertThat(after).as("seed 42: a permutation of the same blocks").containsExactlyInAnyOrder(before);
        assertThat(after).as("seed 42: not the boot order").isNotEqualTo(before);
        assertThat(shuffled.zones().get(1).nrFree(10)).isEqualTo(16);
        for (int o = 0; o < 10; o++) {
            for (MigrateType mt : MigrateType.values()) {
                assertThat(shuffled.zones().get(1).freeList(o, mt)).as("order %d %s", o, mt)
                        .containsExactly(plain.zones().get(1).freeList(o, mt));
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentShuffles() {
        assertThat(order10(machine(base().withShuffle(1)))).isNotEqualTo(order10(machine(base().withShuffle(2))));
    }

    private static BuddyAllocator withRam(MemAutoInit init, SimulatedRam[] ram) {
        BuddyAllocator b = machine(base().withAutoInit(init));
        ram[0] = SimulatedRam.of(SampleFirmware.qemu128M());
        b.attachMemory(ram[0]);
        return b;
    }

    @Test
    void poisoningReportsAOneByteWriteWithItsOffsetExpectedAndFoundByte() {
        SimulatedRam[] ram = new SimulatedRam[1];
        BuddyAllocator buddy = withRam(new MemAutoInit("off", false, false, true), ram);
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        assertThat(buddy.pageCorruptions()).as("freshly poisoned memory is intact").isEmpty();
        buddy.freePages(pfn, 0);
        assertThat(ram[0].readByte((pfn << 12) + 0x123) & 0xff).as("PAGE_POISON after free").isEqualTo(0xaa);
        ram[0].writeByte((pfn << 12) + 0x123, 0x00); // a use-after-free write
        long again = buddy.allocPages(0, GFP_KERNEL);
        assertThat(again).as("the same page comes back (head of the order-0 list)").isEqualTo(pfn);
        assertThat(buddy.pageCorruptions()).hasSize(1);
        PageCorruption c = buddy.pageCorruptions().get(0);
        assertThat(c.pfn()).isEqualTo(pfn);
        assertThat(c.offset()).isEqualTo(0x123);
        assertThat(c.expected()).isEqualTo(0xaa);
        assertThat(c.found()).isEqualTo(0x00);
        // 0xaa ^ 0x00 has four bits set: not a single bit error (check_poison_mem)
        assertThat(c.report()).startsWith("pagealloc: memory corruption\n")
                .contains(String.format("%016x: 00", PageCorruption.PAGE_OFFSET + (pfn << 12) + 0x123))
                .contains("offset 0x123: expected 0xaa, found 0x00");
    }

    @Test
    void aSingleFlippedBitIsReportedAsASingleBitError() {
        SimulatedRam[] ram = new SimulatedRam[1];
        BuddyAllocator buddy = withRam(new MemAutoInit("off", false, false, true), ram);
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        buddy.freePages(pfn, 0);
        ram[0].writeByte((pfn << 12) + 7, 0xab); // 0xaa ^ 0xab = 0x01
        buddy.allocPages(0, GFP_KERNEL);
        assertThat(buddy.pageCorruptions().get(0).singleBit()).isTrue();
        assertThat(buddy.pageCorruptions().get(0).report()).startsWith("pagealloc: single bit error");
    }

    @Test
    void initOnFreeZeroesTheFreedPage() {
        SimulatedRam[] ram = new SimulatedRam[1];
        BuddyAllocator buddy = withRam(new MemAutoInit("off", false, true, false), ram);
        long pfn = buddy.allocPages(1, GFP_KERNEL);
        byte[] junk = new byte[8192];
        Arrays.fill(junk, (byte) 0x5a);
        ram[0].writeBytes(pfn << 12, junk, 0, junk.length);
        buddy.freePages(pfn, 1);
        assertThat(ram[0].readBytes(pfn << 12, 8192)).containsOnly((byte) 0);
    }

    @Test
    void initOnAllocZeroesThePageHandedOut() {
        SimulatedRam[] ram = new SimulatedRam[1];
        BuddyAllocator buddy = withRam(new MemAutoInit("off", true, false, false), ram);
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        ram[0].writeLong(pfn << 12, -1L);
        buddy.freePages(pfn, 0);
        assertThat(ram[0].readLong(pfn << 12)).as("init_on_free is off").isEqualTo(-1L);
        assertThat(buddy.allocPages(0, GFP_KERNEL)).isEqualTo(pfn);
        assertThat(ram[0].readLong(pfn << 12)).isZero();
    }

    @Test
    void theBootLineSaysWhichHeapInitIsOn() {
        // format of report_meminit() (reference §14.5)
        assertThat(new MemAutoInit("off", true, false, false).bootLines())
                .containsExactly("mem auto-init: stack:off, heap alloc:on, heap free:off");
        assertThat(new MemAutoInit("all(zero)", false, true, false).bootLines()).containsExactly(
                "mem auto-init: stack:all(zero), heap alloc:off, heap free:on",
                "mem auto-init: clearing system memory may take some time...");
    }

    @Test
    void poisoningTakesPrecedenceOverInitOnAllocAndFree() {
        MemAutoInit both = new MemAutoInit("off", true, true, true);
        assertThat(both.wantInitOnAlloc()).isFalse();
        assertThat(both.bootLines()).last().isEqualTo("mem auto-init: stack:off, heap alloc:off, heap free:off");
    }

    @Test
    void theBootReportEndsWithTheAutoInitLine() {
        BuddyConfig cfg = BuddyConfig.defaults().withAutoInit(new MemAutoInit("off", true, false, false));
        assertThat(MmCoreInit.init(io.pagelab.kernel.boot.BootMemory.boot(SampleFirmware.qemu128M()), cfg).report())
                .last().isEqualTo("mem auto-init: stack:off, heap alloc:on, heap free:off");
    }
}
