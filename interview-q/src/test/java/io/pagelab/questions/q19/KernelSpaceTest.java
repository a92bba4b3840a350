package io.pagelab.questions.q19;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.kernel.layout.RegionKind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q19 Kernel内存空间如何划分？ How is the kernel's address space divided?
 *
 * <p>The 64-bit rows are copied from Documentation/arch/x86/x86_64/mm.rst (linux-reference.md §1.4);
 * the 32-bit addresses come from the seed digest's Q19 row and the 2.6 formulas; random addresses are
 * judged by those same mm.rst rows, never by pagelab's own layout model.
 */
@Grader(id = "q19")
@DisplayName("Q19 classify kernel addresses: the x86-64 memory map and the 32-bit 3G/1G split")
class KernelSpaceTest {

    /** mm.rst, 4-level: start, end (inclusive), kind of each kernel-half row. */
    private static final Object[][] ROWS = {
        {0xffff800000000000L, 0xffff87ffffffffffL, RegionKind.GUARD_HOLE},
        {0xffff880000000000L, 0xffff887fffffffffL, RegionKind.LDT_REMAP},
        {0xffff888000000000L, 0xffffc87fffffffffL, RegionKind.DIRECT_MAP},
        {0xffffc88000000000L, 0xffffc8ffffffffffL, RegionKind.UNUSED_HOLE},
        {0xffffc90000000000L, 0xffffe8ffffffffffL, RegionKind.VMALLOC},
        {0xffffe90000000000L, 0xffffe9ffffffffffL, RegionKind.UNUSED_HOLE},
        {0xffffea0000000000L, 0xffffeaffffffffffL, RegionKind.VMEMMAP},
        {0xffffeb0000000000L, 0xffffebffffffffffL, RegionKind.UNUSED_HOLE},
        {0xffffec0000000000L, 0xfffffbffffffffffL, RegionKind.KASAN_SHADOW},
        {0xfffffc0000000000L, 0xfffffdffffffffffL, RegionKind.UNUSED_HOLE},
        {0xfffffe0000000000L, 0xfffffe7fffffffffL, RegionKind.CPU_ENTRY_AREA},
        {0xfffffe8000000000L, 0xfffffeffffffffffL, RegionKind.UNUSED_HOLE},
        {0xffffff0000000000L, 0xffffff7fffffffffL, RegionKind.ESPFIX_STACKS},
        {0xffffff8000000000L, 0xffffffeeffffffffL, RegionKind.UNUSED_HOLE},
        {0xffffffef00000000L, 0xfffffffeffffffffL, RegionKind.EFI},
        {0xffffffff00000000L, 0xffffffff7fffffffL, RegionKind.UNUSED_HOLE},
        {0xffffffff80000000L, 0xffffffff9fffffffL, RegionKind.KERNEL_TEXT},
        {0xffffffffa0000000L, 0xfffffffffeffffffL, RegionKind.MODULES},
        {0xffffffffff500000L, 0xffffffffff5fffffL, RegionKind.FIXMAP},
        {0xffffffffff600000L, 0xffffffffff600fffL, RegionKind.VSYSCALL},
        {0xffffffffffe00000L, 0xffffffffffffffffL, RegionKind.UNUSED_HOLE},
    };

    @Test
    @Points(2)
    @Hint("Everything up to 0x00007fffffffffff is user space; from 0x0000800000000000 to 0xffff7fffffffffff "
            + "is the non-canonical hole. Kernel addresses are negative longs: compare unsigned.")
    void theLowerHalfIsUserSpaceAndThenComesTheHole() {
        assertThat(KernelSpace.classify64(0L)).as("0x0").isEqualTo(RegionKind.USER);
        assertThat(KernelSpace.classify64(0x00007fffffffffffL)).as("0x00007fffffffffff").isEqualTo(RegionKind.USER);
        assertThat(KernelSpace.classify64(0x0000800000000000L)).as("0x0000800000000000")
                .isEqualTo(RegionKind.NON_CANONICAL);
        assertThat(KernelSpace.classify64(0xffff7fffffffffffL)).as("0xffff7fffffffffff")
                .isEqualTo(RegionKind.NON_CANONICAL);
    }

