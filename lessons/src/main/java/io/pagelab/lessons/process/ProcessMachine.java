package io.pagelab.lessons.process;

import io.pagelab.api.AddressSpace;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.lessons.LessonContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the process lessons share: the machine they boot (256 MiB, QEMU-shaped, ASLR off unless a
 * lesson asks for a seed), /proc/pid/maps printed line by line, and a short picture of a PTE.
 */
final class ProcessMachine {

    /** MAP_PRIVATE | MAP_ANONYMOUS, what malloc and most programs ask for. */
    static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;

    private ProcessMachine() {
    }

    /** A 256 MiB machine with randomize_va_space = 0, as under {@code setarch -R} or gdb. */
    static Kernel bootWithoutAslr() {
        return Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
    }

    /**
     * Prints /proc/pid/maps lines as they are (name at column 73), indented by two spaces instead
     * of a diagram frame: a file-backed line is 87 columns and a frame would push it past 90.
     */
    static void printMaps(LessonContext ctx, String caption, List<String> lines) {
        ctx.say("");
        ctx.say("$ " + caption);
        for (String line : lines) {
            ctx.say(line.stripTrailing());
        }
    }

    /** The lines of {@code mm.maps()} whose start address begins with {@code prefix}. */
    static List<String> mapsLines(Mm mm, String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : mm.maps().split("\n")) {
            if (line.startsWith(prefix)) {
                out.add(line);
            }
        }
        return out;
    }

    /** The raw last-level entry (PTE) that maps {@code va} in {@code mm}, or 0 when there is none. */
    static long pte(Mm mm, long va) {
        return ((X86PageTable) mm.pageTable()).entry(va, PagingLevel.PT);
    }

    /**
     * A PTE in one line: "pfn 0x1234  P=1 R/W=0 U/S=1 A=1 D=0 NX=1", or "none (pte_none)" when 0.
     */
    static String describePte(long e) {
        if (e == 0) {
            return "0 (pte_none: nothing mapped here yet)";
        }
        return String.format(Locale.ROOT, "pfn %-8s P=%d R/W=%d U/S=%d A=%d D=%d NX=%d",
                hex((e & X86PageTableEntry.PFN_MASK) >>> 12), bit(e, X86PageTableEntry.PRESENT),
                bit(e, X86PageTableEntry.RW), bit(e, X86PageTableEntry.USER), bit(e, X86PageTableEntry.ACCESSED),
                bit(e, X86PageTableEntry.DIRTY), bit(e, X86PageTableEntry.NX));
    }

    private static int bit(long e, long mask) {
        return (e & mask) != 0 ? 1 : 0;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** {@code n} pages as "12 KiB" (pages of 4 KiB). */
    static String kib(long pages) {
        return (pages * 4) + " KiB";
    }
}
