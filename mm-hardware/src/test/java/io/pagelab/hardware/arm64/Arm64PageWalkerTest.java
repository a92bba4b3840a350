package io.pagelab.hardware.arm64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arm64 walk: fault kinds and levels, ESR values, Linux's messages, and the permission rules
 * of AP[2:1], UXN/PXN, PAN, APTable and XN table bits. ESR values are worked out from esr.h:
 * EC << 26 | IL (1 << 25) | WnR (1 << 6) | FSC, with EC 0x24 DABT_LOW, 0x25 DABT_CUR,
 * 0x20 IABT_LOW, 0x21 IABT_CUR, so a data abort from EL0 starts at 0x92000000, from EL1 at
 * 0x96000000, an instruction abort from EL0 at 0x82000000, from EL1 at 0x86000000.
 */
class Arm64PageWalkerTest {
    private static final long USER_PAGE = 0x400000L;
    private static final long KERNEL_PAGE = 0xffff000000100000L;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final Arm64PageTable table = Arm64PageTable.create(ram, pool);
    private final Arm64PageWalker walker = new Arm64PageWalker(ram);
    private final Arm64CpuState user = Arm64CpuState.linuxUser();
    private final Arm64CpuState kernel = Arm64CpuState.linuxKernel();

    private Arm64Fault fault(long va, Access access, Arm64CpuState cpu) {
        Arm64WalkTrace t = walker.trace(table.ttbr0(0), table.ttbr1(), va, access, cpu);
        assertThat(t.faulted()).as("walk of %#x (%s, %s) faults", va, access, cpu).isTrue();
        return t.fault().orElseThrow();
    }

    // ---- translation, AF, dirty ----

