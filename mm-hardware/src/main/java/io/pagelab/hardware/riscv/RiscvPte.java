package io.pagelab.hardware.riscv;

import io.pagelab.api.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * The format of one 8-byte Sv39/Sv48 page-table entry (RISC-V Privileged Architecture, "Sv39
 * Implementation"), with the names Linux 6.x gives the bits in
 * arch/riscv/include/asm/pgtable-bits.h and the PAGE_* combinations of pgtable.h. Entries are
 * stored little-endian in simulated RAM.
 *
 * <pre>
 *  63  62..61  60..54    53 ................................ 10  9..8  7  6  5  4  3  2  1  0
 *  N   PBMT    reserved  PPN (physical page number, 44 bits)      RSW   D  A  G  U  X  W  R  V
 *
 *  V valid   R/W/X read, write, execute: all zero = pointer to the next table, otherwise a leaf
 *  U user-mode accessible (S-mode may read/write it only with sstatus.SUM, never execute it)
 *  G global  A accessed  D dirty (zero: page fault, or the CPU sets them with Svadu)
 *  RSW reserved for software (Linux: bit 8 _PAGE_SPECIAL)   W=1 with R=0 is reserved: page fault
 *  a leaf at level i &gt; 0 is a superpage; its PPN's low 9i bits must be zero (misaligned: page fault)
 *  physical address = PPN &lt;&lt; 12 (56-bit); PTE = pfn &lt;&lt; 10 | flags (_PAGE_PFN_SHIFT = 10)
 * </pre>
 *
 * Linux marks a PROT_NONE page with V clear and {@code _PAGE_PROT_NONE} (= G, bit 5) set, plus R
 * so that the entry still reads as a leaf. Differs from Linux: nothing; this class only names
 * bits (Svpbmt, Svnapot and the N bit are not modelled and count as reserved).
 */
public final class RiscvPte {
    /** Bytes in one PTE. */
    public static final int SIZE = 8;

    /** Bit 0, _PAGE_PRESENT (V). */
    public static final long VALID = 1L;
    /** Bit 1, _PAGE_READ. */
    public static final long READ = 1L << 1;
    /** Bit 2, _PAGE_WRITE. */
    public static final long WRITE = 1L << 2;
    /** Bit 3, _PAGE_EXEC. */
    public static final long EXEC = 1L << 3;
    /** Bit 4, _PAGE_USER. */
    public static final long USER = 1L << 4;
    /** Bit 5, _PAGE_GLOBAL. */
    public static final long GLOBAL = 1L << 5;
    /** Bit 5 with V clear, _PAGE_PROT_NONE. */
    public static final long PROT_NONE = GLOBAL;
    /** Bit 6, _PAGE_ACCESSED. */
    public static final long ACCESSED = 1L << 6;
    /** Bit 7, _PAGE_DIRTY. */
    public static final long DIRTY = 1L << 7;
    /** Bit 8, _PAGE_SPECIAL (RSW). */
    public static final long SPECIAL = 1L << 8;
    /** Bits 9:8, RSW. */
    public static final long SOFTWARE_MASK = 3L << 8;
    /** _PAGE_LEAF: any of R, W, X makes a leaf. */
    public static final long LEAF = READ | WRITE | EXEC;
    /** _PAGE_PFN_SHIFT: the PPN starts at bit 10. */
    public static final int PFN_SHIFT = 10;
    /** Bits 53:10, the PPN field. */
    public static final long PPN_MASK = ((1L << 44) - 1) << PFN_SHIFT;
    /** Bits 63:54: reserved (N, PBMT and bits 60:54 without Svnapot/Svpbmt). */
    public static final long RESERVED_MASK = ~((1L << 54) - 1);

    /** _PAGE_TABLE: a pointer to the next table is just V. */
    public static final long PAGE_TABLE = VALID;
    /** _PAGE_BASE: V | A | U = 0x51. */
    public static final long PAGE_BASE = VALID | ACCESSED | USER;
    /** PAGE_NONE: _PAGE_PROT_NONE | _PAGE_READ = 0x22. */
    public static final long PAGE_NONE = PROT_NONE | READ;
    /** PAGE_READ (= PAGE_COPY) = 0x53. */
    public static final long PAGE_READ = PAGE_BASE | READ;
    /** PAGE_WRITE (= PAGE_SHARED) = 0x57. */
    public static final long PAGE_WRITE = PAGE_BASE | READ | WRITE;
    /** PAGE_EXEC: execute-only = 0x59. */
    public static final long PAGE_EXEC = PAGE_BASE | EXEC;
    /** PAGE_READ_EXEC = 0x5b. */
    public static final long PAGE_READ_EXEC = PAGE_BASE | READ | EXEC;
    /** PAGE_WRITE_EXEC (= PAGE_SHARED_EXEC) = 0x5f. */
    public static final long PAGE_WRITE_EXEC = PAGE_BASE | READ | WRITE | EXEC;
    /** _PAGE_KERNEL = PAGE_KERNEL: R | W | V | A | D | G = 0xe7. */
    public static final long PAGE_KERNEL = READ | WRITE | VALID | ACCESSED | DIRTY | GLOBAL;
    /** PAGE_KERNEL_READ = 0xe3. */
    public static final long PAGE_KERNEL_READ = PAGE_KERNEL & ~WRITE;
    /** PAGE_KERNEL_EXEC = 0xef. */
    public static final long PAGE_KERNEL_EXEC = PAGE_KERNEL | EXEC;
    /** PAGE_KERNEL_READ_EXEC = 0xeb. */
    public static final long PAGE_KERNEL_READ_EXEC = (PAGE_KERNEL & ~WRITE) | EXEC;

    private RiscvPte() {
    }

    public static boolean isValid(long pte) {
        return (pte & VALID) != 0;
    }

    /** pte_present(): valid, or a PROT_NONE leaf. */
    public static boolean isPresent(long pte) {
        return (pte & (VALID | PROT_NONE)) != 0;
    }

    /** True for a leaf (any of R, W, X), false for a pointer to the next table. */
    public static boolean isLeaf(long pte) {
        return (pte & LEAF) != 0;
    }

    /** The PPN field: the frame number of the next table or of the page. */
    public static long pfn(long pte) {
        return (pte & PPN_MASK) >>> PFN_SHIFT;
    }

    /** The PTE pointing at frame {@code pfn} with these flags (pfn_pte()). */
    public static long make(long pfn, long flags) {
        return (pfn << PFN_SHIFT) | flags;
    }

    /**
     * The entry in words, for example
     * {@code "L0 0x00000000048d1457: V R W U A -> page at phys 0x12345000 (pfn 0x12345)"}.
     */
    public static String describe(long pte, int level) {
        StringBuilder sb = new StringBuilder(String.format("L%d %#018x:", level, pte));
        if (pte == 0) {
            return sb.append(" empty").toString();
        }
        if (!isValid(pte)) {
            sb.append(isPresent(pte) && isLeaf(pte) ? " invalid (PROT_NONE, present to Linux)" : " invalid");
        }
        flag(sb, pte, VALID, "V");
        flag(sb, pte, READ, "R");
        flag(sb, pte, WRITE, "W");
        flag(sb, pte, EXEC, "X");
        flag(sb, pte, USER, "U");
        flag(sb, pte, GLOBAL, isValid(pte) ? "G" : "PROT_NONE");
        flag(sb, pte, ACCESSED, "A");
        flag(sb, pte, DIRTY, "D");
        flag(sb, pte, SPECIAL, "SPECIAL(sw)");
        if ((pte & RESERVED_MASK) != 0) {
            sb.append(" RESERVED-BITS");
        }
        long pfn = pfn(pte);
        if (isLeaf(pte)) {
            String what = level == 0 ? "page" : level == 1 ? "2M megapage" : level == 2 ? "1G gigapage" : "512G terapage";
            sb.append(String.format(" -> %s at phys %#x (pfn %#x)", what, pfn << 12, pfn));
        } else {
            sb.append(String.format(" -> level %d table at phys %#x (pfn %#x)", level - 1, pfn << 12, pfn));
        }
        return sb.toString();
    }

    private static void flag(StringBuilder sb, long pte, long bit, String name) {
        if ((pte & bit) != 0) {
            sb.append(' ').append(name);
        }
    }

    /** The non-zero PTEs of the table at {@code tablePa}, one line each, read straight from memory. */
    public static List<String> dumpTable(PhysicalMemory memory, long tablePa, int level) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < SvMode.ENTRIES; i++) {
            long pte = memory.readLong(tablePa + (long) SIZE * i);
            if (pte != 0) {
                lines.add(String.format("[%3d] %s", i, describe(pte, level)));
            }
        }
        return lines;
    }
}
