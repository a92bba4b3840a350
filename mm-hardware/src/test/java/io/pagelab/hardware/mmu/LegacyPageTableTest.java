package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.testkit.PageTableContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * 32-bit paging and PAE: the PageTable contract, and raw entries at addresses whose indices are
 * worked out by hand. Table frames come from a pool at 0x1000000, in order.
 */
class LegacyPageTableTest {
    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);

    private static List<Long> windows32() {
        return List.of(0L, 0x40000000L, 0xc0000000L); // user space bottom, 1 GiB, PAGE_OFFSET
    }

    @Nested
    class TwoLevelContract extends PageTableContract {
        @Override
        protected PageTable create() {
            return LegacyPageTable.twoLevel(ram, new BumpPageTableAllocator(ram, 0x4000000L, 0x6000000L));
        }

        @Override
        protected List<Long> addressWindows() {
            return windows32();
        }

        @Override
        protected long unmappableAddress() {
            return 0x100000000L; // 4 GiB: beyond a 32-bit linear address
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << 20; // 4 GiB of physical memory without PSE-36
        }

        @Override
        protected Prot expectedProt(Prot p) {
            // no NX in 32-bit paging, and no write-only or exec-only pages: any access gives read and exec
            return (p.bits() & 7) == 0 ? p : p.with(Prot.READ | Prot.EXEC);
        }
    }

    @Nested
    class PaeContract extends PageTableContract {
        @Override
        protected PageTable create() {
            return LegacyPageTable.pae(ram, new BumpPageTableAllocator(ram, 0x4000000L, 0x6000000L));
        }

        @Override
        protected List<Long> addressWindows() {
            return windows32();
        }

        @Override
        protected long unmappableAddress() {
            return 0xffffffffc0000000L;
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (36 - 12); // classic PAE: 64 GiB
        }

        @Override
        protected Prot expectedProt(Prot p) {
            return (p.bits() & 7) == 0 ? p : p.with(Prot.READ);
        }
    }

    @Test
    void twoLevelEntriesAreFourBytesAndTheKernelStartsAtPdeEntry768() {
        LegacyPageTable t = LegacyPageTable.twoLevel(ram, pool);
        // PAGE_OFFSET 0xc0000000 >> 22 = 0x300 = 768; entry at root + 768 * 4 = root + 0xc00
        t.map(0xc0000000L, 0, 4L << 20, Prot.KERNEL_RW);
        // 4 MiB PDE: address 0 | P|RW|PS|G = 0x183 (no NX in this format)
        assertThat(ram.readInt(0x1000c00L)).isEqualTo(0x183);
        assertThat(t.translate(0xc0123456L)).isEqualTo(0x123456L);
    }

    @Test
    void twoLevelSplitsAnAddressTenTenTwelve() {
        LegacyPageTable t = LegacyPageTable.twoLevel(ram, pool);
        // 0x08048000 (the classic i386 ELF load address): >> 22 = 0x20 = 32; (>> 12) & 0x3ff = 0x048 = 72
        t.map(0x08048000L, 0x1234, Prot.USER_RW);
        assertThat(ram.readInt(0x1000000L + 32 * 4)).as("PDE[32] -> PT at 0x1001000, P|RW|U")
                .isEqualTo(0x1001007);
        assertThat(ram.readInt(0x1001000L + 72 * 4)).as("PTE[72]").isEqualTo(0x1234007);
        assertThat(ram.readInt(0x1001000L + 73 * 4)).as("the next 4-byte entry").isZero();
        assertThat(t.entry(0x08048000L, 1)).isEqualTo(0x1234007L);
    }

    @Test
    void paeSplitsAnAddressTwoNineNineTwelveAndItsPdpteHoldsOnlyPresent() {
        LegacyPageTable t = LegacyPageTable.pae(ram, pool);
        // 0x08048000: bits 31..30 = 0; (>> 21) & 511 = 0x40 = 64; (>> 12) & 511 = 0x48 = 72
        t.map(0x08048000L, 0x1234, Prot.USER_RW);
        assertThat(ram.readLong(0x1000000L)).as("PDPTE[0]: PD at 0x1001000 | P (R/W, U/S reserved)").isEqualTo(0x1001001L);
        assertThat(ram.readLong(0x1001000L + 64 * 8)).as("PDE[64]").isEqualTo(0x1002007L);
        assertThat(ram.readLong(0x1002000L + 72 * 8)).as("PTE[72], NX since not executable")
                .isEqualTo(0x8000000001234007L);
    }

    @Test
    void paeKernelLivesInTheFourthPdpteWithTwoMegabytePages() {
        LegacyPageTable t = LegacyPageTable.pae(ram, pool);
        // 0xc0000000 >> 30 = 3; PD index 0
        t.map(0xc0000000L, 0x200, 2L << 20, Prot.KERNEL_RX);
        assertThat(ram.readLong(0x1000000L + 3 * 8)).isEqualTo(0x1001001L);
        // 2 MiB PDE: 0x200000 | P|PS|G = 0x181, executable so no NX
        assertThat(t.entry(0xc0000000L, 1)).isEqualTo(0x200181L);
        assertThat(t.mappings()).containsExactly(new PageMapping(0xc0000000L, 0x200, 2L << 20, Prot.KERNEL_RX));
    }

    @Test
    void aUserPageAboveThePageOffsetOpensItsPdeButNeverAPaePdpte() {
        LegacyPageTable t = LegacyPageTable.pae(ram, pool);
        t.map(0xc0001000L, 0x5, Prot.USER_R);
        assertThat(t.entry(0xc0001000L, 0)).isEqualTo(0x1001001L);
        assertThat(t.entry(0xc0001000L, 1) & X86PageTableEntry.USER).isNotZero();
    }

    @Test
    void addressesAndFramesBeyondThirtyTwoBitsAreRefusedWithTheRule() {
        LegacyPageTable t = LegacyPageTable.twoLevel(ram, pool);
        assertThatThrownBy(() -> t.map(0x100000000L, 1, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessage("virtual address 0x100000000 does not fit 32-bit paging: linear addresses are 32-bit,"
                        + " 0x0-0xffffffff");
        assertThatThrownBy(() -> t.map(0x1000L, 0x100000L, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessage("pfn 0x100000 is beyond the 32-bit physical address space of 32-bit paging: frames must"
                        + " lie below pfn 0x100000 (physical address 0x100000000)");
        assertThatThrownBy(() -> t.map(0x1000L, 0, 2L << 20, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("page size 0x200000 is not supported by 32-bit paging: allowed are 0x1000 (4 KiB) and 0x400000");
    }

    @Test
    void thirtyTwoBitPagingHasNeitherNxNorMoreThanThirtyTwoPhysicalBits() {
        assertThatThrownBy(() -> new LegacyPageTable(ram, pool, LegacyPaging.TWO_LEVEL, 36, false))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("asked for 36 bits");
        assertThat(LegacyPaging.TWO_LEVEL.entries(0)).isEqualTo(1024);
        assertThat(LegacyPaging.PAE.entries(0)).isEqualTo(4);
    }
}