    @Test
    void aWalkFindsTheFrameOfPagesAndBlocks() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        table.map(0x80000000L, 0x40000, 1L << 30, Prot.USER_RW);
        assertThat(walker.translate(table, USER_PAGE + 0x123, Access.READ, user)).isEqualTo(0x777123L);
        assertThat(walker.translate(table, 0x40154321L, Access.READ, user)).as("2 MiB block at 8 MiB, offset 0x154321")
                .isEqualTo(0x954321L);
        assertThat(walker.translate(table, 0xa0000000L, Access.READ, user)).as("1 GiB block at 1 GiB, offset 0x20000000")
                .isEqualTo(0x60000000L);
    }

    @Test
    void translationFaultsNameTheLevelWhereTheWalkStopped() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        // 0x401000: same L3 table, empty slot; 0x600000: L2 index 3 empty; 0x40000000: L1 index 1 empty;
        // 0x8000000000: L0 index 1 empty
        assertThat(fault(0x401000L, Access.READ, user).fsc()).isEqualTo(0x07);
        assertThat(fault(0x600000L, Access.READ, user).fsc()).isEqualTo(0x06);
        assertThat(fault(0x40000000L, Access.READ, user).fsc()).isEqualTo(0x05);
        assertThat(fault(0x8000000000L, Access.READ, user).fsc()).isEqualTo(0x04);
        assertThat(fault(0x401000L, Access.WRITE, user).esr()).as("the known EL0 write miss").isEqualTo(0x92000047L);
    }

    @Test
    void aKernelNullDereferenceIsALevel0TranslationFaultWithLinuxsReport() {
        PageFault f = catchThrowableOfType(PageFault.class, () -> walker.translate(table, 0L, Access.READ, kernel));
        // real arm64 oops: "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
        // ESR = 0x96000004 (DABT current EL, level 0 translation fault)
        assertThat(f.getMessage()).isEqualTo("Unable to handle kernel NULL pointer dereference at virtual address"
                + " 0000000000000000\n"
                + "Mem abort info:\n"
                + "  ESR = 0x0000000096000004\n"
                + "  EC = 0x25: DABT (current EL), IL = 32 bits\n"
                + "  FSC = 0x04: level 0 translation fault");
        assertThat(f.isNotPresent()).isTrue();
        assertThat(f.isUserMode()).isFalse();
        assertThat(f.address()).isZero();
    }

    @Test
    void anAddressBetweenTheRangesAddsShowPtesLine() {
        Arm64Fault f = fault(0x0001000000000000L, Access.READ, kernel);
        assertThat(f.fsc()).as("level 0 translation fault").isEqualTo(0x04);
        assertThat(f.message()).startsWith("Unable to handle kernel paging request at virtual address 0001000000000000")
                .endsWith("\n[0001000000000000] address between user and kernel address ranges");
    }

    @Test
    void aTaggedUserPointerTranslatesWithTopByteIgnore() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        assertThat(walker.translate(table, 0x5a00000000400008L, Access.READ, user)).isEqualTo(0x777008L);
        assertThat(fault(0x5a00000000400008L, Access.READ, user.withTopByteIgnore0(false)).fsc()).isEqualTo(0x04);
    }

    @Test
    void withoutHardwareAccessFlagAnOldPageTakesAnAccessFlagFault() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        table.testAndClearYoung(USER_PAGE);
        Arm64Fault f = fault(USER_PAGE, Access.READ, user.withHardwareAccessFlag(false));
        // FSC 0b001011 = 0x0b: level 3 access flag fault; ESR 0x92000000 | 0x0b
        assertThat(f.esr()).isEqualTo(0x9200000bL);
        assertThat(f.name()).isEqualTo("level 3 access flag fault");
        assertThat(f.x86ErrorCode()).as("present page, user: P|U").isEqualTo(PageFault.PF_PROT | PageFault.PF_USER);
        walker.translate(table, USER_PAGE, Access.READ, user);
        assertThat(table.entry(USER_PAGE, Arm64Level.LEVEL3) & Arm64Descriptor.AF).as("TCR_EL1.HA set AF").isNotZero();
    }

    @Test
    void anOldBlockFaultsAtItsOwnLevel() {
        table.map(0x40000000L, 0x800, 2L << 20, Prot.KERNEL_RW);
        table.testAndClearYoung(0x40000000L);
        assertThat(fault(0x40000000L, Access.READ, kernel.withHardwareAccessFlag(false)).name())
                .isEqualTo("level 2 access flag fault");
    }

    @Test
    void theFirstWriteToACleanPageClearsApTwoWithHardwareDirty() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        assertThat(table.isDirty(USER_PAGE)).isFalse();
        Arm64WalkTrace t = walker.trace(table.ttbr0(0), table.ttbr1(), USER_PAGE, Access.WRITE, user);
        assertThat(t.physicalAddress()).isEqualTo(0x777000L);
        // PAGE_SHARED 0x...fc3 without PTE_RDONLY (0x80)
        assertThat(table.entry(USER_PAGE, Arm64Level.LEVEL3)).isEqualTo(0x0068000000777f43L);
        assertThat(table.isDirty(USER_PAGE)).isTrue();
        assertThat(t.toString()).contains("(CPU cleared AP[2]: dirty)");
    }

    @Test
    void withoutHardwareDirtyTheFirstWriteIsAPermissionFault() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        Arm64Fault f = fault(USER_PAGE, Access.WRITE, user.withHardwareDirty(false));
        // the write fault Linux's handler resolves with pte_mkdirty(): EC 0x24, WnR, FSC 0x0f
        assertThat(f.esr()).isEqualTo(0x9200004fL);
        assertThat(f.message()).isEqualTo("unhandled exception: DABT (lower EL), ESR 0x000000009200004f,"
                + " level 3 permission fault at virtual address 0000000000400000");
        assertThat(f.toPageFault().errorCode()).as("P|W|U, as the x86 COW fault").isEqualTo(0x7);
    }

    @Test
    void anOutputAddressBeyondIpsIsAnAddressSizeFault() {
        table.map(USER_PAGE, 1L << 28, Prot.USER_R); // physical address 2^40
        Arm64Fault f = fault(USER_PAGE, Access.READ, user.withPhysicalAddressBits(40));
        assertThat(f.name()).isEqualTo("level 3 address size fault");
        assertThat(f.esr()).isEqualTo(0x92000003L);
        assertThat(f.x86ErrorCode()).as("P|U|RSVD").isEqualTo(0xd);
    }

    @Test
    void aProtNonePageIsATranslationFaultForEveryone() {
        table.map(USER_PAGE, 0x777, Prot.of(Prot.USER));
        assertThat(fault(USER_PAGE, Access.READ, user).name()).isEqualTo("level 3 translation fault");
        assertThat(fault(USER_PAGE, Access.READ, kernel.withPan(false)).name()).isEqualTo("level 3 translation fault");
        assertThat(table.translate(USER_PAGE)).as("still mapped for the kernel's bookkeeping").isEqualTo(0x777000L);
    }

    // ---- the permission matrix ----

    /**
     * Each row: the rights a page is mapped with, where it lives, who accesses it, and the outcome
     * of a read, a write and an instruction fetch ({@code ok} or {@code perm} for a level 3
     * permission fault), from the rules of the Arm ARM as the class comment of Arm64PageWalker
     * tabulates them. Linux's descriptors: user pages AP[1]|AP[2] (+DBM when writable) |PXN
     * (+UXN unless executable); kernel pages UXN (+PXN unless executable), AP[2] unless writable.
     */
    @ParameterizedTest(name = "{0} {1} from {2}: read {3}, write {4}, exec {5}")
    @CsvSource({
        // user pages from EL0: AP[1] gives read, DBM+HD gives write, UXN decides exec
        "USER_R,    user,   EL0,     ok,   perm, perm",
        "USER_RW,   user,   EL0,     ok,   ok,   perm",
        "USER_RX,   user,   EL0,     ok,   perm, ok",
        "USER_RWX,  user,   EL0,     ok,   ok,   ok",
        // user pages from EL1 with PAN: every data access faults, and PXN forbids fetches
        "USER_R,    user,   EL1_PAN, perm, perm, perm",
        "USER_RW,   user,   EL1_PAN, perm, perm, perm",
        "USER_RWX,  user,   EL1_PAN, perm, perm, perm",
        // user pages from EL1 without PAN: the kernel reads and writes what AP allows, never executes
        "USER_R,    user,   EL1,     ok,   perm, perm",
        "USER_RW,   user,   EL1,     ok,   ok,   perm",
        "USER_RX,   user,   EL1,     ok,   perm, perm",
        // kernel pages from EL0: AP[1] clear and UXN set, nothing allowed
        "KERNEL_RW, kernel, EL0,     perm, perm, perm",
        "KERNEL_RX, kernel, EL0,     perm, perm, perm",
        // kernel pages from EL1 (PAN only concerns EL0-accessible pages)
        "KERNEL_RO, kernel, EL1_PAN, ok,   perm, perm",
        "KERNEL_RW, kernel, EL1_PAN, ok,   ok,   perm",
        "KERNEL_RX, kernel, EL1_PAN, ok,   perm, ok",
        "KERNEL_RWX,kernel, EL1_PAN, ok,   ok,   ok",
    })
    void thePermissionMatrixFollowsApAndTheExecuteNeverBits(String protName, String half, String who, String read,
            String write, String exec) {
        String[] expected = {read, write, exec};
        Access[] accesses = {Access.READ, Access.WRITE, Access.EXECUTE};
        for (int i = 0; i < 3; i++) {
            Arm64PageTable t = Arm64PageTable.create(ram, pool); // fresh: a write may set the dirty state
            long va = half.equals("user") ? USER_PAGE : KERNEL_PAGE;
            t.map(va, 0x777, prot(protName));
            Arm64CpuState cpu = who.equals("EL0") ? user : who.equals("EL1_PAN") ? kernel : kernel.withPan(false);
            Arm64WalkTrace trace = walker.trace(t.ttbr0(0), t.ttbr1(), va + 8, accesses[i], cpu);
            String got = trace.faulted() ? (trace.fault().orElseThrow().isPermissionFault()
                    && trace.fault().orElseThrow().level() == 3 ? "perm" : trace.fault().orElseThrow().name()) : "ok";
            assertThat(got).as("%s of a %s page from %s%n%s", accesses[i], protName, who, trace).isEqualTo(expected[i]);
            if (got.equals("ok")) {
                assertThat(trace.physicalAddress()).isEqualTo(0x777008L);
            }
        }
    }

    private static Prot prot(String name) {
        switch (name) {
            case "USER_R":
                return Prot.USER_R;
            case "USER_RW":
                return Prot.USER_RW;
            case "USER_RX":
                return Prot.USER_RX;
            case "USER_RWX":
                return Prot.USER_RWX;
            case "KERNEL_RO":
                return Prot.KERNEL_RO;
            case "KERNEL_RW":
                return Prot.KERNEL_RW;
            case "KERNEL_RX":
                return Prot.KERNEL_RX;
            case "KERNEL_RWX":
                return Prot.of(Prot.READ | Prot.WRITE | Prot.EXEC);
            default:
                throw new IllegalArgumentException(name);
        }
    }

    // ---- permission faults as Linux reports them ----

    @Test
    void aKernelWriteToReadOnlyMemoryIsReportedByName() {
        table.map(KERNEL_PAGE, 0x777, Prot.KERNEL_RO);
        PageFault f = catchThrowableOfType(PageFault.class,
                () -> walker.translate(table, KERNEL_PAGE, Access.WRITE, kernel));
        // real oops line: "Unable to handle kernel write to read-only memory at virtual address ...", ESR 0x9600004f
        assertThat(f.getMessage()).isEqualTo("Unable to handle kernel write to read-only memory at virtual address"
                + " ffff000000100000\n"
                + "Mem abort info:\n"
                + "  ESR = 0x000000009600004f\n"
                + "  EC = 0x25: DABT (current EL), IL = 32 bits\n"
                + "  FSC = 0x0f: level 3 permission fault");
        assertThat(f.errorCode()).as("P|W").isEqualTo(0x3);
    }

    @Test
    void aKernelFetchFromDataIsAnInstructionAbort() {
        table.map(KERNEL_PAGE, 0x777, Prot.KERNEL_RW);
        Arm64Fault f = fault(KERNEL_PAGE, Access.EXECUTE, kernel);
        // EC 0x21 IABT (current EL), no WnR: 0x86000000 | 0x0f
        assertThat(f.esr()).isEqualTo(0x8600000fL);
        assertThat(f.message()).startsWith("Unable to handle kernel execute from non-executable memory at virtual"
                + " address ffff000000100000\n");
        assertThat(f.x86ErrorCode()).as("P|I").isEqualTo(PageFault.PF_PROT | PageFault.PF_INSTR);
    }

    @Test
    void panTurnsAKernelReadOfUserMemoryIntoAPermissionFault() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        Arm64Fault f = fault(USER_PAGE, Access.READ, kernel);
        assertThat(f.esr()).isEqualTo(0x9600000fL);
        assertThat(f.message()).startsWith("Unable to handle kernel read from unreadable memory at virtual address"
                + " 0000000000400000");
        assertThat(walker.translate(table, USER_PAGE, Access.READ, kernel.withPan(false))).isEqualTo(0x777000L);
    }

    @Test
    void aUserFetchFromANonExecutablePageIsAnEl0InstructionAbort() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        Arm64Fault f = fault(USER_PAGE, Access.EXECUTE, user);
        assertThat(f.esr()).isEqualTo(0x8200000fL);
        assertThat(f.message()).startsWith("unhandled exception: IABT (lower EL), ESR 0x000000008200000f,");
    }

    // ---- hierarchical attributes, written by hand ----

    @Test
    void apTableZeroRemovesEl0AccessBelowATable() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        long l2 = table.entryAddress(USER_PAGE, Arm64Level.LEVEL2);
        ram.writeLong(l2, ram.readLong(l2) | Arm64Descriptor.AP_TABLE_NO_EL0);
        assertThat(fault(USER_PAGE, Access.READ, user).name()).isEqualTo("level 3 permission fault");
        assertThat(walker.translate(table, USER_PAGE, Access.READ, kernel))
                .as("and with it PAN no longer applies").isEqualTo(0x777000L);
    }

    @Test
    void apTableOneMakesEverythingBelowReadOnlyEvenWithDbm() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        long l1 = table.entryAddress(USER_PAGE, Arm64Level.LEVEL1);
        ram.writeLong(l1, ram.readLong(l1) | Arm64Descriptor.AP_TABLE_RDONLY);
        assertThat(fault(USER_PAGE, Access.WRITE, user).name()).isEqualTo("level 3 permission fault");
        assertThat(table.isDirty(USER_PAGE)).as("the CPU did not clear AP[2]").isFalse();
    }

    @Test
    void pxnTableKeepsTheKernelFromExecutingUserTablesPages() {
        table.map(USER_PAGE, 0x777, Prot.USER_RX);
        long l3 = table.entryAddress(USER_PAGE, Arm64Level.LEVEL3);
        ram.writeLong(l3, ram.readLong(l3) & ~Arm64Descriptor.PXN); // leaf allows EL1 execution...
        // ...but the tables above carry PXNTable, as pmd_populate() writes them for user tables
        assertThat(fault(USER_PAGE, Access.EXECUTE, kernel).name()).isEqualTo("level 3 permission fault");
        for (Arm64Level level : new Arm64Level[] {Arm64Level.LEVEL0, Arm64Level.LEVEL1, Arm64Level.LEVEL2}) {
            long pa = table.entryAddress(USER_PAGE, level);
            ram.writeLong(pa, ram.readLong(pa) & ~Arm64Descriptor.PXN_TABLE);
        }
        assertThat(walker.translate(table, USER_PAGE, Access.EXECUTE, kernel)).isEqualTo(0x777000L);
    }

    @Test
    void anEl0WritablePageIsNeverExecutableAtEl1() {
        // AP[2:1] = 01 (EL0 read/write) with PXN clear and no PXNTable: the architecture still treats it as PXN
        Arm64PageTable plain = Arm64PageTable.builder(ram, pool).tableExecuteNever(false).build();
        plain.map(USER_PAGE, 0x777, Prot.USER_RW);
        long l3 = plain.entryAddress(USER_PAGE, Arm64Level.LEVEL3);
        ram.writeLong(l3, ram.readLong(l3) & ~(Arm64Descriptor.PXN | Arm64Descriptor.RDONLY));
        Arm64WalkTrace t = walker.trace(plain.ttbr0(0), plain.ttbr1(), USER_PAGE, Access.EXECUTE, kernel.withPan(false));
        assertThat(t.fault().orElseThrow().name()).isEqualTo("level 3 permission fault");
        ram.writeLong(l3, ram.readLong(l3) | Arm64Descriptor.RDONLY); // AP 11: read-only at EL0
        assertThat(walker.translate(plain.ttbr0(0), plain.ttbr1(), USER_PAGE, Access.EXECUTE, kernel.withPan(false)))
                .isEqualTo(0x777000L);
    }

    @Test
    void aPhysicalAddressSizeTcrCannotEncodeIsRefused() {
        assertThatThrownBy(() -> kernel.withPhysicalAddressBits(52)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("physical-address size 52 bits is not allowed: TCR_EL1.IPS encodes 32, 36, 40, 42, 44 or 48"
                        + " (52 needs FEAT_LPA2, not modelled)");
    }

    // ---- the trace ----

    @Test
    void aTraceShowsTheSplitEveryDescriptorAndTheResult() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        table.testAndClearYoung(USER_PAGE);
        Arm64WalkTrace t = walker.trace(table.ttbr0(5), table.ttbr1(), USER_PAGE + 0x10, Access.READ, user);
        String nl = System.lineSeparator();
        assertThat(t.toString()).isEqualTo(
                "walk read 0x0000000000400010 = TTBR0 | L0 0 | L1 0 | L2 2 | L3 0 | offset 0x10 (EL0 PAN HA HD TBI0, 48-bit PA)" + nl
                + "  TTBR0 0x5000001000000 -> level 0 table at 0x1000000" + nl
                + "  L0[0] at 0x1000000: L0 0x0800000001002003: VALID TABLE PXNTable -> level 1 table at phys 0x1002000 (pfn 0x1002)" + nl
                + "  L1[0] at 0x1002000: L1 0x0800000001003003: VALID TABLE PXNTable -> level 2 table at phys 0x1003000 (pfn 0x1003)" + nl
                + "  L2[2] at 0x1003010: L2 0x0800000001004003: VALID TABLE PXNTable -> level 3 table at phys 0x1004000 (pfn 0x1004)" + nl
                + "  L3[0] at 0x1004000: L3 0x0060000000777bc3: VALID PAGE AttrIndx=0 AP=11(EL1 ro, EL0 ro) SH=inner nG PXN UXN"
                + " -> page at phys 0x777000 (pfn 0x777) (CPU set AF)" + nl
                + "  => physical address 0x777010");
        assertThat(t.steps()).hasSize(4);
        assertThat(walker.trace(table.ttbr0(0), table.ttbr1(), 0x600000L, Access.READ, user).physicalAddress())
                .isEqualTo(PageTable.NOT_MAPPED);
    }
}
