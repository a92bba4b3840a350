package io.pagelab.questions.q13;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.questions.q13.GenericPageTable.Geometry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q13 内核如何处理多样式的页映射？ How does the kernel handle the different paging forms?
 *
 * <p>Table frames come from a pool at [1 MiB, 2 MiB) of the 128 MiB QEMU machine; the counts of
 * frames used are worked out from the geometries (seed-digest §2.2 Q13: 2 tables on i386, PGD + 3
 * on x86-64).
 */
@Grader(id = "q13")
@DisplayName("Q13 one pgd/p4d/pud/pmd/pte walk for every paging form")
class GenericPageTableTest {

    private BumpPageTableAllocator pool;
    private SimulatedRam ram;

    private GenericPageTable table(Geometry g) {
        ram = SimulatedRam.of(SampleFirmware.qemu128M());
        pool = new BumpPageTableAllocator(ram, 0x100000L, 0x200000L);
        return new GenericPageTable(ram, pool, g);
    }

    private static long pteEntry(GenericPageTable t, long va) {
        return t.pteOffset(t.pmdOffset(t.pudOffset(t.p4dOffset(t.pgdOffset(va), va), va), va), va);
    }

    @Test
    @Points(3)
    @Hint("On i386 without PAE the P4D, PUD and PMD are folded: their offset functions return the "
            + "entry they are given. Only the PGD and one page table exist: 2 frames.")
    void i386FoldsThreeLevelsAndUsesTwoTables() {
        GenericPageTable t = table(Geometry.X86_32);
        t.map(0x12345000L, 0x777);
        assertThat(pool.inUse()).as("frames for PGD + page table").isEqualTo(2);
        long pgdE = t.pgdOffset(0x12345670L);
        assertThat(t.p4dOffset(pgdE, 0x12345670L)).as("p4d folded").isEqualTo(pgdE);
        assertThat(t.pudOffset(pgdE, 0x12345670L)).as("pud folded").isEqualTo(pgdE);
        assertThat(t.pmdOffset(pgdE, 0x12345670L)).as("pmd folded").isEqualTo(pgdE);
        // the page table is the second frame, 0x101000; index 0x345, 4-byte entries: 0x101000 + 0xd14
        assertThat(pteEntry(t, 0x12345670L)).isEqualTo(0x101d14L);
        assertThat(t.lookup(0x12345670L)).isEqualTo(0x777);
    }

    @Test
    @Points(3)
    @Hint("x86-64 4-level folds only the P4D: PGD + PUD + PMD + PTE = 4 frames for the first page.")
    void fourLevelFoldsTheP4dAndUsesFourTables() {
        GenericPageTable t = table(Geometry.X86_64_4LEVEL);
        long va = 0x00007f2c90001234L;
        t.map(va & ~0xfffL, 0x12345);
        assertThat(pool.inUse()).isEqualTo(4);
        long pgdE = t.pgdOffset(va);
        assertThat(t.p4dOffset(pgdE, va)).as("p4d folded into the pgd").isEqualTo(pgdE);
        assertThat(t.lookup(va)).isEqualTo(0x12345);
    }

    @Test
    @Points(3)
    @Hint("With 5 real levels nothing is folded: 5 frames, and p4d_offset reads the PGD entry.")
    void fiveLevelUsesFiveTables() {
        GenericPageTable t = table(Geometry.X86_64_5LEVEL);
        long va = 0x00ab00007f001000L;
        t.map(va, 0x4242);
        assertThat(pool.inUse()).isEqualTo(5);
        assertThat(t.p4dOffset(t.pgdOffset(va), va)).isNotEqualTo(t.pgdOffset(va));
        assertThat(t.lookup(va)).isEqualTo(0x4242);
    }

    @Test
    @Points(2)
    @Hint("PAE has 3 real levels (4-entry PGD, PMD, PTE): 3 frames.")
    void paeUsesThreeTables() {
        GenericPageTable t = table(Geometry.X86_PAE);
        t.map(0xc0801000L, 0x99);
        assertThat(pool.inUse()).isEqualTo(3);
        assertThat(t.lookup(0xc0801fffL)).isEqualTo(0x99);
    }

    @Test
    @Points(3)
    @Hint("The tables you build for x86-64 must be real x86 tables: the CPU's page walk must find the "
            + "same frame. Entries hold the next table's physical address | PRESENT_RW.")
    void theHardwareWalksTheSameTables() {
        GenericPageTable t4 = table(Geometry.X86_64_4LEVEL);
        t4.map(0x00007f2c90001000L, 0x12345);
        assertThat(new PageWalker(ram).translate(t4.pgd(), 0x00007f2c90001234L, Access.READ,
                CpuState.plain(PagingMode.FOUR_LEVEL))).isEqualTo(0x12345234L);
        GenericPageTable t5 = table(Geometry.X86_64_5LEVEL);
        t5.map(0x00ab00007f001000L, 0x4242);
        assertThat(new PageWalker(ram).translate(t5.pgd(), 0x00ab00007f001abcL, Access.READ,
                CpuState.plain(PagingMode.FIVE_LEVEL))).isEqualTo(0x4242abcL);
    }

    @Test
    @Points(3)
    @Hint("Allocate a table only when a REAL level's parent entry is empty: a neighbour page reuses "
            + "every table; 1 GiB away on x86-64 needs a new PMD and PTE table.")
    void existingTablesAreReused() {
        GenericPageTable t = table(Geometry.X86_64_4LEVEL);
        t.map(0x400000L, 1);
        t.map(0x401000L, 2);
        assertThat(pool.inUse()).as("second page in the same page table").isEqualTo(4);
        t.map(0x40400000L, 3);
        assertThat(pool.inUse()).as("1 GiB away: new PMD and PTE tables").isEqualTo(6);
        GenericPageTable i386 = table(Geometry.X86_32);
        i386.map(0x400000L, 1);
        i386.map(0x800000L, 2);
        assertThat(pool.inUse()).as("i386, 4 MiB away: one more page table").isEqualTo(3);
    }

    @Test
    @Points(2)
    @Hint("lookup follows the same walk and answers NOT_MAPPED (-1) at the first empty entry.")
    void lookupOfAnUnmappedAddressIsNotMappedOnEveryGeometry() {
        for (Geometry g : new Geometry[] {Geometry.X86_32, Geometry.X86_PAE, Geometry.X86_64_4LEVEL,
            Geometry.X86_64_5LEVEL}) {
            GenericPageTable t = table(g);
            t.map(0x400000L, 7);
            assertThat(t.lookup(0x400000L)).as("%s mapped", g).isEqualTo(7);
            assertThat(t.lookup(0x401000L)).as("%s same table, empty pte", g).isEqualTo(GenericPageTable.NOT_MAPPED);
            assertThat(t.lookup(0x80000000L)).as("%s no table", g).isEqualTo(GenericPageTable.NOT_MAPPED);
        }
    }
}
