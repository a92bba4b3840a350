package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pagelab.api.Prot;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.tlb.TlbConfig;
import org.junit.jupiter.api.Test;

/**
 * TLB and walk together: hits, misses, stale entries, and the CR3 / INVLPG / INVPCID / CR4 rules of
 * the Intel SDM §4.10.4 (Mmu's class table). Two address spaces A and B both map the kernel page
 * {@link #KERNEL}, which is global (as __PAGE_KERNEL), and each its own user page {@link #USER}.
 */
class MmuTest {
    private static final long USER = 0x601000L;
    private static final long KERNEL = 0xffff888000100000L;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final X86PageTable a = X86PageTable.create(ram, pool);
    private final X86PageTable b = X86PageTable.create(ram, pool);
    /** Linux's CPU: PGE, PCIDE, SMEP, SMAP, PKE, NXE, WP; kernel mode. */
    private final Mmu mmu = new Mmu(ram, TlbConfig.skylake(), CpuState.linux());

    MmuTest() {
        a.map(USER, 0xa00, Prot.USER_RW);
        b.map(USER, 0xb00, Prot.USER_RW);
        a.map(KERNEL, 0x100, Prot.KERNEL_RW);
        b.map(KERNEL, 0x100, Prot.KERNEL_RW);
        mmu.setCpu(mmu.cpu().user());
    }

    @Test
    void theFirstAccessWalksAndTheNextOnesHitTheTlb() {
        mmu.loadCr3(a.cr3(1));
        assertThat(mmu.translate(USER + 8, Access.READ)).isEqualTo(0xa00008L);
        assertThat(mmu.translate(USER + 16, Access.READ)).isEqualTo(0xa00010L);
        assertThat(mmu.walks()).isEqualTo(1);
        assertThat(mmu.tlb().hits(0)).isEqualTo(1);
        assertThat(mmu.tlb().misses()).isEqualTo(1);
    }

