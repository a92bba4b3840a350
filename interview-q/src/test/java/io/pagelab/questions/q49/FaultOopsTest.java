package io.pagelab.questions.q49;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.Prot;
import io.pagelab.api.error.PageFault;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q49 内核代码段如何防护注入？ How is kernel code protected from injection?
 *
 * <p>Attacks are played on a process page table (user pages, the kernel's direct map) with the
 * CPU of a Linux 6.x kernel (CR0.WP, NXE, SMEP, SMAP); the simulated MMU raises the fault and the
 * learner prints the oops. Expected lines come from arch/x86/mm/fault.c: show_fault_oops() and the
 * real 6.x oops quoted in linux-reference.md §14.4 (the SMEP case, uid 1000, address 0x10101000).
 */
@Grader(id = "q49")
@DisplayName("Q49 NX, SMEP and SMAP stop code injection: the oops they cause")
class FaultOopsTest {
    private static final long SHELLCODE = 0x10101000L;
    private static final long USER_BUF = 0x00007ffd12345000L;
    private static final long KERNEL_DATA = 0xffff888000200000L;

    private SimulatedRam ram;
    private X86PageTable pt;

    @BeforeEach
    void process() {
        ram = SimulatedRam.of(SampleFirmware.qemu128M());
        pt = X86PageTable.create(ram, new BumpPageTableAllocator(ram, 0x100000L, 0x200000L));
        pt.map(SHELLCODE, 0x3000, Prot.USER_RX); // the exploit's own code, user memory
        pt.map(USER_BUF, 0x3001, Prot.USER_RW);
        pt.map(KERNEL_DATA, 0x200, 1L << 21, Prot.KERNEL_RW); // direct map: RW, NX
    }

    /** The entries of va from the PGD down to the leaf or the first non-present entry. */
    private long[] walk(long va) {
        List<Long> out = new ArrayList<>();
        for (PagingLevel level : pt.mode().levels()) {
            long e = pt.entry(va, level);
            out.add(e);
            if ((e & 1) == 0 || level == PagingLevel.PT || (level != PagingLevel.PML4 && (e & 0x80) != 0)) {
                break;
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** What the MMU raises for this kernel-mode access. */
    private PageFault fault(long va, Access access, CpuState cpu) {
        Throwable t = catchThrowable(() -> new PageWalker(ram).translate(pt.root(), va, access, cpu));
        assertThat(t).as("the MMU must fault").isInstanceOf(PageFault.class);
        return (PageFault) t;
    }

    @Test
    @Points(4)
    @Hint("An instruction fetch from a present, executable page whose PGD entry has U/S, with SMEP "
            + "on: 'unable to execute userspace code (SMEP?)' comes first, then the three #PF lines.")
    void ret2usrIsStoppedBySmep() {
        PageFault f = fault(SHELLCODE, Access.EXECUTE, CpuState.linux());
        assertThat(f.errorCode()).as("P|I").isEqualTo(0x11);
        assertThat(FaultOops.showFaultOops(SHELLCODE, f.errorCode(), false, walk(SHELLCODE), true, 1000))
                .containsExactly(
                        "unable to execute userspace code (SMEP?) (uid: 1000)",
                        "BUG: unable to handle page fault for address: 0000000010101000",
                        "#PF: supervisor instruction fetch in kernel mode",
                        "#PF: error_code(0x0011) - permissions violation");
    }

    @Test
    @Points(4)
    @Hint("Shellcode copied into kernel data and jumped to: the page is present but NX, so the "
            + "kernel names it an exploit attempt.")
    void shellcodeInKernelDataIsStoppedByNx() {
        PageFault f = fault(KERNEL_DATA + 0x40, Access.EXECUTE, CpuState.linux());
        assertThat(FaultOops.showFaultOops(KERNEL_DATA + 0x40, f.errorCode(), false, walk(KERNEL_DATA), true, 0))
                .containsExactly(
                        "kernel tried to execute NX-protected page - exploit attempt? (uid: 0)",
                        "BUG: unable to handle page fault for address: ffff888000200040",
                        "#PF: supervisor instruction fetch in kernel mode",
                        "#PF: error_code(0x0011) - permissions violation");
    }

    @Test
    @Points(3)
    @Hint("NX counts wherever it is on the walk: a table entry with NX above an executable leaf "
            + "still makes the page NX-protected (and then the SMEP line is not printed).")
    void nxInAHigherLevelAlsoCounts() {
        // PML4E P RW U/S; PDPTE P RW U/S; PDE P RW U/S NX; PTE P U/S (executable)
        long[] w = {0x1067L, 0x2067L, 0x8000000000003067L, 0x3000025L};
        assertThat(FaultOops.showFaultOops(SHELLCODE, 0x11, false, w, true, 1000)).containsExactly(
                "kernel tried to execute NX-protected page - exploit attempt? (uid: 1000)",
                "BUG: unable to handle page fault for address: 0000000010101000",
                "#PF: supervisor instruction fetch in kernel mode",
                "#PF: error_code(0x0011) - permissions violation");
    }

    @Test
    @Points(3)
    @Hint("SMAP blocks a kernel READ of user memory outside stac/clac: error code 0x1 (P, supervisor, "
            + "read). Not a fetch, so no exploit line.")
    void aKernelReadOfUserMemoryWithoutAcIsStoppedBySmap() {
        PageFault f = fault(USER_BUF + 0x678, Access.READ, CpuState.linux());
        assertThat(FaultOops.showFaultOops(USER_BUF + 0x678, f.errorCode(), false, walk(USER_BUF), true, 1000))
                .containsExactly(
                        "BUG: unable to handle page fault for address: 00007ffd12345678",
                        "#PF: supervisor read access in kernel mode",
                        "#PF: error_code(0x0001) - permissions violation");
        assertThat(catchThrowable(() -> new PageWalker(ram).translate(pt.root(), USER_BUF, Access.READ,
                CpuState.linux().withAc(true)))).as("inside stac()/clac() the read is allowed").isNull();
    }

    @Test
    @Points(3)
    @Hint("Below 4096 in kernel mode the first line says 'kernel NULL pointer dereference'; in user "
            + "mode the usual 'unable to handle page fault' line is printed.")
    void aNullDereferenceHasItsOwnFirstLineInKernelModeOnly() {
        assertThat(FaultOops.showFaultOops(0x8, 0x0, false, walk(0x8), true, 0)).containsExactly(
                "BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "#PF: supervisor read access in kernel mode",
                "#PF: error_code(0x0000) - not-present page");
        assertThat(FaultOops.showFaultOops(0x8, 0x4, true, walk(0x8), true, 1000)).containsExactly(
                "BUG: unable to handle page fault for address: 0000000000000008",
                "#PF: user read access in user mode",
                "#PF: error_code(0x0004) - not-present page");
    }

    @Test
    @Points(3)
    @Hint("A fetch from an unmapped address is no exploit evidence: the walk ends at an entry without "
            + "P, so neither NX nor SMEP line is printed.")
    void aFetchFromAnUnmappedAddressPrintsNoExploitLine() {
        long va = 0xffffffffc0001000L;
        PageFault f = fault(va, Access.EXECUTE, CpuState.linux());
        assertThat(f.errorCode()).as("I only").isEqualTo(0x10);
        assertThat(FaultOops.showFaultOops(va, f.errorCode(), false, walk(va), true, 0)).containsExactly(
                "BUG: unable to handle page fault for address: ffffffffc0001000",
                "#PF: supervisor instruction fetch in kernel mode",
                "#PF: error_code(0x0010) - not-present page");
    }

    @Test
    @Points(2)
    @Hint("The reason follows the error code: no P = not-present page, else RSVD (0x8) = reserved bit "
            + "violation, else PK (0x20) = protection keys violation, else permissions violation.")
    void theReasonFollowsTheErrorCodeBits() {
        assertThat(FaultOops.showFaultOops(USER_BUF, 0x9, false, new long[] {0x1067L}, true, 0).get(2))
                .isEqualTo("#PF: error_code(0x0009) - reserved bit violation");
        assertThat(FaultOops.showFaultOops(USER_BUF, 0x25, true, new long[] {0x1067L}, true, 0)).containsExactly(
                "BUG: unable to handle page fault for address: 00007ffd12345000",
                "#PF: user read access in user mode",
                "#PF: error_code(0x0025) - protection keys violation");
    }
}
