package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pagelab.api.Prot;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.tlb.Translation;
import org.junit.jupiter.api.Test;

/**
 * The hardware walk and every access-rights rule of the Intel SDM §4.6 (AccessRights' table).
 * Error codes are worked out from the bits of linux-reference.md §1.3: P 0x1, W 0x2, U 0x4,
 * RSVD 0x8, I 0x10, PK 0x20.
 */
class PageWalkerTest {
    private static final long USER_PAGE = 0x601000L;
    private static final long KERNEL_PAGE = 0xffff888000100000L;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final X86PageTable table = X86PageTable.create(ram, pool);
    private final PageWalker walker = new PageWalker(ram);
    private final long cr3 = table.cr3(0);
    /** CR0.WP and EFER.NXE on; no SMEP, SMAP, PKE, PGE; kernel mode. */
    private final CpuState kernel = CpuState.plain(PagingMode.FOUR_LEVEL);
    private final CpuState user = kernel.user();

    private PageFault fault(long va, Access access, CpuState cpu) {
        return catchThrowableOfType(PageFault.class, () -> walker.translate(cr3, va, access, cpu));
    }

    // ---- translation and A/D ----

    @Test
    void aWalkFindsTheFrameOfEachPageSize() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        table.map(0x80000000L, 0x40000, 1L << 30, Prot.USER_RW);
        assertThat(walker.translate(cr3, USER_PAGE + 0x123, Access.READ, user)).isEqualTo(0x777123L);
        assertThat(walker.translate(cr3, 0x40154321L, Access.READ, user)).isEqualTo(0x954321L);
        assertThat(walker.translate(cr3, 0xa0000000L, Access.READ, user)).as("1 GiB page at 1 GiB, offset 0x20000000")
                .isEqualTo(0x60000000L);
    }

    @Test
    void aReadSetsAccessedAtEveryLevelAndDirtyNowhere() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        walker.translate(cr3, USER_PAGE, Access.READ, user);
        for (PagingLevel level : PagingMode.FOUR_LEVEL.levels()) {
            long e = table.entry(USER_PAGE, level);
            assertThat(e & X86PageTableEntry.ACCESSED).as("A in the %s", level.entryName()).isNotZero();
            assertThat(e & X86PageTableEntry.DIRTY).as("D in the %s", level.entryName()).isZero();
        }
    }

    @Test
    void aWriteSetsDirtyOnTheLeafOnly() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        walker.translate(cr3, USER_PAGE, Access.WRITE, user);
        // leaf: 0x777000 | P|RW|U (0x7) | A (0x20) | D (0x40) | NX
        assertThat(table.entry(USER_PAGE, PagingLevel.PT)).isEqualTo(0x8000000000777067L);
        assertThat(table.entry(USER_PAGE, PagingLevel.PD) & X86PageTableEntry.DIRTY).isZero();
    }

    @Test
    void aHugeLeafGetsAccessedAndDirtyToo() {
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        walker.translate(cr3, 0x40001000L, Access.WRITE, user);
        // 0x800000 | P|RW|U|A|D|PS = 0xe7, NX
        assertThat(table.entry(0x40000000L, PagingLevel.PD)).isEqualTo(0x80000000008000e7L);
    }

    @Test
    void aDeniedAccessLeavesTheLeafUntouched() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        fault(USER_PAGE, Access.WRITE, user);
        assertThat(table.entry(USER_PAGE, PagingLevel.PT) & (X86PageTableEntry.ACCESSED | X86PageTableEntry.DIRTY))
                .isZero();
    }

    // ---- not present ----

    @Test
    void aUserReadOfAnUnmappedPageIsErrorCode4WithTheAddressInCr2() {
        PageFault f = fault(USER_PAGE, Access.READ, user);
        assertThat(f.errorCode()).as("§1.3: user read of unmapped page = 0x4").isEqualTo(0x4);
        assertThat(f.cr2()).isEqualTo(USER_PAGE);
        assertThat(f).hasMessage("BUG: unable to handle page fault for address: 0000000000601000\n"
                + "#PF: user read access in user mode\n#PF: error_code(0x0004) - not-present page");
    }

    @Test
    void aUserWriteOfAnUnmappedPageIsErrorCode6() {
        assertThat(fault(USER_PAGE, Access.WRITE, user).errorCode()).as("§1.3").isEqualTo(0x6);
    }

    @Test
    void aKernelReadOfAddressZeroIsANullPointerDereference() {
        PageFault f = fault(0, Access.READ, kernel);
        assertThat(f.errorCode()).as("§1.3: kernel read not-present = 0x0").isZero();
        assertThat(f.getMessage()).startsWith("BUG: kernel NULL pointer dereference, address: 0000000000000000");
    }

    @Test
    void aProtNonePageIsNotPresentToTheCpu() {
        table.map(USER_PAGE, 0x777, Prot.of(Prot.USER));
        assertThat(fault(USER_PAGE, Access.READ, user).errorCode()).isEqualTo(0x4);
    }

    @Test
    void theInstructionFetchBitNeedsNxeOrSmep() {
        // SDM §4.7: I/D is reported only when EFER.NXE or CR4.SMEP is set
        assertThat(fault(USER_PAGE, Access.EXECUTE, user).errorCode()).as("NXE on: U|I").isEqualTo(0x14);
        assertThat(fault(USER_PAGE, Access.EXECUTE, user.withNxe(false)).errorCode()).as("NXE and SMEP off: U")
                .isEqualTo(0x4);
        assertThat(fault(USER_PAGE, Access.EXECUTE, user.withNxe(false).withCr4(CpuState.CR4_SMEP, true))
                .errorCode()).as("SMEP alone reports I").isEqualTo(0x14);
    }

    // ---- user / supervisor, read / write, NX ----

    @Test
    void aUserWriteToAReadOnlyPageIsErrorCode7LikeCow() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        PageFault f = fault(USER_PAGE, Access.WRITE, user);
        assertThat(f.errorCode()).as("§1.3: COW write = 0x7").isEqualTo(0x7);
        assertThat(f.getMessage()).endsWith("#PF: user write access in user mode\n"
                + "#PF: error_code(0x0007) - permissions violation");
    }

    @Test
    void aUserFetchFromAnNxPageIsErrorCode15() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        assertThat(fault(USER_PAGE, Access.EXECUTE, user).errorCode()).as("§1.3: P|U|I = 0x15").isEqualTo(0x15);
        table.protect(USER_PAGE, Prot.USER_RX);
        assertThat(walker.translate(cr3, USER_PAGE, Access.EXECUTE, user)).isEqualTo(0x777000L);
    }

    @Test
    void userModeCannotTouchASupervisorPageAtAll() {
        table.map(KERNEL_PAGE, 0x100, Prot.of(Prot.READ | Prot.WRITE | Prot.EXEC));
        assertThat(fault(KERNEL_PAGE, Access.READ, user).errorCode()).as("P|U").isEqualTo(0x5);
        assertThat(fault(KERNEL_PAGE, Access.WRITE, user).errorCode()).as("P|W|U").isEqualTo(0x7);
        assertThat(fault(KERNEL_PAGE, Access.EXECUTE, user).errorCode()).as("P|U|I").isEqualTo(0x15);
        assertThat(walker.translate(cr3, KERNEL_PAGE, Access.WRITE, kernel)).isEqualTo(0x100000L);
    }

    @Test
    void theUserBitMustBeSetAtEveryLevel() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        long pde = table.entryAddress(USER_PAGE, PagingLevel.PD);
        ram.writeLong(pde, ram.readLong(pde) & ~X86PageTableEntry.USER);
        assertThat(fault(USER_PAGE, Access.READ, user).errorCode()).as("U/S=0 in the PDE: a supervisor page")
                .isEqualTo(0x5);
    }

    @Test
    void theWritableBitMustBeSetAtEveryLevel() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        long pdpte = table.entryAddress(USER_PAGE, PagingLevel.PDPT);
        ram.writeLong(pdpte, ram.readLong(pdpte) & ~X86PageTableEntry.RW);
        assertThat(fault(USER_PAGE, Access.WRITE, user).errorCode()).isEqualTo(0x7);
    }

    @Test
    void nxAnywhereOnThePathForbidsFetches() {
        table.map(USER_PAGE, 0x777, Prot.USER_RX);
        long pml4e = table.entryAddress(USER_PAGE, PagingLevel.PML4);
        ram.writeLong(pml4e, ram.readLong(pml4e) | X86PageTableEntry.NX);
        assertThat(fault(USER_PAGE, Access.EXECUTE, user).errorCode()).isEqualTo(0x15);
    }

    @Test
    void cr0WpDecidesWhetherTheKernelMayWriteReadOnlyPages() {
        table.map(KERNEL_PAGE, 0x100, Prot.KERNEL_RO);
        assertThat(fault(KERNEL_PAGE, Access.WRITE, kernel).errorCode()).as("WP=1: P|W").isEqualTo(0x3);
        assertThat(walker.translate(cr3, KERNEL_PAGE, Access.WRITE, kernel.withWp(false))).as("WP=0: allowed")
                .isEqualTo(0x100000L);
        assertThat(table.entry(KERNEL_PAGE, PagingLevel.PT) & X86PageTableEntry.DIRTY).isNotZero();
    }

    @Test
    void cr0WpDoesNotLetUserModeWriteReadOnlyPages() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        assertThat(fault(USER_PAGE, Access.WRITE, user.withWp(false)).errorCode()).isEqualTo(0x7);
    }

    // ---- SMEP / SMAP ----

    @Test
    void smepForbidsTheKernelToExecuteUserPages() {
        table.map(USER_PAGE, 0x777, Prot.USER_RX);
        CpuState smep = kernel.withCr4(CpuState.CR4_SMEP, true);
        PageFault f = fault(USER_PAGE, Access.EXECUTE, smep);
        // §14.4: "Oops: 0011" = P|I, "#PF: supervisor instruction fetch in kernel mode"
        assertThat(f.errorCode()).isEqualTo(0x11);
        assertThat(f.getMessage()).endsWith("#PF: supervisor instruction fetch in kernel mode\n"
                + "#PF: error_code(0x0011) - permissions violation");
        assertThat(walker.translate(cr3, USER_PAGE, Access.EXECUTE, kernel)).as("SMEP off").isEqualTo(0x777000L);
    }

    @Test
    void smapForbidsKernelDataAccessToUserPagesUnlessAcIsSet() {
        table.map(USER_PAGE, 0x777, Prot.USER_RWX);
        CpuState smap = kernel.withCr4(CpuState.CR4_SMAP, true);
        assertThat(fault(USER_PAGE, Access.READ, smap).errorCode()).as("read: P").isEqualTo(0x1);
        assertThat(fault(USER_PAGE, Access.WRITE, smap).errorCode()).as("write: P|W").isEqualTo(0x3);
        assertThat(walker.translate(cr3, USER_PAGE, Access.WRITE, smap.withAc(true))).as("after stac")
                .isEqualTo(0x777000L);
        assertThat(walker.translate(cr3, USER_PAGE, Access.READ, kernel)).as("SMAP off").isEqualTo(0x777000L);
        assertThat(walker.translate(cr3, USER_PAGE, Access.EXECUTE, smap)).as("SMAP does not cover fetches")
                .isEqualTo(0x777000L);
    }

    @Test
    void acDoesNotOverrideReadOnly() {
        table.map(USER_PAGE, 0x777, Prot.USER_R);
        CpuState stac = kernel.withCr4(CpuState.CR4_SMAP, true).withAc(true);
        assertThat(fault(USER_PAGE, Access.WRITE, stac).errorCode()).isEqualTo(0x3);
    }

    // ---- reserved bits ----

    @Test
    void aFrameBitAboveMaxPhyAddrIsAReservedBitFault() {
        table.map(KERNEL_PAGE, 0x100, Prot.KERNEL_RW);
        long pde = table.entryAddress(KERNEL_PAGE, PagingLevel.PD);
        ram.writeLong(pde, ram.readLong(pde) | (1L << 46)); // MAXPHYADDR 46: bits 46..51 are reserved
        PageFault f = fault(KERNEL_PAGE, Access.READ, kernel);
        assertThat(f.errorCode()).as("P|RSVD").isEqualTo(0x9);
        assertThat(f.getMessage()).endsWith("#PF: error_code(0x0009) - reserved bit violation");
    }

    @Test
    void psInAPml4eIsReserved() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        long pml4e = table.entryAddress(USER_PAGE, PagingLevel.PML4);
        ram.writeLong(pml4e, ram.readLong(pml4e) | X86PageTableEntry.PSE);
        assertThat(fault(USER_PAGE, Access.READ, user).errorCode()).as("P|U|RSVD").isEqualTo(0xd);
    }

    @Test
    void nxIsReservedWhenEferNxeIsOff() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW); // not executable: NX set in the PTE
        assertThat(fault(USER_PAGE, Access.READ, user.withNxe(false)).errorCode()).as("P|U|RSVD").isEqualTo(0xd);
    }

    @Test
    void theLowFrameBitsOfHugeLeavesAreReservedButTheirPatBitIsNot() {
        table.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        long pde = table.entryAddress(0x40000000L, PagingLevel.PD);
        ram.writeLong(pde, ram.readLong(pde) | X86PageTableEntry.PAT_LARGE);
        assertThat(walker.translate(cr3, 0x40000000L, Access.READ, user)).as("bit 12 is PAT").isEqualTo(0x800000L);
        ram.writeLong(pde, ram.readLong(pde) | (1L << 13));
        assertThat(fault(0x40000000L, Access.READ, user).errorCode()).as("bit 13 of a 2 MiB leaf").isEqualTo(0xd);

        table.map(0x80000000L, 0x40000, 1L << 30, Prot.USER_RW);
        long pdpte = table.entryAddress(0x80000000L, PagingLevel.PDPT);
        ram.writeLong(pdpte, ram.readLong(pdpte) | (1L << 29));
        assertThat(fault(0x80000000L, Access.READ, user).errorCode()).as("bit 29 of a 1 GiB leaf").isEqualTo(0xd);
    }

    @Test
    void reservedBitsOfANotPresentEntryDoNotMatter() {
        long pml4e = table.root() + 8 * PagingLevel.PML4.index(USER_PAGE);
        ram.writeLong(pml4e, 0xfff0000000000080L); // P clear: everything else is ignored
        assertThat(fault(USER_PAGE, Access.READ, user).errorCode()).isEqualTo(0x4);
    }

    // ---- canonical addresses ----

    @Test
    void aNonCanonicalAddressIsAGeneralProtectionFaultNotAPageFault() {
        assertThatThrownBy(() -> walker.translate(cr3, 0x0000800000000000L, Access.READ, user))
                .isInstanceOf(GeneralProtectionFault.class)
                .hasMessage("general protection fault, probably for non-canonical address 0x800000000000: 0000; with"
                        + " 48-bit virtual addresses bits 63..47 must all equal bit 47 (user 0x0000000000000000"
                        + "-0x00007fffffffffff, kernel 0xffff800000000000-0xffffffffffffffff)");
    }

    @Test
    void underLa57TheSameAddressIsCanonicalAndWalksFiveLevels() {
        X86PageTable five = X86PageTable.builder(ram, pool).mode(PagingMode.FIVE_LEVEL).build();
        five.map(0x0000800000000000L, 0x42, Prot.USER_R);
        CpuState la57 = CpuState.plain(PagingMode.FIVE_LEVEL).user();
        assertThat(walker.translate(five.cr3(0), 0x0000800000000abcL, Access.READ, la57)).isEqualTo(0x42abcL);
        assertThat(walker.trace(five.cr3(0), 0x0000800000000000L, Access.READ, la57).steps()).hasSize(5);
        assertThatThrownBy(() -> walker.translate(five.cr3(0), 0x0100000000000000L, Access.READ, la57))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("57-bit");
    }

    // ---- protection keys ----

    @Test
    void anAccessDisabledKeyForbidsUserReadsWithThePkBit() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        table.setProtectionKey(USER_PAGE, 1);
        CpuState pku = user.withCr4(CpuState.CR4_PKE, true).withPkru(CpuState.LINUX_INIT_PKRU); // AD1 = bit 2
        PageFault f = fault(USER_PAGE, Access.READ, pku);
        assertThat(f.errorCode()).as("P|U|PK").isEqualTo(0x25);
        assertThat(f.getMessage()).endsWith("#PF: error_code(0x0025) - protection keys violation");
        assertThat(walker.translate(cr3, USER_PAGE, Access.READ, pku.withPkru(0))).isEqualTo(0x777000L);
        assertThat(walker.translate(cr3, USER_PAGE, Access.READ, user.withPkru(CpuState.LINUX_INIT_PKRU)))
                .as("CR4.PKE off: keys ignored").isEqualTo(0x777000L);
    }

    @Test
    void aWriteDisabledKeyForbidsWritesOnly() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        table.setProtectionKey(USER_PAGE, 2);
        int wd2 = 1 << (2 * 2 + 1); // WD of key 2 = PKRU bit 5
        CpuState pku = user.withCr4(CpuState.CR4_PKE, true).withPkru(wd2);
        assertThat(walker.translate(cr3, USER_PAGE, Access.READ, pku)).isEqualTo(0x777000L);
        assertThat(fault(USER_PAGE, Access.WRITE, pku).errorCode()).as("P|W|U|PK").isEqualTo(0x27);
        CpuState kernelPku = pku.kernel();
        assertThat(fault(USER_PAGE, Access.WRITE, kernelPku).errorCode()).as("supervisor with WP: P|W|PK")
                .isEqualTo(0x23);
        assertThat(walker.translate(cr3, USER_PAGE, Access.WRITE, kernelPku.withWp(false))).as("supervisor, WP=0")
                .isEqualTo(0x777000L);
    }

    @Test
    void protectionKeysApplyNeitherToFetchesNorToSupervisorPages() {
        table.map(USER_PAGE, 0x777, Prot.USER_RX);
        table.setProtectionKey(USER_PAGE, 1);
        table.map(KERNEL_PAGE, 0x100, Prot.KERNEL_RW);
        table.setProtectionKey(KERNEL_PAGE, 1);
        CpuState pku = user.withCr4(CpuState.CR4_PKE, true).withPkru(CpuState.LINUX_INIT_PKRU);
        assertThat(walker.translate(cr3, USER_PAGE, Access.EXECUTE, pku)).isEqualTo(0x777000L);
        assertThat(walker.translate(cr3, KERNEL_PAGE, Access.READ, pku.kernel())).isEqualTo(0x100000L);
    }

    // ---- the translation word ----

    @Test
    void theTranslationCarriesCombinedRightsAndGlobalOnlyWithPge() {
        table.map(KERNEL_PAGE, 0x100, Prot.KERNEL_RW); // global kernel page
        long t = walker.walk(cr3, KERNEL_PAGE, Access.READ, kernel);
        assertThat(t & Translation.GLOBAL).as("CR4.PGE off").isZero();
        long g = walker.walk(cr3, KERNEL_PAGE, Access.READ, kernel.withCr4(CpuState.CR4_PGE, true));
        assertThat(g & Translation.GLOBAL).isNotZero();
        assertThat(Translation.describe(g)).isEqualTo("4K phys 0x100000 W S G NX pkey 0");
    }

    // ---- trace ----

    @Test
    void aTraceShowsEveryEntryAndWhatTheCpuSet() {
        table.map(0x00007f1234567000L, 0x12345, Prot.USER_RW);
        WalkTrace trace = walker.trace(cr3, 0x00007f1234567abcL, Access.WRITE, user);
        assertThat(trace.physicalAddress()).isEqualTo(0x12345abcL);
        assertThat(trace.steps()).extracting(WalkStep::index).containsExactly(254, 72, 418, 359);
        assertThat(trace.toString()).isEqualTo(String.join(System.lineSeparator(),
                "walk write 0x00007f1234567abc = PML4 254 | PDPT 72 | PD 418 | PT 359 | offset 0xabc (user mode)",
                "  CR3 0x1000000 -> PML4 table at 0x1000000",
                "  PML4E[254] at 0x10007f0: PML4E 0x0000000001001007: P R/W U/S -> PDPT table at phys 0x1001000"
                        + " (pfn 0x1001) (CPU set A)",
                "  PDPTE[72] at 0x1001240: PDPTE 0x0000000001002007: P R/W U/S -> PD table at phys 0x1002000"
                        + " (pfn 0x1002) (CPU set A)",
                "  PDE[418] at 0x1002d10: PDE 0x0000000001003007: P R/W U/S -> PT table at phys 0x1003000"
                        + " (pfn 0x1003) (CPU set A)",
                "  PTE[359] at 0x1003b38: PTE 0x8000000012345007: P R/W U/S NX -> 4K page at phys 0x12345000"
                        + " (pfn 0x12345) (CPU set A+D)",
                "  => physical address 0x12345abc (4K phys 0x12345000 W U D NX pkey 0)"));
    }

    @Test
    void aTraceOfAFaultStopsAtTheMissingEntry() {
        table.map(USER_PAGE, 0x777, Prot.USER_RW);
        WalkTrace trace = walker.trace(cr3, USER_PAGE + 0x1000, Access.READ, user);
        assertThat(trace.faulted()).isTrue();
        assertThat(trace.physicalAddress()).isEqualTo(-1L);
        assertThat(trace.steps()).hasSize(4);
        assertThat(trace.steps().get(3).entry()).isZero();
        assertThat(trace.toString()).contains("PTE 0x0000000000000000: empty").contains("error_code(0x0004)");
    }
}
