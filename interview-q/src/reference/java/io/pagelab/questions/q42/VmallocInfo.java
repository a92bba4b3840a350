package io.pagelab.questions.q42;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Q42 如何查看vmalloc信息？ How do you view vmalloc information? (reference solution)
 *
 * <p>Models mm/vmalloc.c (Linux 5.x/6.x): s_show() and show_numa_info() for /proc/vmallocinfo, and
 * the guard page __get_vm_area_node() adds to vm->size.
 *
 * <p>Differs from Linux on purpose: %pK prints the raw address (the kernel hashes or zeroes it for
 * readers without the right kptr_restrict); one NUMA node; no "vm_map_ram" / "unpurged vm_area" lines.
 */
public final class VmallocInfo {

    public static final int VM_IOREMAP = 0x1;
    public static final int VM_ALLOC = 0x2;
    public static final int VM_MAP = 0x4;

    /** One vm_struct (see the stub for the fields). */
    public record Area(long addr, long size, String caller, int nrPages, long phys, int flags) {
    }

    private VmallocInfo() {
    }

    /** PAGE_ALIGN(request) + the guard page. */
    public static long sizeColumn(long requestBytes) {
        return ((requestBytes + 4095) & -4096L) + 4096;
    }

    /** s_show() for one area. */
    public static String line(Area a) {
        StringBuilder sb = new StringBuilder(String.format("0x%016x-0x%016x %7d", a.addr(), a.addr() + a.size(), a.size()));
        if (a.caller() != null) {
            sb.append(' ').append(a.caller());
        }
        if (a.nrPages() != 0) {
            sb.append(" pages=").append(a.nrPages());
        }
        if (a.phys() != 0) {
            sb.append(String.format(" phys=0x%016x", a.phys()));
        }
        if ((a.flags() & VM_IOREMAP) != 0) {
            sb.append(" ioremap");
        }
        if ((a.flags() & VM_ALLOC) != 0) {
            sb.append(" vmalloc");
        }
        if ((a.flags() & VM_MAP) != 0) {
            sb.append(" vmap");
        }
        if (a.nrPages() * 8L > 4096) {
            sb.append(" vpages");
        }
        if ((a.flags() & VM_ALLOC) != 0 && a.nrPages() != 0) {
            sb.append(" N0=").append(a.nrPages());
        }
        return sb.toString();
    }

    /** Every area by ascending (unsigned) address. */
    public static List<String> render(List<Area> areas) {
        List<Area> sorted = new ArrayList<>(areas);
        sorted.sort(Comparator.comparing(Area::addr, Long::compareUnsigned));
        List<String> out = new ArrayList<>();
        for (Area a : sorted) {
            out.add(line(a));
        }
        return out;
    }
}
