package io.pagelab.questions.q48;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.Prot;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.pgtable.KernelPageTables;
import io.pagelab.kernel.pgtable.KernelPageTablesConfig;
import io.pagelab.kernel.pgtable.StrictKernelRwx;
import io.pagelab.questions.q48.WxChecker.WxRange;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q48 内核代码段如何进行自我防护？ How does kernel text protect itself?
 *
 * <p>Two machines: the booted QEMU 4 GiB kernel (io.pagelab.kernel.pgtable: its image
 * 0xffffffff81000000-0xffffffff837fffff is mapped writable and executable by head_64.S until
 * mark_rodata_ro()), and a small hand-made kernel table for the rules. Messages are those of
 * arch/x86/mm/dump_pagetables.c (linux-reference.md §14.3); counts are in 4 KiB pages, worked
 * out in each test.
 */
@Grader(id = "q48")
@DisplayName("Q48 STRICT_KERNEL_RWX and the W+X checker")
class WxCheckerTest {
    private static final long MODULES = 0xffffffffc0000000L;
    private static final Prot RWX = Prot.of(Prot.READ | Prot.WRITE | Prot.EXEC);

    private SimulatedRam ram;
    private X86PageTable kernel;

    @BeforeEach
    void smallKernelTable() {
        ram = SimulatedRam.of(SampleFirmware.qemu128M());
        kernel = X86PageTable.create(ram, new BumpPageTableAllocator(ram, 0x100000L, 0x200000L));
        kernel.map(0xffff888000000000L, 0, 1L << 21, Prot.KERNEL_RW); // a direct-map page: W, NX
    }

    @Test
    @Points(3)
    @Hint("Before mark_rodata_ro() the kernel image is mapped by 2 MiB pages that are RW and "
            + "executable: 20 of them from 0xffffffff81000000, one range of 20 x 512 = 10240 pages.")
    void theImageIsWxBeforeMarkRodataRo() {
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.defaults());
        List<WxRange> r = WxChecker.scan(k.memory(), k.pageTable().root());
        assertThat(r).containsExactly(new WxRange(0xffffffff81000000L, 0xffffffff83800000L));
        assertThat(WxChecker.report(r)).containsExactly(
                "x86/mm: Found insecure W+X mapping at address 0xffffffff81000000",
                "x86/mm: Checked W+X mappings: FAILED, 10240 W+X pages found.");
    }

    @Test
    @Points(3)
    @Hint("After mark_rodata_ro() text is RO+X, rodata RO+NX, data RW+NX: nothing to report, and the "
            + "single 'passed' line is printed.")
    void afterMarkRodataRoTheCheckPasses() {
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.defaults());
        StrictKernelRwx.markRodataRo(k);
        List<WxRange> r = WxChecker.scan(k.memory(), k.pageTable().root());
        assertThat(r).isEmpty();
        assertThat(WxChecker.report(r)).containsExactly("x86/mm: Checked W+X mappings: passed, no W+X pages found.");
    }

    @Test
    @Points(3)
    @Hint("A module mapped RWX in three consecutive 4 KiB pages is one range of 3 pages "
            + "(seed-digest Q49).")
    void threeRwxModulePagesAreOneRangeOfThreePages() {
        for (int i = 0; i < 3; i++) {
            kernel.map(MODULES + i * 4096L, 0x5000 + i, RWX);
        }
        List<WxRange> r = WxChecker.scan(ram, kernel.root());
        assertThat(r).containsExactly(new WxRange(MODULES, MODULES + 0x3000));
        assertThat(WxChecker.report(r)).containsExactly(
                "x86/mm: Found insecure W+X mapping at address 0xffffffffc0000000",
                "x86/mm: Checked W+X mappings: FAILED, 3 W+X pages found.");
    }

    @Test
    @Points(3)
    @Hint("A PDE or PDPTE with PS is a leaf: a W+X 2 MiB page counts 512 pages, a 1 GiB page "
            + "262144.")
    void largePagesCountInFourKilobyteUnits() {
        kernel.map(MODULES, 0x4000, 1L << 21, RWX);
        kernel.map(0xffffff8000000000L, 0x40000, 1L << 30, RWX);
        List<WxRange> r = WxChecker.scan(ram, kernel.root());
        assertThat(r).containsExactly(new WxRange(0xffffff8000000000L, 0xffffff8040000000L),
                new WxRange(MODULES, MODULES + 0x200000));
        assertThat(WxChecker.report(r).get(1)).isEqualTo("x86/mm: Checked W+X mappings: FAILED, 262656 W+X pages found.");
    }

    @Test
    @Points(3)
    @Hint("Rights combine over the walk: NX in ANY entry above makes the page non-executable, a "
            + "missing R/W in any entry above makes it read-only. Neither page here is W+X.")
    void higherLevelsCanTakeTheRightsAway() {
        long nxBelow = MODULES;
        long roBelow = MODULES + (1L << 30); // another PDPT entry
        kernel.map(nxBelow, 0x5000, RWX);
        kernel.map(roBelow, 0x5001, RWX);
        long pde = kernel.entryAddress(nxBelow, PagingLevel.PD);
        ram.writeLong(pde, ram.readLong(pde) | 1L << 63); // NX on the PDE
        long pdpte = kernel.entryAddress(roBelow, PagingLevel.PDPT);
        ram.writeLong(pdpte, ram.readLong(pdpte) & ~2L); // R/W off on the PDPTE
        assertThat(WxChecker.scan(ram, kernel.root())).isEmpty();
    }

    @Test
    @Points(3)
    @Hint("A range ends at a hole, at a page that is not W+X, and where the page size changes; each "
            + "range is reported, but the 'Found insecure' line names only the first.")
    void rangesEndAtHolesAndAtSizeChanges() {
        kernel.map(MODULES, 0x5000, RWX);
        kernel.map(MODULES + 0x2000, 0x5002, RWX); // hole at +0x1000
        kernel.map(MODULES + 0x1ff000, 0x5003, RWX); // last 4K page before a 2M page
        kernel.map(MODULES + 0x200000, 0x4000, 1L << 21, RWX);
        List<WxRange> r = WxChecker.scan(ram, kernel.root());
        assertThat(r).containsExactly(new WxRange(MODULES, MODULES + 0x1000),
                new WxRange(MODULES + 0x2000, MODULES + 0x3000),
                new WxRange(MODULES + 0x1ff000, MODULES + 0x200000),
                new WxRange(MODULES + 0x200000, MODULES + 0x400000));
        assertThat(WxChecker.report(r)).containsExactly(
                "x86/mm: Found insecure W+X mapping at address 0xffffffffc0000000",
                "x86/mm: Checked W+X mappings: FAILED, 515 W+X pages found.");
    }
}