    @Test
    @Points(4)
    @Hint("Copy mm.rst's 4-level rows (linux-reference.md §1.4): a region runs from its start address to its "
            + "end address, both included.")
    void everyKernelRowOfTheTableIsRecognisedAtItsStartMiddleAndEnd() {
        for (Object[] row : ROWS) {
            long start = (Long) row[0];
            long end = (Long) row[1];
            long middle = start + (end - start) / 2;
            for (long va : new long[] {start, middle, end}) {
                assertThat(KernelSpace.classify64(va)).as("classify64(%#018x)", va).isEqualTo(row[2]);
            }
        }
    }

    @Test
    @Points(2)
    @Hint("Between MODULES_END 0xffffffffff000000 and FIXADDR_START 0xffffffffff500000, and between the "
            + "vsyscall page and 0xffffffffffe00000, mm.rst lists nothing: UNUSED_HOLE.")
    void whatTheTableLeavesOutIsAnUnusedHole() {
        assertThat(KernelSpace.classify64(0xffffffffff000000L)).as("MODULES_END").isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(KernelSpace.classify64(0xffffffffff4fffffL)).as("just below FIXADDR_START")
                .isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(KernelSpace.classify64(0xffffffffff601000L)).as("just above vsyscall")
                .isEqualTo(RegionKind.UNUSED_HOLE);
        // mm.rst: "the STACKLEAK_POISON value in the last 2MB hole: ffffffffffff4111"
        assertThat(KernelSpace.classify64(0xffffffffffff4111L)).as("STACKLEAK_POISON")
                .isEqualTo(RegionKind.UNUSED_HOLE);
    }

    @Test
    @Points(2)
    @Hint("Random addresses, many near region boundaries: each must land in the mm.rst row that contains it "
            + "(start and end both included), in user space, in the hole, or else in an unused hole.")
    void randomAddressesFallInTheMmRstRowThatContainsThem() {
        // Expected kinds come from mm.rst alone (linux-reference.md §1.4): the user half up to
        // 0x00007fffffffffff, the non-canonical hole up to 0xffff7fffffffffff, then the ROWS above; what the
        // table leaves out of the kernel half is an unused hole.
        SplittableRandom random = new SplittableRandom(19);
        for (int i = 0; i < 20_000; i++) {
            long va = random.nextLong();
            if (i % 2 == 0) {
                Object[] row = ROWS[random.nextInt(ROWS.length)];
                va = (Long) row[random.nextBoolean() ? 0 : 1] + random.nextInt(5) - 2;
            }
            assertThat(KernelSpace.classify64(va)).as("classify64(%#018x) (seed 19, draw %d)", va, i)
                    .isEqualTo(mmRstKind(va));
        }
    }

    /** The kind mm.rst's 4-level table gives {@code va}. */
    private static RegionKind mmRstKind(long va) {
        if (Long.compareUnsigned(va, 0x00007fffffffffffL) <= 0) {
            return RegionKind.USER;
        }
        if (Long.compareUnsigned(va, 0xffff7fffffffffffL) <= 0) {
            return RegionKind.NON_CANONICAL;
        }
        for (Object[] row : ROWS) {
            if (Long.compareUnsigned(va, (Long) row[0]) >= 0 && Long.compareUnsigned(va, (Long) row[1]) <= 0) {
                return (RegionKind) row[2];
            }
        }
        return RegionKind.UNUSED_HOLE;
    }

