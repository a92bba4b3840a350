package io.pagelab.lessons.arch;

import io.pagelab.hardware.arm64.Arm64Descriptor;
import io.pagelab.hardware.arm64.Arm64Level;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.riscv.RiscvPte;
import java.util.List;

/**
 * Reads the same questions out of three leaf formats, bit by bit, for the side-by-side table of
 * the "arch" lesson: an x86-64 PTE (arch/x86/include/asm/pgtable_types.h), an arm64 level 3
 * descriptor (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h) and a RISC-V Sv39 PTE
 * (arch/riscv/include/asm/pgtable-bits.h), Linux 6.x. Each cell names the bit, its position and
 * its value in this entry, for example {@code "U/S(2)=1"}.
 */
final class EntryBits {

    private EntryBits() {
    }

    /** The rows "question | x86-64 | arm64 | RISC-V" for one 4 KiB leaf on each machine. */
    static List<String[]> compare(long x86, long arm, long rv) {
        return List.of(
                new String[] {"present/valid", bit("P", x86, 0), bit("valid", arm, 0), bit("V", rv, 0)},
                new String[] {"user may access", bit("U/S", x86, 2), bit("AP[1]", arm, 6), bit("U", rv, 4)},
                new String[] {"writable", bit("R/W", x86, 1), bit("AP[2]", arm, 7) + " read-only", bit("W", rv, 2)},
                new String[] {"", "", bit("DBM", arm, 51) + " Linux: PTE_WRITE", ""},
                new String[] {"execute", bit("NX", x86, 63) + " no-exec", bit("UXN", arm, 54) + " " + bit("PXN", arm, 53),
                    bit("X", rv, 3)},
                new String[] {"accessed", bit("A", x86, 5), bit("AF", arm, 10), bit("A", rv, 6)},
                new String[] {"dirty", bit("D", x86, 6), (Arm64Descriptor.isDirty(arm) ? "AP[2]=0: dirty" : "AP[2]=1: clean"),
                    bit("D", rv, 7)},
                new String[] {"frame bits", "51..12", "47..12", "53..10 (PPN)"},
                new String[] {"frame number", hex(X86PageTableEntry.pfn(x86, PagingLevel.PT)),
                    hex(Arm64Descriptor.pfn(arm, Arm64Level.LEVEL3)), hex(RiscvPte.pfn(rv))});
    }

    /** "name(position)=value". */
    static String bit(String name, long entry, int position) {
        return name + "(" + position + ")=" + ((entry >>> position) & 1);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
