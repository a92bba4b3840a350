package io.pagelab.questions.q42;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q42.VmallocInfo.Area;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q42 如何查看vmalloc信息？ How do you view vmalloc information?
 *
 * <p>Expected lines are the real /proc/vmallocinfo sample of linux-reference.md §11.2 (a 5.x kernel,
 * KASLR'd vmalloc_base 0xffffb2a680000000), format from s_show() / show_numa_info() in mm/vmalloc.c.
 */
@Grader(id = "q42")
@DisplayName("Q42 /proc/vmallocinfo: guard page in the size, kernel line format, address order")
class VmallocInfoTest {

    static final String IOREMAP = "0xffffb2a680040000-0xffffb2a68006a000  172032 acpi_os_map_iomem+0x17c/0x1b0"
            + " phys=0x000000004ea1b000 ioremap";
    static final String HASH = "0xffffb2a68006a000-0xffffb2a68206b000 33558528 alloc_large_system_hash+0x181/0x23e"
            + " pages=8192 vmalloc vpages N0=8192";
    static final String HASH2 = "0xffffb2a68306c000-0xffffb2a6830ed000  528384 alloc_large_system_hash+0x181/0x23e"
            + " pages=128 vmalloc N0=128";
    static final String BPF = "0xffffb2a68316e000-0xffffb2a683170000    8192 bpf_prog_alloc+0x3e/0xb0 pages=1 vmalloc N0=1";
    static final String FORK = "0xffffb2a683170000-0xffffb2a683175000   20480 _do_fork+0xcf/0x3a0 pages=4 vmalloc N0=4";
    static final String MODULE = "0xffffffffc0c88000-0xffffffffc0cb6000  188416 load_module+0x1401/0x2c20 pages=45"
            + " vmalloc N0=45";

    static Area vmalloc(long addr, long size, String caller, int pages) {
        return new Area(addr, size, caller, pages, 0, VmallocInfo.VM_ALLOC);
    }

    @Test
    @Points(2)
    @Hint("Round the request up to whole 4096-byte pages, then add the guard page: vmalloc(1 page) shows 8192.")
    void theSizeColumnIncludesTheGuardPage() {
        assertThat(VmallocInfo.sizeColumn(3 * 4096)).as("3 pages (seed-digest Q42)").isEqualTo(16384);
        assertThat(VmallocInfo.sizeColumn(4096)).as("bpf_prog_alloc, 1 page").isEqualTo(8192);
        assertThat(VmallocInfo.sizeColumn(16384)).as("a 16 KiB kernel stack").isEqualTo(20480);
        assertThat(VmallocInfo.sizeColumn(128 * 4096)).as("128 pages = 129 x 4096").isEqualTo(528384);
        assertThat(VmallocInfo.sizeColumn(1)).as("1 byte").isEqualTo(8192);
    }

    @Test
    @Points(3)
    @Hint("\"0x%016x-0x%016x %7d\" with end = start + size, then \" pages=N\", \" vmalloc\", \" N0=N\". "
            + "No caller: no caller field at all.")
    void aThreePageVmallocLineAtVmallocStart() {
        // VMALLOC_START 0xffffc90000000000 + 16384 = 0xffffc90000004000
        assertThat(VmallocInfo.line(vmalloc(0xffffc90000000000L, 16384, null, 3)))
                .isEqualTo("0xffffc90000000000-0xffffc90000004000   16384 pages=3 vmalloc N0=3");
    }

    @Test
    @Points(2)
    @Hint("The caller goes between the size and pages=, separated by one space. %7ld pads 8192 to "
            + "four spaces + 4 digits.")
    void smallVmallocLinesMatchTheRealSample() {
        assertThat(VmallocInfo.line(vmalloc(0xffffb2a68316e000L, 8192, "bpf_prog_alloc+0x3e/0xb0", 1))).isEqualTo(BPF);
        assertThat(VmallocInfo.line(vmalloc(0xffffb2a683170000L, 20480, "_do_fork+0xcf/0x3a0", 4))).isEqualTo(FORK);
    }

    @Test
    @Points(3)
    @Hint("An ioremap area has no pages (no pages= field) but a physical address: \" phys=0x%016x\", "
            + "then the word ioremap; N0= only belongs to vmalloc areas.")
    void anIoremapLineShowsPhysAndIoremap() {
        Area io = new Area(0xffffb2a680040000L, 172032, "acpi_os_map_iomem+0x17c/0x1b0", 0, 0x4ea1b000L,
                VmallocInfo.VM_IOREMAP);
        assertThat(VmallocInfo.line(io)).isEqualTo(IOREMAP);
    }

    @Test
    @Points(2)
    @Hint("%7ld is a minimum width: a size with 8 digits is printed whole. More than 512 pages means the "
            + "pages[] array (8 bytes each) exceeded a page and was vmalloc'ed: print \" vpages\" before N0=.")
    void aHugeAreaIsNotTruncatedAndShowsVpages() {
        // 33558528 = 8193 x 4096: 8192 pages + guard
        assertThat(VmallocInfo.line(vmalloc(0xffffb2a68006a000L, 33558528, "alloc_large_system_hash+0x181/0x23e", 8192)))
                .isEqualTo(HASH);
        assertThat(VmallocInfo.line(vmalloc(0xffffb2a68306c000L, 528384, "alloc_large_system_hash+0x181/0x23e", 128)))
                .as("128 pages x 8 bytes = 1024: no vpages").isEqualTo(HASH2);
    }

    @Test
    @Points(3)
    @Hint("Sort by address before printing; kernel addresses are negative as Java longs, so compare them "
            + "unsigned (Long.compareUnsigned) to be safe.")
    void theWholeFileIsSortedByAddress() {
        List<Area> shuffled = List.of(
                vmalloc(0xffffffffc0c88000L, 188416, "load_module+0x1401/0x2c20", 45),
                vmalloc(0xffffb2a683170000L, 20480, "_do_fork+0xcf/0x3a0", 4),
                new Area(0xffffb2a680040000L, 172032, "acpi_os_map_iomem+0x17c/0x1b0", 0, 0x4ea1b000L, VmallocInfo.VM_IOREMAP),
                vmalloc(0xffffb2a68316e000L, 8192, "bpf_prog_alloc+0x3e/0xb0", 1),
                vmalloc(0xffffb2a68306c000L, 528384, "alloc_large_system_hash+0x181/0x23e", 128),
                vmalloc(0xffffb2a68006a000L, 33558528, "alloc_large_system_hash+0x181/0x23e", 8192));
        assertThat(VmallocInfo.render(shuffled)).containsExactly(IOREMAP, HASH, HASH2, BPF, FORK, MODULE);
    }
}
