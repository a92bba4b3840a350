package io.pagelab.hardware.mmu;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.testkit.PageTableContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** X86PageTable passes the PageTable contract kit under 4-level and 5-level paging, and without NX. */
class X86PageTableContractTest {

    /** RAM of the QEMU 4 GiB guest, page tables from 16 MiB-48 MiB (usable RAM in §2.4 (a)). */
    static X86PageTable.Builder builder() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        return X86PageTable.builder(ram, new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L));
    }

    /** x86 cannot map a page writable or executable but unreadable: any access right implies read. */
    static Prot x86Prot(Prot p, boolean noExecute) {
        if ((p.bits() & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0) {
            return p;
        }
        Prot q = p.with(Prot.READ);
        return noExecute ? q : q.with(Prot.EXEC);
    }

    @Nested
    class FourLevel extends PageTableContract {
        @Override
        protected PageTable create() {
            return builder().build();
        }

        @Override
        protected List<Long> addressWindows() {
            // bottom of user space, its last GiB below 0x0000800000000000, the start of the kernel half, the last GiB
            return List.of(0L, 0x00007fffc0000000L, 0xffff800000000000L, 0xffffffffc0000000L);
        }

        @Override
        protected long unmappableAddress() {
            return 0x0000800000000000L; // bit 47 set, bits 63..48 clear: non-canonical
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (46 - 12); // MAXPHYADDR 46: physical addresses below 2^46
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return x86Prot(requested, true);
        }
    }

    @Nested
    class FiveLevel extends PageTableContract {
        @Override
        protected PageTable create() {
            return builder().mode(PagingMode.FIVE_LEVEL).maxPhyAddr(52).build();
        }

        @Override
        protected List<Long> addressWindows() {
            // 0x0000800000000000 is canonical with 57 bits; the user half ends at 0x00ffffffffffffff
            return List.of(0L, 0x0000800000000000L, 0x00ffffffc0000000L, 0xff00000000000000L, 0xffffffffc0000000L);
        }

        @Override
        protected long unmappableAddress() {
            return 0x0100000000000000L; // bit 56 set, bits 63..57 clear
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (52 - 12);
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return x86Prot(requested, true);
        }
    }

    @Nested
    class WithoutNx extends PageTableContract {
        @Override
        protected PageTable create() {
            return builder().noExecute(false).maxPhyAddr(36).build();
        }

        @Override
        protected List<Long> addressWindows() {
            return List.of(0x40000000L, 0xffffffff80000000L & -(1L << 30));
        }

        @Override
        protected long unmappableAddress() {
            return 0xfffe000000000000L;
        }

        @Override
        protected long firstPfnBeyondPhysicalLimit() {
            return 1L << (36 - 12);
        }

        @Override
        protected Prot expectedProt(Prot requested) {
            return x86Prot(requested, false);
        }
    }
}
