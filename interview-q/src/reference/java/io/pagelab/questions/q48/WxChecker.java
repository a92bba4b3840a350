package io.pagelab.questions.q48;

import io.pagelab.api.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Q48 内核代码段如何进行自我防护？ How does kernel text protect itself? (reference solution)
 *
 * <p>With CONFIG_STRICT_KERNEL_RWX, mark_rodata_ro() (arch/x86/mm/init_64.c, Linux 6.x) leaves no
 * kernel page both writable and executable: text is read-only and executable, rodata read-only
 * and NX, data writable and NX (linux-reference.md §14.3). A page that is W+X is a gift to an
 * attacker: write shellcode, then jump to it. CONFIG_DEBUG_WX checks the result once at boot:
 * debug_checkwx() walks every entry of the kernel page table (arch/x86/mm/dump_pagetables.c:
 * ptdump_walk_pgd_level_checkwx(), note_page(), effective_prot()) and complains about each W+X
 * range. 内核启用 STRICT_KERNEL_RWX 后，任何页都不应既可写又可执行；DEBUG_WX 在启动时遍历内核页表检查这一点。
 *
 * <pre>
 *  effective rights of a page: writable only if R/W (bit 1) is set at EVERY level of its walk,
 *                              executable only if NX (bit 63) is clear at EVERY level
 *  leaves: PTE; PDE or PDPTE with PS (bit 7) = 2 MiB / 1 GiB pages; entries without P are holes
 *  virtual address of PML4 entry i: i &lt;&lt; 39, sign-extended from bit 47 (i &gt;= 256 is the kernel half)
 * </pre>
 *
 * <p>Your task: implement both methods.
 * <ul>
 *   <li>{@link #scan}: walk the 4-level tree at {@code root} (8-byte entries, next table = bits
 *       51..12) in address order and return the W+X ranges. Consecutive W+X pages of the SAME
 *       size form one range (ptdump starts a new range when the level changes); a hole or a page
 *       that is not W+X ends a range.</li>
 *   <li>{@link #report}: the kernel's messages. If there is a W+X range:
 *       {@code "x86/mm: Found insecure W+X mapping at address 0x<start of the FIRST range in hex>"}
 *       (WARN_ONCE: only once), then
 *       {@code "x86/mm: Checked W+X mappings: FAILED, <n> W+X pages found."} where n counts 4 KiB
 *       pages (a 2 MiB page is 512). Otherwise only
 *       {@code "x86/mm: Checked W+X mappings: passed, no W+X pages found."}</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.pgtable.CheckWx: it is the library's own copy.
 *
 * <p>Run {@code ./pagelab grade q48} to check your work.
 */
public final class WxChecker {

    private WxChecker() {
    }

    /**
     * A run of writable and executable pages {@code [start, end)} (given complete, no need to edit).
     */
    public record WxRange(long start, long end) {
        /** Size in 4 KiB pages. */
        public long pages() {
            return (end - start) >>> 12;
        }
    }

    private static final long P = 1L;
    private static final long RW = 1L << 1;
    private static final long PS = 1L << 7;
    private static final long NX = 1L << 63;
    private static final long ADDR = 0x000ffffffffff000L;
    private static final int[] SHIFTS = {39, 30, 21, 12};

    public static List<WxRange> scan(PhysicalMemory memory, long root) {
        Scan s = new Scan(memory);
        s.table(root & ADDR, 0, 0, RW);
        s.close();
        return s.ranges;
    }

    public static List<String> report(List<WxRange> ranges) {
        long pages = 0;
        for (WxRange r : ranges) {
            pages += r.pages();
        }
        List<String> lines = new ArrayList<>();
        if (ranges.isEmpty()) {
            lines.add("x86/mm: Checked W+X mappings: passed, no W+X pages found.");
        } else {
            lines.add("x86/mm: Found insecure W+X mapping at address 0x" + Long.toHexString(ranges.get(0).start()));
            lines.add("x86/mm: Checked W+X mappings: FAILED, " + pages + " W+X pages found.");
        }
        return lines;
    }

    private static final class Scan {
        private final PhysicalMemory memory;
        private final List<WxRange> ranges = new ArrayList<>();
        private long start = -1;
        private long end;
        private int level = -1;

        Scan(PhysicalMemory memory) {
            this.memory = memory;
        }

        /** {@code eff}: RW if every level above allowed writes, NX if any level above had it. */
        void table(long table, int depth, long base, long eff) {
            int shift = SHIFTS[depth];
            for (int i = 0; i < 512; i++) {
                long e = memory.readLong(table + 8L * i);
                long va = ((base | ((long) i << shift)) << 16) >> 16;
                if ((e & P) == 0) {
                    close();
                    continue;
                }
                long now = (depth == 0 ? e & RW : eff & e & RW) | ((depth == 0 ? 0 : eff) | e) & NX;
                boolean leaf = depth == 3 || (depth > 0 && (e & PS) != 0);
                if (!leaf) {
                    table(e & ADDR, depth + 1, va, now);
                    continue;
                }
                boolean wx = (now & RW) != 0 && (now & NX) == 0;
                if (!wx) {
                    close();
                } else if (start != -1 && end == va && level == depth) {
                    end = va + (1L << shift);
                } else {
                    close();
                    start = va;
                    end = va + (1L << shift);
                    level = depth;
                }
            }
        }

        void close() {
            if (start != -1) {
                ranges.add(new WxRange(start, end));
                start = -1;
            }
        }
    }
}
