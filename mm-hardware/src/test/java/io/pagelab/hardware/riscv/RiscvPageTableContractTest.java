package io.pagelab.hardware.riscv;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.testkit.PageTableContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** RiscvPageTable passes the PageTable contract kit under Sv39 and Sv48. */
class RiscvPageTableContractTest {

    static RiscvPageTable create(SvMode mode) {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        return RiscvPageTable.create(ram, new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L), mode);
    }

    /**
     * W without R is a reserved PTE encoding, so a writable page is readable; an execute-only page
     * is fine (Linux's PAGE_EXEC).
     */
    static Prot riscvProt(Prot p) {
        return p.canWrite() ? p.with(Prot.READ) : p;
    }

    @Nested
    class Sv39 extends PageTableContract {
        @Override
        protected PageTable create() {
            return RiscvPageTableContractTest.create(SvMode.SV39);
        }

        @Override
        protected List<Long> addressWindows() {
            // bottom of user space, its last GiB below 2^38, the first and the last GiB of the kernel half
            return List.of(0L, 0x0000003fc0000000L, 0xffffffc000000000L, 0xffffffffc0000000L);
        }

        @Override
        protected long unmappableAddress() {
            return 0x0000004000000000L; // bit 38 set, bits 63..39 clear
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << 44; // the PPN field has 44 bits
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return riscvProt(requested);
        }
    }

    @Nested
    class Sv48 extends PageTableContract {
        @Override
        protected PageTable create() {
            return RiscvPageTableContractTest.create(SvMode.SV48);
        }

        @Override
        protected List<Long> addressWindows() {
            return List.of(0L, 0x00007fffc0000000L, 0xffff800000000000L, 0xffffffffc0000000L);
        }

        @Override
        protected long unmappableAddress() {
            return 0x0000800000000000L; // bit 47 set, bits 63..48 clear
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << 44;
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return riscvProt(requested);
        }
    }
}
