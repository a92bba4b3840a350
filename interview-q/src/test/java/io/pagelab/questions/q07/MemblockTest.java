package io.pagelab.questions.q07;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.questions.q07.Memblock.Region;
import java.util.List;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q7 处理完毕的e820表如何管理？ How is the processed e820 table managed?
 *
 * <p>The machine is the seed digest's D.1 table: usable RAM [0, 0x9fc00) and [0x100000, 0x7fe0000).
 * A 32 MiB kernel image is reserved at 16 MiB, [0x1000000, 0x3000000). Free memory is therefore
 * [0, 0x9fc00), [0x100000, 0x1000000) and [0x3000000, 0x7fe0000). Every expected address below is
 * worked out by hand from mm/memblock.c: __memblock_find_range_top_down() (Linux 6.x):
 * candidate = round_down(end of the free range - size, align), taken if it is not below the
 * range's start, searching free ranges from the highest down, between PAGE_SIZE and the limit.
 */
@Grader(id = "q07")
@DisplayName("Q7 memblock: add, reserve, top-down alloc, free")
class MemblockTest {

    private static final long KERNEL_BASE = 0x1000000L;
    private static final long KERNEL_SIZE = 0x2000000L;

    /** e820__memblock_setup() for D.1, then the kernel image reserved. */
    private static Memblock bootedD1() {
        Memblock memblock = new Memblock();
        for (E820Entry e : SampleFirmware.qemu128M().entries()) {
            if (e.type().equals(E820Type.RAM)) {
                memblock.addMemory(e.addr(), e.size());
            }
        }
        memblock.reserve(KERNEL_BASE, KERNEL_SIZE);
        return memblock;
    }

    @Test
    @Points(2)
    @Hint("memblock.memory holds each usable range once; its total is the sum of their sizes. "
            + "Adding a range that overlaps or touches a known one extends it instead of adding a "
            + "region.")
    void memoryTotalIsTheUsableTotalAndOverlappingAddsAreMerged() {
        Memblock memblock = bootedD1();
        // seed digest D.1: 0x9fc00 + 0x7ee0000 = 133,692,416 bytes
        assertThat(memblock.totalMemory()).as("memory size after adding D.1's usable ranges")
                .isEqualTo(133_692_416L);
        assertThat(memblock.memory()).as("memory regions")
                .containsExactly(new Region(0, 0x9fc00L), new Region(0x100000L, 0x7ee0000L));

        // [0x9f000, 0xa0000) overlaps the first region by 0xc00 bytes and adds 0x400 bytes after it
        memblock.addMemory(0x9f000L, 0x1000);
        assertThat(memblock.memory()).as("memory regions after adding [0x9f000, 0xa0000)")
                .containsExactly(new Region(0, 0xa0000L), new Region(0x100000L, 0x7ee0000L));
        assertThat(memblock.totalMemory()).as("memory size after the overlapping add")
                .isEqualTo(133_692_416L + 0x400);
    }

    @Test
    @Points(3)
    @Hint("Allocation is top-down: look at the free ranges (memory minus reserved) from the highest "
            + "address down and take the highest aligned spot where the size fits.")
    void allocReturnsTheHighestFreePageAndReservesIt() {
        Memblock memblock = bootedD1();

        // highest free range [0x3000000, 0x7fe0000): round_down(0x7fe0000 - 0x1000, 0x1000) = 0x7fdf000
        assertThat(memblock.alloc(0x1000, 0x1000)).as("alloc(4096, 4096)").isEqualTo(0x7fdf000L);
        assertThat(memblock.reserved()).as("reserved regions after the allocation")
                .containsExactly(new Region(KERNEL_BASE, KERNEL_SIZE), new Region(0x7fdf000L, 0x1000));
        // alignment: round_down(0x7fe0000 - 0x3000 = 0x7fdd000, 2 MiB) = 0x7e00000
        assertThat(memblock.alloc(0x3000, 0x200000)).as("alloc(12 KiB, 2 MiB alignment)").isEqualTo(0x7e00000L);
    }

    @Test
    @Points(3)
    @Hint("The search ends at memblock.current_limit: free memory above it does not count, and the "
            + "reserved kernel image is skipped, not allocated from.")
    void allocStaysBelowTheCurrentLimitAndSkipsTheKernelImage() {
        Memblock memblock = bootedD1();
        memblock.setCurrentLimit(0x2000000L); // 32 MiB: inside the kernel image [16 MiB, 48 MiB)

        // below 32 MiB the highest free range is [0x100000, 0x1000000): 0x1000000 - 0x1000 = 0xfff000
        assertThat(memblock.alloc(0x1000, 0x1000)).as("alloc(4096, 4096) below a 32 MiB limit")
                .isEqualTo(0xfff000L);
    }