    @Test
    void tenPagesReadTenTimesEachCostTenWalks() {
        mmu.loadCr3(a.cr3(1));
        for (int i = 1; i < 10; i++) {
            a.map(USER + i * 4096L, 0xa00 + i, Prot.USER_RW);
        }
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 10; i++) {
                mmu.translate(USER + i * 4096L, Access.READ);
            }
        }
        assertThat(mmu.walks()).isEqualTo(10);
        assertThat(mmu.tlb().stats().hitRate()).isEqualTo(0.9);
    }

    @Test
    void aStaleEntryOutlivesUnmapUntilInvlpg() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        a.unmap(USER);
        assertThat(mmu.translate(USER, Access.READ)).as("the TLB still has it: why the kernel must flush")
                .isEqualTo(0xa00000L);
        mmu.invlpg(USER);
        assertThat(catchThrowableOfType(PageFault.class, () -> mmu.translate(USER, Access.READ)).errorCode())
                .isEqualTo(0x4);
    }

    @Test
    void aProtectionDowngradeIsInvisibleUntilTheTlbIsFlushed() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.WRITE);
        a.protect(USER, Prot.USER_R);
        assertThat(mmu.translate(USER, Access.WRITE)).as("stale writable entry").isEqualTo(0xa00000L);
        mmu.invlpg(USER);
        assertThat(catchThrowableOfType(PageFault.class, () -> mmu.translate(USER, Access.WRITE)).errorCode())
                .isEqualTo(0x7);
    }

    @Test
    void aWriteThroughACleanEntryWalksAgainToSetDirty() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        assertThat(a.entry(USER, PagingLevel.PT) & X86PageTableEntry.DIRTY).isZero();
        mmu.translate(USER, Access.WRITE);
        assertThat(a.entry(USER, PagingLevel.PT) & X86PageTableEntry.DIRTY).isNotZero();
        assertThat(mmu.walks()).isEqualTo(2);
        mmu.translate(USER, Access.WRITE);
        assertThat(mmu.walks()).as("now the entry is dirty").isEqualTo(2);
    }

    @Test
    void rightsAreCheckedAgainstTheCurrentCpuStateOnEveryHit() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        mmu.setCpu(mmu.cpu().kernel()); // SMAP on, AC clear
        assertThat(catchThrowableOfType(PageFault.class, () -> mmu.translate(USER, Access.READ)).errorCode())
                .as("SMAP: supervisor read of a user page = P").isEqualTo(0x1);
        mmu.setCpu(mmu.cpu().withAc(true));
        assertThat(mmu.translate(USER, Access.READ)).isEqualTo(0xa00000L);
    }

    @Test
    void aNonCanonicalAddressIsAGeneralProtectionFaultBeforeTheTlb() {
        mmu.loadCr3(a.cr3(1));
        assertThatThrownBy(() -> mmu.translate(0x0000800000000000L, Access.READ))
                .isInstanceOf(GeneralProtectionFault.class);
        assertThat(mmu.tlb().misses()).isZero();
        assertThat(mmu.walks()).isZero();
    }

    @Test
    void withoutPcidsACr3LoadDropsUserEntriesButKeepsGlobalKernelOnes() {
        mmu.setCpu(mmu.cpu().withCr4(CpuState.CR4_PCIDE, false));
        mmu.loadCr3(a.cr3(0));
        mmu.translate(USER, Access.READ);
        mmu.setCpu(mmu.cpu().kernel());
        mmu.translate(KERNEL, Access.READ);
        mmu.loadCr3(b.cr3(0));
        assertThat(mmu.tlb().entries()).allMatch(e -> e.global());
        mmu.translate(KERNEL, Access.READ);
        assertThat(mmu.walks()).as("the global kernel page survived the switch").isEqualTo(2);
        mmu.setCpu(mmu.cpu().user());
        assertThat(mmu.translate(USER, Access.READ)).as("B's own page").isEqualTo(0xb00000L);
        assertThat(mmu.walks()).isEqualTo(3);
    }

    @Test
    void withPcidsAndNoFlushBothAddressSpacesStayCached() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        mmu.loadCr3(Cr3.noFlush(b.cr3(2)));
        assertThat(mmu.translate(USER, Access.READ)).as("PCID 2 does not see PCID 1's entry").isEqualTo(0xb00000L);
        mmu.loadCr3(Cr3.noFlush(a.cr3(1)));
        assertThat(mmu.translate(USER, Access.READ)).isEqualTo(0xa00000L);
        assertThat(mmu.walks()).as("back in A without a walk").isEqualTo(2);
    }

    @Test
    void withPcidsAPlainCr3LoadDropsOnlyTheNewPcidsEntries() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        mmu.loadCr3(b.cr3(2));
        mmu.translate(USER, Access.READ);
        mmu.loadCr3(a.cr3(1)); // bit 63 clear: PCID 1 flushed
        mmu.translate(USER, Access.READ);
        assertThat(mmu.walks()).isEqualTo(3);
        mmu.loadCr3(Cr3.noFlush(b.cr3(2)));
        mmu.translate(USER, Access.READ);
        assertThat(mmu.walks()).as("PCID 2 kept its entry").isEqualTo(3);
    }

    @Test
    void badCr3ValuesAreGeneralProtectionFaults() {
        CpuState noPcid = mmu.cpu().withCr4(CpuState.CR4_PCIDE, false);
        mmu.setCpu(noPcid);
        assertThatThrownBy(() -> mmu.loadCr3(Cr3.noFlush(a.cr3(0)))).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("bit 63 (no flush) needs CR4.PCIDE");
        // MAXPHYADDR 46: bit 50 of CR3 is reserved
        assertThatThrownBy(() -> mmu.loadCr3(a.cr3(0) | (1L << 50))).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("reserved bits 0x4000000000000");
        assertThat(mmu.cr3()).isZero();
    }

    @Test
    void invlpgDropsTheCurrentPcidAndGlobalEntriesButNotOtherPcids() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        mmu.loadCr3(Cr3.noFlush(b.cr3(2)));
        mmu.translate(USER, Access.READ);
        mmu.invlpg(USER);
        assertThat(mmu.tlb().entries()).extracting(e -> e.pcid()).containsOnly(1);
    }

    @Test
    void invpcidTypesDropWhatTheSdmSays() {
        mmu.loadCr3(a.cr3(1));
        mmu.translate(USER, Access.READ);
        mmu.setCpu(mmu.cpu().kernel());
        mmu.translate(KERNEL, Access.READ);
        mmu.invpcid(Mmu.InvpcidType.INDIVIDUAL_ADDRESS, 1, KERNEL);
        assertThat(mmu.tlb().entries()).as("type 0 keeps global entries").anyMatch(e -> e.global());
        mmu.invpcid(Mmu.InvpcidType.SINGLE_CONTEXT, 1, 0);
        assertThat(mmu.tlb().entries()).allMatch(e -> e.global());
        mmu.setCpu(mmu.cpu().user());
        mmu.translate(USER, Access.READ);
        mmu.invpcid(Mmu.InvpcidType.ALL_CONTEXTS, 0, 0);
        assertThat(mmu.tlb().entries()).isNotEmpty().allMatch(e -> e.global());
        mmu.invpcid(Mmu.InvpcidType.ALL_CONTEXTS_INCLUDING_GLOBAL, 0, 0);
        assertThat(mmu.tlb().size()).isZero();
    }

    @Test
    void changingCr4PgeDropsGlobalEntriesAndSettingSmepTheCurrentPcid() {
        mmu.loadCr3(a.cr3(1));
        mmu.setCpu(mmu.cpu().kernel());
        mmu.translate(KERNEL, Access.READ);
        mmu.setCpu(mmu.cpu().withCr4(CpuState.CR4_PGE, false));
        assertThat(mmu.tlb().size()).isZero();
        mmu.translate(KERNEL, Access.READ);
        mmu.setCpu(mmu.cpu().withCr4(CpuState.CR4_SMEP, false));
        assertThat(mmu.tlb().size()).as("clearing SMEP flushes nothing").isPositive();
        mmu.setCpu(mmu.cpu().withCr4(CpuState.CR4_SMEP, true));
        assertThat(mmu.tlb().size()).as("setting SMEP flushes the current PCID").isZero();
        assertThatThrownBy(() -> mmu.setCpu(mmu.cpu().withCr4(CpuState.CR4_LA57, true)))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("LA57");
    }

    @Test
    void aHugePageNeedsOneTlbEntryForAllItsBytes() {
        a.map(0x40000000L, 0x800, 2L << 20, Prot.USER_RW);
        mmu.loadCr3(a.cr3(1));
        mmu.translate(0x40000000L, Access.READ);
        mmu.translate(0x401ff000L, Access.READ);
        assertThat(mmu.walks()).isEqualTo(1);
    }

    @Test
    void readsAndWritesThroughVirtualAddressesReachTheFrames() {
        a.map(USER + 4096, 0xc00, Prot.USER_RW); // next virtual page, far-away frame
        mmu.loadCr3(a.cr3(1));
        mmu.writeLong(USER + 0x10, 0x1122334455667788L);
        assertThat(ram.readLong(0xa00010L)).isEqualTo(0x1122334455667788L);
        mmu.writeLong(USER + 0xffc, 0x0102030405060708L); // 4 bytes in each page, little-endian
        assertThat(ram.readInt(0xa00ffcL)).isEqualTo(0x05060708);
        assertThat(ram.readInt(0xc00000L)).isEqualTo(0x01020304);
        assertThat(mmu.readLong(USER + 0xffc)).isEqualTo(0x0102030405060708L);
    }

    @Test
    void aWriteStraddlingIntoAReadOnlyPageWritesNothing() {
        a.map(USER + 4096, 0xc00, Prot.USER_R);
        mmu.loadCr3(a.cr3(1));
        assertThatThrownBy(() -> mmu.writeLong(USER + 0xffc, -1L)).isInstanceOf(PageFault.class);
        assertThat(ram.readInt(0xa00ffcL)).isZero();
    }
}
