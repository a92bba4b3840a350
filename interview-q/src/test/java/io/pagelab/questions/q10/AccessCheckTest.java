package io.pagelab.questions.q10;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.PageFault;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PagingMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q10 页保护模式是怎样的？ How does page-level protection work?
 *
 * <p>Every error code is derived by hand from the bits of arch/x86/include/asm/trap_pf.h
 * (P 0x1, W 0x2, U 0x4, RSVD 0x8, I 0x10; linux-reference.md §1.3) and the rules of the Intel SDM
 * vol. 3A §4.6-4.7. The CPU starts as {@link CpuState#plain}: CR0.WP and EFER.NXE on, no SMEP, no
 * SMAP, kernel mode; each test switches one thing.
 */
@Grader(id = "q10")
@DisplayName("Q10 page-level protection: U/S, R/W with CR0.WP, NX, SMEP, SMAP")
class AccessCheckTest {
    private static final long VA = 0x00007f0000001000L;
    /** A table entry leading to user pages: P R/W U/S. */
    private static final long TABLE = 0x1000L | 0x7;
    /** A table entry for kernel-only tables: P R/W. */
    private static final long KTABLE = 0x1000L | 0x3;
    private static final long NX = 1L << 63;
    /** User read-only data: P U/S NX. */
    private static final long USER_RO = 0x5000L | 0x5 | NX;
    /** User read-write data: P R/W U/S NX. */
    private static final long USER_RW = 0x5000L | 0x7 | NX;
    /** User text: P U/S, executable. */
    private static final long USER_RX = 0x5000L | 0x5;
    /** Kernel read-only: P. */
    private static final long KERNEL_RO = 0x6000L | 0x1 | NX;

    private static final CpuState KERNEL = CpuState.plain(PagingMode.FOUR_LEVEL);
    private static final CpuState USER = KERNEL.user();

    private static long[] walk(long... entries) {
        return entries;
    }

    /** The error code of the fault check() throws; -1 if it does not throw a PageFault. */
    private static int code(long[] entries, Access access, CpuState cpu) {
        Throwable t = catchThrowable(() -> AccessCheck.check(VA, entries, access, cpu));
        assertThat(t).as("%s with %s", access, cpu).isInstanceOf(PageFault.class);
        PageFault f = (PageFault) t;
        assertThat(f.cr2()).as("CR2").isEqualTo(VA);
        return f.errorCode();
    }

    private static void allowed(long[] entries, Access access, CpuState cpu) {
        assertThatCode(() -> AccessCheck.check(VA, entries, access, cpu)).as("%s with %s", access, cpu)
                .doesNotThrowAnyException();
    }

    @Test
    @Points(3)
    @Hint("A user write needs R/W at every level: a present read-only page gives P|W|U = 0x7, the "
            + "code of every copy-on-write fault.")
    void aUserWriteToAReadOnlyPageFaultsWithCode7() {
        allowed(walk(TABLE, TABLE, TABLE, USER_RO), Access.READ, USER);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RO), Access.WRITE, USER)).isEqualTo(0x7);
    }

    @Test
    @Points(3)
    @Hint("U/S must be set at EVERY level for user mode: a clear U/S in any table entry makes the "
            + "whole range supervisor-only (P|U = 0x5 for a read).")
    void userModeNeedsUsAtEveryLevel() {
        assertThat(code(walk(TABLE, TABLE, TABLE, KERNEL_RO), Access.READ, USER)).as("leaf without U/S")
                .isEqualTo(0x5);
        assertThat(code(walk(TABLE, KTABLE, TABLE, USER_RW), Access.READ, USER)).as("PDPTE without U/S")
                .isEqualTo(0x5);
    }

    @Test
    @Points(3)
    @Hint("The first entry without P stops the walk: the code has no P bit, only W, U and (for a "
            + "fetch with NXE or SMEP) I. A kernel read of a missing page has code 0.")
    void aMissingEntryGivesANotPresentCode() {
        assertThat(code(walk(TABLE, TABLE, TABLE, 0), Access.WRITE, USER)).as("user write, PTE empty")
                .isEqualTo(0x6);
        assertThat(code(walk(KTABLE, KTABLE, 0, KERNEL_RO), Access.READ, KERNEL)).as("kernel read, PDE empty")
                .isEqualTo(0x0);
        assertThat(code(walk(KTABLE, 0), Access.EXECUTE, KERNEL)).as("kernel fetch, PDPTE empty")
                .isEqualTo(0x10);
    }

    @Test
    @Points(3)
    @Hint("CR0.WP decides whether the kernel respects R/W: with WP=1 a supervisor write to a "
            + "read-only page faults (0x3), with WP=0 it succeeds. User mode always respects R/W.")
    void cr0WpDecidesWhetherTheKernelMayWriteReadOnlyPages() {
        assertThat(code(walk(KTABLE, KTABLE, KTABLE, KERNEL_RO), Access.WRITE, KERNEL)).isEqualTo(0x3);
        allowed(walk(KTABLE, KTABLE, KTABLE, KERNEL_RO), Access.WRITE, KERNEL.withWp(false));
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RO), Access.WRITE, USER.withWp(false)))
                .as("WP does not concern user mode").isEqualTo(0x7);
    }

    @Test
    @Points(3)
    @Hint("NX at ANY level forbids fetching: the code is P|U|I = 0x15 for a user fetch.")
    void nxAnywhereOnTheWalkForbidsAFetch() {
        allowed(walk(TABLE, TABLE, TABLE, USER_RX), Access.EXECUTE, USER);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RW), Access.EXECUTE, USER)).as("NX in the PTE")
                .isEqualTo(0x15);
        assertThat(code(walk(TABLE | NX, TABLE, TABLE, USER_RX), Access.EXECUTE, USER)).as("NX in the PML4E")
                .isEqualTo(0x15);
    }

    @Test
    @Points(3)
    @Hint("Without EFER.NXE bit 63 is reserved: an entry with it faults with P|RSVD (0x8) plus U; the "
            + "I bit needs NXE or SMEP, so a user fetch gives 0xd. Pages without bit 63 all execute.")
    void withoutNxeBit63IsAReservedBit() {
        CpuState noNxe = USER.withNxe(false);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RW), Access.EXECUTE, noNxe)).isEqualTo(0xd);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RW), Access.READ, noNxe)).isEqualTo(0xd);
        allowed(walk(TABLE, TABLE, TABLE, USER_RX), Access.EXECUTE, noNxe);
    }

    @Test
    @Points(3)
    @Hint("SMEP (CR4 bit 20): the kernel may not fetch instructions from a user page; the code is "
            + "P|I = 0x11 (supervisor, so no U).")
    void smepStopsTheKernelFetchingFromUserPages() {
        allowed(walk(TABLE, TABLE, TABLE, USER_RX), Access.EXECUTE, KERNEL);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RX), Access.EXECUTE, KERNEL.withCr4(CpuState.CR4_SMEP, true)))
                .isEqualTo(0x11);
    }

    @Test
    @Points(3)
    @Hint("SMAP (CR4 bit 21): kernel data accesses to user pages fault (read 0x1, write 0x3) unless "
            + "RFLAGS.AC is set, which stac() does around copy_from_user().")
    void smapStopsKernelDataAccessesToUserPagesUnlessAcIsSet() {
        CpuState smap = KERNEL.withCr4(CpuState.CR4_SMAP, true);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RW), Access.READ, smap)).isEqualTo(0x1);
        assertThat(code(walk(TABLE, TABLE, TABLE, USER_RW), Access.WRITE, smap)).isEqualTo(0x3);
        allowed(walk(TABLE, TABLE, TABLE, USER_RW), Access.READ, smap.withAc(true));
        allowed(walk(TABLE, TABLE, TABLE, USER_RW), Access.WRITE, smap.withAc(true));
    }
}
