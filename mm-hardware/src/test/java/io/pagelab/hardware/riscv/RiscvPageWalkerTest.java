package io.pagelab.hardware.riscv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pagelab.api.Prot;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.riscv.RiscvFault.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Sv39 translation process of the privileged spec: permission rules (U, SUM, MXR, R/W/X),
 * A/D management, superpage alignment, reserved encodings, and the fault reports. scause: 12
 * instruction, 13 load, 15 store/AMO page fault.
 */
class RiscvPageWalkerTest {
    private static final long USER_PAGE = 0x400000L;
    private static final long KERNEL_PAGE = 0xffffffc000100000L;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final RiscvPageTable table = RiscvPageTable.create(ram, pool, SvMode.SV39);
    private final RiscvPageWalker walker = new RiscvPageWalker(ram);
    private final RiscvCpuState user = RiscvCpuState.user();
    private final RiscvCpuState kernel = RiscvCpuState.supervisor();

    private RiscvFault fault(long va, Access access, RiscvCpuState cpu) {
        RiscvWalkTrace t = walker.trace(table.satp(0), va, access, cpu);
        assertThat(t.faulted()).as("walk of %#x (%s, %s) faults", va, access, cpu).isTrue();
        return t.fault().orElseThrow();
    }

    @Test
    void aWalkFindsPagesMegapagesAndGigapages() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        table.map(0x80000000L, 0x40000, 1L << 30, Prot.USER_RW);
        assertThat(walker.translate(table.satp(0), USER_PAGE + 0x123, Access.READ, user)).isEqualTo(0x777123L);
        assertThat(walker.translate(table.satp(0), 0x40154321L, Access.READ, user)).isEqualTo(0x954321L);
        assertThat(walker.translate(table.satp(0), 0xa0000000L, Access.READ, user)).isEqualTo(0x60000000L);
    }

    @Test
    void bareModeIsTheIdentity() {
        assertThat(walker.translate(0, 0x80001234L, Access.READ, kernel)).isEqualTo(0x80001234L);
    }

    @Test
    void anUnsupportedSatpModeIsRefusedByName() {
        // MODE 10 is Sv57, not modelled
        assertThatThrownBy(() -> walker.translate(10L << 60, 0, Access.READ, kernel))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("satp.MODE 10 is not supported: allowed are 0 (Bare), 8 (Sv39), 9 (Sv48)");
    }

    @Test
    void aStoreWithSvaduSetsAccessedAndDirty() {
        table.map(USER_PAGE, 0x12345, Prot.USER_RW);
        RiscvWalkTrace t = walker.trace(table.satp(0), USER_PAGE, Access.WRITE, user);
        // 0x48d1457 | D 0x80 (A was already set by Linux's _PAGE_BASE)
        assertThat(table.entry(USER_PAGE, 0)).isEqualTo(0x48d14d7L);
        assertThat(t.toString()).contains("(hart set D)");
    }

    @Test
    void withSvadeAStoreToACleanPageIsAStorePageFault() {
        table.map(USER_PAGE, 0x12345, Prot.USER_RW);
        RiscvFault f = fault(USER_PAGE, Access.WRITE, user.withHardwareAccessDirty(false));
        assertThat(f.scause()).isEqualTo(RiscvFault.STORE_PAGE_FAULT);
        assertThat(f.reason()).isEqualTo(Reason.ACCESSED_DIRTY);
        assertThat(f.message()).isEqualTo("U-mode store/AMO page fault at virtual address 0000000000400000 (scause 15:"
                + " A or D clear and the hart does not set them (Svade) at level 0)");
        assertThat(f.x86ErrorCode()).as("P|W|U").isEqualTo(0x7);
    }

    @Test
    void missingPtesFaultAtTheLevelWhereTheWalkStopped() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        assertThat(fault(0x401000L, Access.READ, user).level()).isZero();
        assertThat(fault(0x600000L, Access.READ, user).level()).isEqualTo(1);
        assertThat(fault(0x40000000L, Access.READ, user).level()).isEqualTo(2);
        RiscvFault f = fault(0x401000L, Access.READ, user);
        assertThat(f.reason()).isEqualTo(Reason.NOT_VALID);
        assertThat(f.x86ErrorCode()).as("not present, user").isEqualTo(PageFault.PF_USER);
    }

    @Test
    void aKernelNullDereferenceReadsAsAUserAccessWithoutUaccessRoutines() {
        PageFault f = catchThrowableOfType(PageFault.class,
                () -> walker.translate(table.satp(0), 0L, Access.READ, kernel));
        // arch/riscv/mm/fault.c: an S-mode fault below TASK_SIZE with SUM clear dies with this line
        assertThat(f.getMessage()).isEqualTo("Unable to handle kernel access to user memory without uaccess routines"
                + " at virtual address 0000000000000000\n"
                + "badaddr: 0000000000000000 cause: 000000000000000d (load page fault: no valid PTE at level 2)");
        assertThat(f.isNotPresent()).isTrue();
    }

    @Test
    void aKernelFaultInTheKernelHalfIsAPagingRequest() {
        RiscvFault f = fault(KERNEL_PAGE, Access.WRITE, kernel);
        assertThat(f.message()).startsWith("Unable to handle kernel paging request at virtual address ffffffc000100000\n"
                + "badaddr: ffffffc000100000 cause: 000000000000000f (store/AMO page fault");
    }

    @Test
    void aNonCanonicalAddressFaultsBeforeAnyPteIsRead() {
        RiscvWalkTrace t = walker.trace(table.satp(0), 0x4000000000L, Access.READ, kernel.withSum(true));
        assertThat(t.steps()).isEmpty();
        assertThat(t.fault().orElseThrow().reason()).isEqualTo(Reason.NOT_CANONICAL);
        assertThat(t.fault().orElseThrow().message()).startsWith("Unable to handle kernel paging request");
    }

    @Test
    void aMisalignedMegapageFaults() {
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        long pa = table.entryAddress(0x40000000L, 1);
        ram.writeLong(pa, ram.readLong(pa) + (1L << RiscvPte.PFN_SHIFT)); // pfn 0x801: not 512-aligned
        assertThat(fault(0x40000000L, Access.READ, user).reason()).isEqualTo(Reason.MISALIGNED_SUPERPAGE);
    }

    @Test
    void writeWithoutReadIsAReservedEncoding() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        long pa = table.entryAddress(USER_PAGE, 0);
        ram.writeLong(pa, ram.readLong(pa) & ~RiscvPte.READ);
        RiscvFault f = fault(USER_PAGE, Access.WRITE, user);
        assertThat(f.reason()).isEqualTo(Reason.RESERVED);
        assertThat(f.x86ErrorCode()).as("P|W|U|RSVD").isEqualTo(0xf);
    }

    @Test
    void mxrLetsALoadReadAnExecuteOnlyPage() {
        table.map(USER_PAGE, 0x777, Prot.of(Prot.USER | Prot.EXEC));
        assertThat(fault(USER_PAGE, Access.READ, user).reason()).isEqualTo(Reason.PERMISSION);
        assertThat(walker.translate(table.satp(0), USER_PAGE, Access.READ, user.withMxr(true))).isEqualTo(0x777000L);
    }

    /**
     * Outcome of a load, a store and a fetch: {@code ok} or {@code fault} (a permission page
     * fault). U-mode needs U; S-mode touches U pages only with SUM and never executes them.
     */
    @ParameterizedTest(name = "{0} from {1}: load {2}, store {3}, fetch {4}")
    @CsvSource({
        "USER_R,    U,     ok,    fault, fault",
        "USER_RW,   U,     ok,    ok,    fault",
        "USER_X,    U,     fault, fault, ok",
        "USER_RWX,  U,     ok,    ok,    ok",
        "USER_RW,   S,     fault, fault, fault",
        "USER_RW,   S_SUM, ok,    ok,    fault",
        "USER_RWX,  S_SUM, ok,    ok,    fault",
        "KERNEL_RW, U,     fault, fault, fault",
        "KERNEL_RO, S,     ok,    fault, fault",
        "KERNEL_RW, S,     ok,    ok,    fault",
        "KERNEL_RX, S,     ok,    fault, ok",
    })
    void thePermissionMatrixFollowsTheSpec(String protName, String who, String load, String store, String fetch) {
        String[] expected = {load, store, fetch};
        Access[] accesses = {Access.READ, Access.WRITE, Access.EXECUTE};
        for (int i = 0; i < 3; i++) {
            RiscvPageTable t = RiscvPageTable.create(ram, pool, SvMode.SV39);
            long va = protName.startsWith("USER") ? USER_PAGE : KERNEL_PAGE;
            t.map(va, 0x777, prot(protName));
            RiscvCpuState cpu = who.equals("U") ? user : who.equals("S") ? kernel : kernel.withSum(true);
            RiscvWalkTrace trace = walker.trace(t.satp(0), va + 8, accesses[i], cpu);
            String got = trace.faulted() ? (trace.fault().orElseThrow().reason() == Reason.PERMISSION ? "fault"
                    : trace.fault().orElseThrow().reason().name()) : "ok";
            assertThat(got).as("%s of a %s page from %s%n%s", accesses[i], protName, who, trace).isEqualTo(expected[i]);
        }
    }

    private static Prot prot(String name) {
        switch (name) {
            case "USER_R":
                return Prot.USER_R;
            case "USER_RW":
                return Prot.USER_RW;
            case "USER_X":
                return Prot.of(Prot.USER | Prot.EXEC);
            case "USER_RWX":
                return Prot.USER_RWX;
            case "KERNEL_RO":
                return Prot.KERNEL_RO;
            case "KERNEL_RW":
                return Prot.KERNEL_RW;
            case "KERNEL_RX":
                return Prot.KERNEL_RX;
            default:
                throw new IllegalArgumentException(name);
        }
    }
}