    @Test
    @Points(4)
    @Hint("high_memory = 0xC0000000 + min(RAM, 896 MiB); then the 8 MiB gap, vmalloc up to PKMAP_BASE - 8 KiB, "
            + "two guard pages, 4 MiB of pkmap, a hole, the fixmap up to 0xFFFFF000, the last page.")
    void the32BitSplitOnA2GiBMachine() {
        long ram = 2L << 30;
        assertThat(KernelSpace.classify32(0xBFFFFFFFL, ram)).as("0xBFFFFFFF").isEqualTo(RegionKind.USER);
        assertThat(KernelSpace.classify32(0xC0100000L, ram)).as("0xC0100000").isEqualTo(RegionKind.DIRECT_MAP);
        assertThat(KernelSpace.classify32(0xF7FFFFFFL, ram)).as("last lowmem byte").isEqualTo(RegionKind.DIRECT_MAP);
        // seed Q19: 0xC0000000 + 896 MiB + 4 MiB = 0xF8400000 is in the VMALLOC_OFFSET gap
        assertThat(KernelSpace.classify32(0xF8400000L, ram)).as("0xF8400000")
                .isEqualTo(RegionKind.VMALLOC_OFFSET_GAP);
        assertThat(KernelSpace.classify32(0xF8800000L, ram)).as("VMALLOC_START").isEqualTo(RegionKind.VMALLOC);
        assertThat(KernelSpace.classify32(0xFF7FDFFFL, ram)).as("last vmalloc byte").isEqualTo(RegionKind.VMALLOC);
        assertThat(KernelSpace.classify32(0xFF7FE000L, ram)).as("guard pages").isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(KernelSpace.classify32(0xFF800000L, ram)).as("PKMAP_BASE").isEqualTo(RegionKind.PKMAP);
        assertThat(KernelSpace.classify32(0xFFC00000L, ram)).as("after pkmap").isEqualTo(RegionKind.UNUSED_HOLE);
        // seed Q19: 0xFFFFE000 is a fixmap page
        assertThat(KernelSpace.classify32(0xFFFFE000L, ram)).as("0xFFFFE000").isEqualTo(RegionKind.FIXMAP);
        assertThat(KernelSpace.classify32(0xFFFFF000L, ram)).as("FIXADDR_TOP").isEqualTo(RegionKind.UNUSED_HOLE);
    }

    @Test
    @Points(2)
    @Hint("With less than 896 MiB, lowmem ends with the RAM, and VMALLOC_START is high_memory + 8 MiB rounded "
            + "UP to a multiple of 8 MiB (so the gap can be up to 16 MiB).")
    void smallMachinesEndLowmemWithTheirRam() {
        // 512 MiB: high_memory 0xE0000000, VMALLOC_START 0xE0800000
        assertThat(KernelSpace.classify32(0xE0000000L, 512L << 20)).as("512 MiB: 0xE0000000")
                .isEqualTo(RegionKind.VMALLOC_OFFSET_GAP);
        assertThat(KernelSpace.classify32(0xE0800000L, 512L << 20)).as("512 MiB: 0xE0800000")
                .isEqualTo(RegionKind.VMALLOC);
        // 31 MiB: high_memory 0xC1F00000, (0xC1F00000 + 0xFFFFFF) & ~0x7FFFFF = 0xC2800000
        assertThat(KernelSpace.classify32(0xC27FFFFFL, 31L << 20)).as("31 MiB: 0xC27FFFFF")
                .isEqualTo(RegionKind.VMALLOC_OFFSET_GAP);
        // ... and VMALLOC_START = 0xC2800000 itself is the first vmalloc byte (a 9 MiB gap)
        assertThat(KernelSpace.classify32(0xC2800000L, 31L << 20)).as("31 MiB: 0xC2800000")
                .isEqualTo(RegionKind.VMALLOC);
    }

    @Test
    @Points(1)
    @Hint("A 32-bit address is 0..0xFFFFFFFF; throw InvalidArgumentException otherwise.")
    void addressesBeyond32BitsAreRefused() {
        assertThatThrownBy(() -> KernelSpace.classify32(1L << 32, 1L << 30)).as("0x100000000")
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> KernelSpace.classify32(-1L, 1L << 30)).as("-1")
                .isInstanceOf(InvalidArgumentException.class);
    }
}
