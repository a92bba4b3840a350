package io.pagelab.questions.q17;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.Prot;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q17 用户态进程虚拟内存与物理内存的关系如何？ How do a process's virtual addresses relate
 * to physical memory?
 *
 * <p>A process page table is built in the RAM of the 4 GiB QEMU machine by the library's
 * X86PageTable (tables from [1 MiB, 2 MiB)). Expected addresses are frame | offset, worked out in
 * each test; error codes from linux-reference.md §1.3 (U 0x4, W 0x2, P 0x1, I 0x10).
 */
@Grader(id = "q17")
@DisplayName("Q17 a user address through the process's page table, or the fault")
class UserTranslationTest {
    private static final long DATA = 0x00007f2c90001000L;
    private static final long TEXT = 0x400000L;
    private static final long RODATA = 0x601000L;
    private static final long HUGE_2M = 0x00007f0000200000L;
    private static final long HUGE_1G = 0x0000004000000000L;
    private static final long KERNEL = 0xffff888000001000L;

    private SimulatedRam ram;
    private long cr3;

    @BeforeEach
    void process() {
        ram = SimulatedRam.of(SampleFirmware.qemu4G());
        X86PageTable pt = X86PageTable.create(ram, new BumpPageTableAllocator(ram, 0x100000L, 0x200000L));
        pt.map(DATA, 0x12345, Prot.USER_RW);
        pt.map(TEXT, 0x2000, Prot.USER_RX);
        pt.map(RODATA, 0x2001, Prot.USER_R);
        pt.map(HUGE_2M, 0x40000, 1L << 21, Prot.USER_RW);
        pt.map(HUGE_1G, 0x80000, 1L << 30, Prot.USER_R);
        pt.map(KERNEL, 0x1, Prot.KERNEL_RW);
        cr3 = pt.root();
    }

    private int code(long va, Access access) {
        Throwable t = catchThrowable(() -> UserTranslation.translate(ram, cr3, va, access));
        assertThat(t).as("%s of %#x", access, va).isInstanceOf(PageFault.class);
        assertThat(((PageFault) t).cr2()).as("CR2").isEqualTo(va);
        return ((PageFault) t).errorCode();
    }

    @Test
    @Points(3)
    @Hint("Index the four tables with bits 47..39, 38..30, 29..21, 20..12; the next table is entry "
            + "bits 51..12; the physical address is the frame plus the 12-bit offset.")
    void aFourKilobytePageTranslatesToFramePlusOffset() {
        // pfn 0x12345 -> frame 0x12345000, offset 0x234
        assertThat(UserTranslation.translate(ram, cr3, DATA + 0x234, Access.READ)).isEqualTo(0x12345234L);
        assertThat(UserTranslation.translate(ram, cr3, DATA + 0xfff, Access.WRITE)).isEqualTo(0x12345fffL);
    }

    @Test
    @Points(3)
    @Hint("PS = 1 in a PDE ends the walk at a 2 MiB page: the frame is bits 51..21 and the offset is "
            + "the low 21 bits of the address.")
    void aTwoMegabytePageKeepsTwentyOneOffsetBits() {
        // frame 0x40000000 (pfn 0x40000), offset 0x12345
        assertThat(UserTranslation.translate(ram, cr3, HUGE_2M + 0x12345, Access.WRITE)).isEqualTo(0x40012345L);
    }

    @Test
    @Points(3)
    @Hint("PS = 1 in a PDPTE ends the walk at a 1 GiB page: offset = the low 30 bits.")
    void aOneGigabytePageKeepsThirtyOffsetBits() {
        // frame 0x80000000 (pfn 0x80000), offset 0x1234567
        assertThat(UserTranslation.translate(ram, cr3, HUGE_1G + 0x1234567, Access.READ)).isEqualTo(0x81234567L);
    }

    @Test
    @Points(3)
    @Hint("A missing entry is a not-present fault: no P bit in the code, but U (0x4), W for a write "
            + "and I for a fetch: 0x4, 0x6, 0x14.")
    void anUnmappedAddressFaultsWithANotPresentCode() {
        assertThat(code(0x1000L, Access.READ)).isEqualTo(0x4);
        assertThat(code(0x1000L, Access.WRITE)).isEqualTo(0x6);
        assertThat(code(DATA + 0x1000, Access.EXECUTE)).as("same page table, empty PTE").isEqualTo(0x14);
    }

    @Test
    @Points(3)
    @Hint("Present but denied: P is set in the code. A write to r-- is 0x7, a fetch from rw- (NX) 0x15; "
            + "text (r-x) executes.")
    void rightsAreCheckedOnPresentPages() {
        assertThat(code(RODATA, Access.WRITE)).isEqualTo(0x7);
        assertThat(code(DATA, Access.EXECUTE)).isEqualTo(0x15);
        assertThat(code(HUGE_1G, Access.WRITE)).as("read-only 1 GiB page").isEqualTo(0x7);
        assertThat(UserTranslation.translate(ram, cr3, TEXT + 0x10, Access.EXECUTE)).isEqualTo(0x2000010L);
    }

    @Test
    @Points(3)
    @Hint("The kernel half is in every process's table but without U/S: user code touching it gets "
            + "a protection fault, P|U = 0x5.")
    void kernelPagesAreNotForUserMode() {
        assertThat(code(KERNEL, Access.READ)).isEqualTo(0x5);
    }

    @Test
    @Points(2)
    @Hint("Check the address first: bits 63..47 must all be equal, else it is #GP "
            + "(GeneralProtectionFault.nonCanonical(va, 48)), never a page fault.")
    void aNonCanonicalAddressIsAGeneralProtectionFault() {
        Throwable t = catchThrowable(() -> UserTranslation.translate(ram, cr3, 0x0000800000000000L, Access.READ));
        assertThat(t).isInstanceOf(GeneralProtectionFault.class);
    }

    @Test
    @Points(2)
    @Hint("Only bits 51..12 of CR3 are the table address; with PCIDs the low 12 bits hold the "
            + "process-context ID.")
    void thePcidInCr3IsNotPartOfTheAddress() {
        long withPcid = cr3 | 5;
        assertThat(UserTranslation.translate(ram, withPcid, DATA + 0x234, Access.READ)).isEqualTo(0x12345234L);
    }
}
