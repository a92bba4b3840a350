package io.pagelab.questions.q42;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q42 如何查看vmalloc信息？ How do you view vmalloc information?
 *
 * <p>{@code cat /proc/vmallocinfo} (root only). One line per area, sorted by address, printed by
 * {@code s_show()} in mm/vmalloc.c:
 * <pre>
 *   "0x%pK-0x%pK %7ld"   start, start + size, size      (size INCLUDES the guard page)
 *   " %pS"               the caller, if known          e.g. bpf_prog_alloc+0x3e/0xb0
 *   " pages=%d"          if the area has pages
 *   " phys=%pa"          if it has a physical address  (ioremap), 0x + 16 hex digits
 *   " ioremap" " vmalloc" " vmap"                      one word per flag, in this order
 *   " vpages"            if the pages[] array was itself vmalloc'ed (more than 4096 / 8 = 512 pages)
 *   " N0=%d"             pages per NUMA node (vmalloc areas only; one node here)
 * </pre>
 * Addresses print as 0x plus 16 hex digits. A real sample:
 * <pre>
 * 0xffffb2a68316e000-0xffffb2a683170000    8192 bpf_prog_alloc+0x3e/0xb0 pages=1 vmalloc N0=1
 * </pre>
 * 8192 is one page plus the guard page.
 * /proc/vmallocinfo 每行一个区域，大小一栏包含保护页（guard page），按地址排序。
 *
 * <p>Your task: implement the three methods. Run {@code ./pagelab grade q42} to check your work.
 */
public final class VmallocInfo {

    public static final int VM_IOREMAP = 0x1;
    public static final int VM_ALLOC = 0x2;
    public static final int VM_MAP = 0x4;

    /**
     * One vm_struct.
     *
     * @param addr start address
     * @param size bytes reserved, guard page included
     * @param caller the %pS text, or null when unknown
     * @param nrPages pages backing it (0 for ioremap)
     * @param phys physical address for ioremap, else 0
     * @param flags VM_IOREMAP, VM_ALLOC, VM_MAP
     */
    public record Area(long addr, long size, String caller, int nrPages, long phys, int flags) {
    }

    private VmallocInfo() {
    }

    /** The size column for vmalloc({@code requestBytes}): whole pages plus the guard page. */
    public static long sizeColumn(long requestBytes) {
        throw new Todo("q42/VmallocInfo.java");
    }

    /** The /proc/vmallocinfo line of one area, without the newline. */
    public static String line(Area area) {
        throw new Todo("q42/VmallocInfo.java");
    }

    /** The whole file: one line per area, sorted by address. */
    public static List<String> render(List<Area> areas) {
        throw new Todo("q42/VmallocInfo.java");
    }
}