    @Test
    @Points(3)
    @Hint("memblock.reserved keeps its regions sorted, without overlaps, and merges regions that "
            + "touch or overlap into one.")
    void touchingAndOverlappingReservationsMergeIntoOneRegion() {
        Memblock memblock = bootedD1();
        memblock.alloc(0x1000, 0x1000); // 0x7fdf000
        memblock.alloc(0x1000, 0x1000); // 0x7fde000, touching the previous page

        assertThat(memblock.reserved()).as("reserved regions after two touching allocations")
                .containsExactly(new Region(KERNEL_BASE, KERNEL_SIZE), new Region(0x7fde000L, 0x2000));

        // [0x2000000, 0x4000000) overlaps the kernel image's second half: one region to 0x4000000
        memblock.reserve(0x2000000L, 0x2000000L);
        assertThat(memblock.reserved()).as("reserved regions after an overlapping reserve")
                .containsExactly(new Region(KERNEL_BASE, 0x3000000L), new Region(0x7fde000L, 0x2000));
        assertThat(memblock.reservedSize()).as("reserved bytes").isEqualTo(0x3000000L + 0x2000);
    }

    @Test
    @Points(3)
    @Hint("Freeing the middle of a reserved region leaves the part before and the part after as two "
            + "regions; the freed bytes become allocatable again.")
    void freeingTheMiddleOfARegionSplitsItInTwo() {
        Memblock memblock = bootedD1();

        memblock.free(0x1800000L, 0x1000);

        assertThat(memblock.reserved()).as("reserved regions after freeing one page at 24 MiB")
                .containsExactly(new Region(0x1000000L, 0x800000L), new Region(0x1801000L, 0x17ff000L));
        assertThat(memblock.reservedSize()).as("reserved bytes").isEqualTo(KERNEL_SIZE - 0x1000);
        // below a 32 MiB limit, the freed page at 0x1800000 is now the highest free page
        memblock.setCurrentLimit(0x2000000L);
        assertThat(memblock.alloc(0x1000, 0x1000)).as("alloc(4096, 4096) below 32 MiB after the free")
                .isEqualTo(0x1800000L);
    }

    @Test
    @Points(3)
    @Hint("When no free range is large enough, throw io.pagelab.api.error.OutOfMemoryException with "
            + "the kernel's words: \"Failed to allocate <size> bytes\", and change nothing.")
    void anAllocationLargerThanEveryFreeRangeFailsAndChangesNothing() {
        Memblock memblock = bootedD1();
        // the largest free range is [0x3000000, 0x7fe0000): 0x4fe0000 bytes, less than 0x5000000 (80 MiB)
        Throwable thrown = catchThrowable(() -> memblock.alloc(0x5000000L, 0x1000));

        assertThat(thrown).as("what alloc(80 MiB) throws").isInstanceOf(OutOfMemoryException.class)
                .hasMessageContaining("Failed to allocate 83886080 bytes");
        assertThat(((OutOfMemoryException) thrown).requestedBytes()).as("requested bytes in the exception")
                .isEqualTo(0x5000000L);
        assertThat(memblock.reserved()).as("reserved regions after the failed allocation")
                .containsExactly(new Region(KERNEL_BASE, KERNEL_SIZE));
    }

    @Test
    @Points(2)
    @Hint("memblock_find_in_range_node() raises the search start to PAGE_SIZE: the page at physical "
            + "address 0 is never handed out.")
    void thePageAtAddressZeroIsNeverAllocated() {
        Memblock memblock = new Memblock();
        memblock.addMemory(0, 0x2000); // two pages: 0x0 and 0x1000

        assertThat(memblock.alloc(0x1000, 0x1000)).as("first alloc(4096, 4096)").isEqualTo(0x1000L);
        assertThat(catchThrowable(() -> memblock.alloc(0x1000, 0x1000)))
                .as("second alloc(4096, 4096), only page 0 left")
                .isInstanceOf(OutOfMemoryException.class)
                .hasMessageContaining("Failed to allocate 4096 bytes");
        assertThat(memblock.reserved()).as("reserved regions").containsExactly(new Region(0x1000L, 0x1000));
    }
}
