package io.pagelab.questions.q11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.Prot;
import io.pagelab.api.error.PageFault;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q11 页面映射有何作用？都有什么好处？ What is page mapping for?
 *
 * <p>The seed's example (seed-digest §2.2 Q11, from "Looking at kmalloc()"): virtual page 0x1000
 * is frame 0x7f7 in process 1 and frame 0x435 in process 2, so 0x139a is physical 0x7f739a in one
 * and 0x43539a in the other. A shared frame 0x500 is mapped at 0x2000 in P1 and 0x5000 in P2; the
 * kernel maps PAGE_OFFSET + 0x1000 to frame 0x600 in swapper_pg_dir. RAM: the 128 MiB QEMU machine.
 */
@Grader(id = "q11")
@DisplayName("Q11 two address spaces: isolation, a shared frame, the shared kernel half")
class AddressSpacesTest {
    private static final long PAGE_OFFSET = 0xffff888000000000L;

    private SimulatedRam ram;
    private X86PageTable swapper;
    private X86PageTable p1;
    private X86PageTable p2;

    @BeforeEach
    void twoProcesses() {
        ram = SimulatedRam.of(SampleFirmware.qemu128M());
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x100000L, 0x200000L);
        swapper = X86PageTable.create(ram, pool);
        swapper.map(PAGE_OFFSET + 0x1000, 0x600, Prot.KERNEL_RW);
        p1 = X86PageTable.create(ram, pool);
        p2 = X86PageTable.create(ram, pool);
        p1.map(0x1000, 0x7f7, Prot.USER_RW);
        p2.map(0x1000, 0x435, Prot.USER_RW);
        p1.map(0x2000, 0x500, Prot.USER_RW);
        p2.map(0x5000, 0x500, Prot.USER_RW);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @Points(3)
    @Hint("Translate each byte's address with pt.translate(va + i) and write at that physical "
            + "address: the same va lands in P1's frame 0x7f7, not in P2's frame 0x435.")
    void theSameVirtualAddressIsADifferentFrameInEachProcess() {
        AddressSpaces.writeVirtual(ram, p1, 0x139aL, bytes("P1"));
        AddressSpaces.writeVirtual(ram, p2, 0x139aL, bytes("P2"));
        assertThat(ram.readBytes(0x7f739aL, 2)).as("physical 0x7f739a").isEqualTo(bytes("P1"));
        assertThat(ram.readBytes(0x43539aL, 2)).as("physical 0x43539a").isEqualTo(bytes("P2"));
    }

    @Test
    @Points(3)
    @Hint("Isolation: what P1 writes at 0x139a is not what P2 reads at 0x139a.")
    void aWriteInOneProcessIsInvisibleInTheOther() {
        AddressSpaces.writeVirtual(ram, p1, 0x139aL, bytes("secret"));
        assertThat(AddressSpaces.readVirtual(ram, p1, 0x139aL, 6)).isEqualTo(bytes("secret"));
        assertThat(AddressSpaces.readVirtual(ram, p2, 0x139aL, 6)).as("P2's own, untouched page")
                .containsOnly(0);
    }

    @Test
    @Points(3)
    @Hint("Sharing: two page tables pointing at the same frame see the same bytes, even at "
            + "different virtual addresses.")
    void aSharedFrameIsVisibleFromBothProcesses() {
        AddressSpaces.writeVirtual(ram, p1, 0x2010L, bytes("hello"));
        assertThat(AddressSpaces.readVirtual(ram, p2, 0x5010L, 5)).isEqualTo(bytes("hello"));
    }

    @Test
    @Points(3)
    @Hint("pgd_ctor() copies PGD entries 256..511 from swapper_pg_dir; entries 0..255 stay the "
            + "process's own.")
    void cloneKernelPgdsCopiesExactlyTheKernelHalf() {
        long userEntry = ram.readLong(p1.root());
        AddressSpaces.cloneKernelPgds(ram, swapper.root(), p1.root());
        for (int i = 256; i < 512; i++) {
            assertThat(ram.readLong(p1.root() + 8L * i)).as("PGD entry %d", i)
                    .isEqualTo(ram.readLong(swapper.root() + 8L * i));
        }
        assertThat(ram.readLong(p1.root())).as("PGD entry 0 (user)").isEqualTo(userEntry);
        assertThat(p1.translate(0x1000)).as("user mapping kept").isEqualTo(0x7f7000L);
    }

    @Test
    @Points(3)
    @Hint("After the copy both processes reach the kernel's frames through the same lower tables: a "
            + "kernel write seen through P1 is there through P2.")
    void bothProcessesShareTheKernelHalf() {
        AddressSpaces.cloneKernelPgds(ram, swapper.root(), p1.root());
        AddressSpaces.cloneKernelPgds(ram, swapper.root(), p2.root());
        assertThat(p1.translate(PAGE_OFFSET + 0x1000)).isEqualTo(0x600000L);
        assertThat(p2.translate(PAGE_OFFSET + 0x1000)).isEqualTo(0x600000L);
        AddressSpaces.writeVirtual(ram, p1, PAGE_OFFSET + 0x1008, bytes("kernel"));
        assertThat(AddressSpaces.readVirtual(ram, p2, PAGE_OFFSET + 0x1008, 6)).isEqualTo(bytes("kernel"));
        // mapped later under the same PGD entry: every process sees it without another copy
        swapper.map(PAGE_OFFSET + 0x3000, 0x601, Prot.KERNEL_RW);
        assertThat(p2.translate(PAGE_OFFSET + 0x3000)).isEqualTo(0x601000L);
    }

    @Test
    @Points(3)
    @Hint("Contiguous virtual bytes need not be contiguous in RAM: translate every byte, the page "
            + "boundary at 0x2000 jumps from frame 0x7f7 to frame 0x500.")
    void aWriteAcrossAPageBoundarySplitsBetweenFrames() {
        AddressSpaces.writeVirtual(ram, p1, 0x1ffcL, bytes("ABCDEFGH"));
        assertThat(ram.readBytes(0x7f7ffcL, 4)).isEqualTo(bytes("ABCD"));
        assertThat(ram.readBytes(0x500000L, 4)).isEqualTo(bytes("EFGH"));
    }

    @Test
    @Points(2)
    @Hint("Check every byte before writing: the first unmapped byte gives a PageFault (code 0x6, "
            + "address = that byte) and nothing at all is written.")
    void aWriteReachingAnUnmappedPageFaultsAndWritesNothing() {
        Throwable t = catchThrowable(() -> AddressSpaces.writeVirtual(ram, p1, 0x2ffcL, bytes("ABCDEFGH")));
        assertThat(t).isInstanceOf(PageFault.class);
        assertThat(((PageFault) t).cr2()).isEqualTo(0x3000L);
        assertThat(((PageFault) t).errorCode()).isEqualTo(0x6);
        assertThat(ram.readBytes(0x500ffcL, 4)).as("the mapped part stays untouched").containsOnly(0);
    }
}
