package io.pagelab.hardware.arm64;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.testkit.PageTableContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** Arm64PageTable passes the PageTable contract kit, as Linux builds it and with KPTI-style tables. */
class Arm64PageTableContractTest {

    /** RAM of the QEMU 4 GiB guest, translation tables from 16 MiB-48 MiB. */
    static Arm64PageTable.Builder builder() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        return Arm64PageTable.builder(ram, new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L));
    }

    /**
     * arm64 cannot map a page writable but unreadable, and Linux maps PROT_EXEC as
     * PAGE_READONLY_EXEC (arch/arm64/mm/mmap.c: protection_map[], without Enhanced PAN): any
     * access right implies read.
     */
    static Prot arm64Prot(Prot p) {
        if ((p.bits() & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0) {
            return p;
        }
        return p.with(Prot.READ);
    }

    @Nested
    class AsLinuxBuildsIt extends PageTableContract {
        @Override
        protected PageTable create() {
            return builder().build();
        }

        @Override
        protected List<Long> addressWindows() {
            // bottom of the TTBR0 half, its last GiB below 0x0001000000000000, the linear map start
            // (PAGE_OFFSET 0xffff000000000000 with 48-bit VAs), the last GiB of the TTBR1 half
            return List.of(0L, 0x0000ffffc0000000L, 0xffff000000000000L, 0xffffffffc0000000L);
        }

        @Override
        protected long unmappableAddress() {
            return 0x0001000000000000L; // bit 48 set, bit 55 clear: outside both ranges
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (48 - 12); // 48-bit output addresses
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return arm64Prot(requested);
        }
    }

    @Nested
    class NonGlobalKernelPagesWithout40BitPa extends PageTableContract {
        @Override
        protected PageTable create() {
            return builder().globalKernelPages(false).tableExecuteNever(false).physicalAddressBits(40).build();
        }

        @Override
        protected List<Long> addressWindows() {
            // user text area and the kernel image area (KIMAGE_VADDR region, 0xffff800080000000)
            return List.of(0x0000aaaac0000000L, 0xffff800080000000L & -(1L << 30));
        }

        @Override
        protected long unmappableAddress() {
            return 0xfeff000000000000L; // bit 55 set but bit 56 clear: bits 63..48 are not all ones
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (40 - 12);
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return arm64Prot(requested);
        }
    }
}
