package io.pagelab.questions.q08;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.PageFault;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.questions.q08.EarlyPageTables.StartupLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q8 启动之时内存如何映射的？ How is memory mapped at boot?
 *
 * <p>The kernel is linked at _text 0xffffffff81000000 (physical 16 MiB, CONFIG_PHYSICAL_START) with
 * _end 0xffffffff8362c000: 0x262c000 bytes, 20 PMDs rounded up, level2_kernel_pgt entries 8 to 27.
 * The CPU's own page walk (PageWalker, CR3 = early_top_pgt, kernel mode) checks the result. Entry
 * values follow arch/x86/include/asm/pgtable_types.h: 0x1e3 = P RW A D PS G, 0xe3 without G.
 */
@Grader(id = "q08")
@DisplayName("Q8 early identity map and kernel high map with 2 MiB pages")
class EarlyPageTablesTest {
    private static final long TEXT = 0xffffffff81000000L;
    private static final long END = 0xffffffff8362c000L;

    private SimulatedRam ram;

    private StartupLayout boot(long physaddr) {
        ram = SimulatedRam.of(SampleFirmware.qemu4G());
        StartupLayout l = StartupLayout.of(physaddr, TEXT, END);
        EarlyPageTables.writeStaticTables(ram, l);
        EarlyPageTables.startup64(ram, l);
        return l;
    }

    private long translate(StartupLayout l, long va) {
        return new PageWalker(ram).translate(l.earlyTopPgt(), va, Access.EXECUTE,
                CpuState.plain(PagingMode.FOUR_LEVEL));
    }

    private long level2(StartupLayout l, int k) {
        return ram.readLong(l.level2KernelPgt() + 8L * k);
    }

    @Test
    @Points(3)
    @Hint("The identity map lets the CPU keep running at its physical address: the PGD entry "
            + "(physaddr >> 39) % 512 -> PUD entry physaddr >> 30 -> PMD entries from physaddr >> 21.")
    void theImageIsMappedAtItsPhysicalAddress() {
        StartupLayout l = boot(0x1000000L);
        assertThat(translate(l, 0x1000000L)).isEqualTo(0x1000000L);
        assertThat(translate(l, 0x362bfffL)).as("the last byte before _end").isEqualTo(0x362bfffL);
    }

    @Test
    @Points(3)
    @Hint("Each identity PMD entry is __PAGE_KERNEL_LARGE_EXEC without _PAGE_GLOBAL (0xe3) plus the "
            + "2 MiB frame; there is one per 2 MiB of _text.._end, rounded up: 20 here.")
    void identityEntriesAre2mPagesWithoutTheGlobalBit() {
        StartupLayout l = boot(0x1000000L);
        WalkTrace t = new PageWalker(ram).trace(l.earlyTopPgt(), 0x1000000L, Access.READ,
                CpuState.plain(PagingMode.FOUR_LEVEL));
        assertThat(t.steps()).as("PML4E, PDPTE, PDE: a 2 MiB leaf").hasSize(3);
        assertThat(t.steps().get(2).entry()).isEqualTo(0x10000e3L);
        int used = 0;
        for (int k = 0; k < 512; k++) {
            used += ram.readLong(l.dynamicPmd() + 8L * k) != 0 ? 1 : 0;
        }
        assertThat(used).as("PMD entries of the identity map").isEqualTo(20);
    }

    @Test
    @Points(3)
    @Hint("The high map goes early_top_pgt[511] -> level3_kernel_pgt[510] -> level2_kernel_pgt; "
            + "entry 8 maps 0xffffffff81000000 to physical 16 MiB.")
    void theKernelHighMapReachesTheImage() {
        StartupLayout l = boot(0x1000000L);
        assertThat(translate(l, TEXT)).isEqualTo(0x1000000L);
        assertThat(translate(l, 0xffffffff81234567L)).isEqualTo(0x1234567L);
        assertThat(level2(l, 8)).isEqualTo(0x1000000L | 0x1e3);
        assertThat(level2(l, 27)).as("pmd_index(_end) is kept").isEqualTo(0x3600000L | 0x1e3);
    }

    @Test
    @Points(3)
    @Hint("Entries of level2_kernel_pgt outside pmd_index(_text)..pmd_index(_end) lose only their P "
            + "bit: 0x1e3 becomes 0x1e2, and the CPU can no longer use them.")
    void level2EntriesOutsideTheImageLoseTheirPresentBit() {
        StartupLayout l = boot(0x1000000L);
        assertThat(level2(l, 0)).isEqualTo(0x1e2L);
        assertThat(level2(l, 7)).isEqualTo(0xe00000L | 0x1e2);
        assertThat(level2(l, 28)).isEqualTo(0x3800000L | 0x1e2);
        assertThat(level2(l, 511)).isEqualTo(0x3fe00000L | 0x1e2);
        Throwable t = catchThrowable(() -> translate(l, EarlyPageTables.START_KERNEL_MAP));
        assertThat(t).isInstanceOf(PageFault.class);
        assertThat(((PageFault) t).isNotPresent()).isTrue();
    }

    @Test
    @Points(3)
    @Hint("A kernel loaded at 64 MiB instead of 16 MiB has load_delta 0x3000000: add it to the "
            + "PGD[511], PUD[510] and the image's level2 entries, and build the identity map at 64 MiB.")
    void aRelocatedKernelIsFixedUpByLoadDelta() {
        StartupLayout l = boot(0x4000000L);
        assertThat(translate(l, TEXT)).isEqualTo(0x4000000L);
        assertThat(level2(l, 8)).isEqualTo(0x4000000L | 0x1e3);
        assertThat(translate(l, 0x4000000L)).isEqualTo(0x4000000L);
        assertThat(catchThrowable(() -> translate(l, 0x1000000L))).as("nothing is identity-mapped at 16 MiB")
                .isInstanceOf(PageFault.class);
    }

    @Test
    @Points(3)
    @Hint("An image crossing a 1 GiB boundary needs the PUD entry j+1: it points to the SAME PMD, "
            + "whose index wraps around (% 512).")
    void anImageAcrossAGigabyteBoundaryUsesTheWrapAroundEntries() {
        // physaddr 0x3fe00000: PMD index 511 of the first GiB, then 0..18 of the second
        StartupLayout l = boot(0x3fe00000L);
        assertThat(translate(l, 0x3fe00000L)).isEqualTo(0x3fe00000L);
        assertThat(translate(l, 0x40000000L)).as("through PUD[1] and PMD[0]").isEqualTo(0x40000000L);
        assertThat(translate(l, TEXT + 0x200000L)).as("high map, load_delta 0x3ee00000").isEqualTo(0x40000000L);
    }

    @Test
    @Points(2)
    @Hint("load_delta must be a multiple of 2 MiB (CONFIG_PHYSICAL_ALIGN): a 2 MiB page cannot start "
            + "elsewhere. Throw IllegalArgumentException.")
    void aKernelNotAlignedTo2mIsRefused() {
        ram = SimulatedRam.of(SampleFirmware.qemu4G());
        StartupLayout l = StartupLayout.of(0x1100000L, TEXT, END);
        EarlyPageTables.writeStaticTables(ram, l);
        assertThatThrownBy(() -> EarlyPageTables.startup64(ram, l)).isInstanceOf(IllegalArgumentException.class);
    }
}
