package io.pagelab.hardware.arm64;

import io.pagelab.api.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * The format of one 8-byte arm64 translation-table descriptor: ARMv8-A VMSAv8-64, stage 1, 4 KiB
 * granule, 48-bit output addresses (ARM DDI 0487, "VMSAv8-64 translation table format
 * descriptors"), with the names Linux gives the bits in arch/arm64/include/asm/pgtable-hwdef.h
 * ({@code PTE_*}, {@code PMD_SECT_*}, {@code *_TABLE_*}) and pgtable-prot.h (software bits and the
 * {@code PAGE_*} combinations), Linux 6.10+. Descriptors are stored little-endian in simulated
 * RAM, so {@code ram.readLong(tablePa + 8 * index)} is the raw descriptor.
 *
 * <pre>
 *  bits 1:0   00 or x0: invalid (the walk stops: translation fault)
 *             11 at levels 0-2: table          01 at levels 1-2: block (1 GiB / 2 MiB)
 *             11 at level 3: page              01 at level 3: reserved (translation fault)
 *
 *  table (levels 0-2):
 *   63       62..61   60        59        58..52   51..48  47 ...................... 12  11..2    1 0
 *   NSTable  APTable  UXNTable  PXNTable  ignored  RES0    next-level table address       ignored  1 1
 *
 *  block (levels 1-2) and page (level 3):
 *   63..59   58..55    54      53   52    51   50  49..48  47 ......... n  n-1..12  11  10  9..8  7..6     5   4..2      1    0
 *   ignored  software  UXN/XN  PXN  Cont  DBM  GP  RES0    output address  RES0    nG  AF  SH    AP[2:1]  NS  AttrIndx  type valid
 *            55 DIRTY, 56 SPECIAL (Linux)              n = 12 page, 21 for a 2 MiB block, 30 for a 1 GiB block
 *
 *  AP[2:1]  EL1 (kernel)  EL0 (user)   Linux
 *    00     read/write    none         PAGE_KERNEL
 *    01     read/write    read/write   PAGE_SHARED once dirty (pte_mkdirty clears AP[2]); PXN implied for EL1
 *    10     read-only     none         PAGE_KERNEL_RO, PAGE_KERNEL_ROX
 *    11     read-only     read-only    PAGE_READONLY, and PAGE_SHARED while clean (DBM = PTE_WRITE set)
 *  UXN: EL0 may not execute.  PXN: EL1 may not execute.  AF: accessed (0 = access flag fault, unless
 *  the CPU sets it, TCR_EL1.HA).  DBM: Linux's PTE_WRITE; with TCR_EL1.HD the CPU clears AP[2] on the
 *  first write (hardware dirty).  nG: not global (ASID-tagged TLB entry).  SH 11: inner shareable.
 *  AttrIndx: MAIR_EL1 slot, 0 = MT_NORMAL (arch/arm64/include/asm/memory.h).
 *  APTable[1] (62): no writes below.  APTable[0] (61): no EL0 access below.  UXNTable/PXNTable: XN below.
 * </pre>
 *
 * Linux marks a PROT_NONE page by clearing valid and setting {@code PTE_PRESENT_INVALID}, which is
 * nG (bit 11) since Linux 6.10 (earlier kernels used bit 58, {@code PTE_PROT_NONE}). Differs from
 * Linux: nothing; this class only names bits, the {@code PAGE_*} values are computed with
 * MT_NORMAL = 0, PTE_SHARED and {@code arm64_use_ng_mappings} false (no KPTI).
 */
public final class Arm64Descriptor {
    /** Bytes in one descriptor. */
    public static final int SIZE = 8;

    /** Bit 0, PTE_VALID: the walk uses this descriptor. */
    public static final long VALID = 1L;
    /** Bit 1: table (levels 0-2) or page (level 3) when set, block when clear. */
    public static final long TYPE_BIT = 1L << 1;
    /** Bits 1:0 = 11: PMD_TYPE_TABLE / PTE_TYPE_PAGE. */
    public static final long TYPE_TABLE = 3L;
    /** Bits 1:0 = 11 at level 3: PTE_TYPE_PAGE. */
    public static final long TYPE_PAGE = 3L;
    /** Bits 1:0 = 01 at levels 1-2: PMD_TYPE_SECT, a block. */
    public static final long TYPE_BLOCK = 1L;
    /** First bit of AttrIndx[2:0], the MAIR_EL1 attribute slot (PTE_ATTRINDX). */
    public static final int ATTRINDX_SHIFT = 2;
    /** Bits 4:2, PTE_ATTRINDX_MASK. */
    public static final long ATTRINDX_MASK = 7L << ATTRINDX_SHIFT;
    /** Bit 5, NS: non-secure output address (ignored outside Secure state). */
    public static final long NS = 1L << 5;
    /** Bit 6, AP[1], PTE_USER: EL0 may access. */
    public static final long USER = 1L << 6;
    /** Bit 7, AP[2], PTE_RDONLY: read-only at every EL. */
    public static final long RDONLY = 1L << 7;
    /** Bits 9:8, SH[1:0] shareability. */
    public static final long SH_MASK = 3L << 8;
    /** SH = 11, PTE_SHARED: inner shareable. */
    public static final long SH_INNER = 3L << 8;
    /** Bit 10, PTE_AF: access flag. */
    public static final long AF = 1L << 10;
    /** Bit 11, PTE_NG: not global, the TLB entry is tagged with the ASID. */
    public static final long NG = 1L << 11;
    /** Bit 11 with valid clear: Linux's PTE_PRESENT_INVALID (6.10+), a PROT_NONE page still present. */
    public static final long PRESENT_INVALID = NG;
    /** Bit 50, PTE_GP: guarded page for BTI. */
    public static final long GP = 1L << 50;
    /** Bit 51, PTE_DBM: dirty bit modifier; Linux's PTE_WRITE. */
    public static final long DBM = 1L << 51;
    /** Linux's name for bit 51: the page is writable (perhaps still clean, with AP[2] set). */
    public static final long WRITE = DBM;
    /** Bit 52, PTE_CONT: one of 16 contiguous entries that may share a TLB entry. */
    public static final long CONT = 1L << 52;
    /** Bit 53, PTE_PXN: privileged (EL1) execute-never. */
    public static final long PXN = 1L << 53;
    /** Bit 54, PTE_UXN: unprivileged (EL0) execute-never; XN in single-EL regimes. */
    public static final long UXN = 1L << 54;
    /** Bit 55, Linux's software PTE_DIRTY: dirty even though AP[2] is set (kept across wrprotect). */
    public static final long SW_DIRTY = 1L << 55;
    /** Bit 56, Linux's software PTE_SPECIAL. */
    public static final long SPECIAL = 1L << 56;
    /** Bits 58:55, the software bits hardware ignores (PTE_SWBITS_MASK without bit 63). */
    public static final long SOFTWARE_MASK = 0xfL << 55;
    /** Bit 59 of a table descriptor, PXNTable: nothing below is executable at EL1. */
    public static final long PXN_TABLE = 1L << 59;
    /** Bit 60 of a table descriptor, UXNTable: nothing below is executable at EL0. */
    public static final long UXN_TABLE = 1L << 60;
    /** Bit 61 of a table descriptor, APTable[0]: no EL0 access below. */
    public static final long AP_TABLE_NO_EL0 = 1L << 61;
    /** Bit 62 of a table descriptor, APTable[1]: no write access below, at any EL. */
    public static final long AP_TABLE_RDONLY = 1L << 62;
    /** Bits 62:61, S1_TABLE_AP. */
    public static final long AP_TABLE_MASK = 3L << 61;
    /** Bit 63 of a table descriptor, NSTable. */
    public static final long NS_TABLE = 1L << 63;

    /** Output addresses have 48 bits here (PTE_ADDR_LOW without FEAT_LPA). */
    public static final int OUTPUT_ADDRESS_BITS = 48;
    /** Bits 47:12: next-table address, or the output address of a page. */
    public static final long ADDRESS_MASK = ((1L << OUTPUT_ADDRESS_BITS) - 1) & ~0xfffL;
    /** Bits 47:21: the output address of a 2 MiB block. */
    public static final long BLOCK_2M_MASK = ((1L << OUTPUT_ADDRESS_BITS) - 1) & ~((1L << 21) - 1);
    /** Bits 47:30: the output address of a 1 GiB block. */
    public static final long BLOCK_1G_MASK = ((1L << OUTPUT_ADDRESS_BITS) - 1) & ~((1L << 30) - 1);

    /** _PAGE_DEFAULT: PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_ATTRINDX(MT_NORMAL) = 0x703. */
    public static final long PAGE_DEFAULT = TYPE_PAGE | AF | SH_INNER;
    /** PAGE_KERNEL (PROT_NORMAL): read-write, never executable = 0x0068000000000703. */
    public static final long PAGE_KERNEL = PAGE_DEFAULT | PXN | UXN | WRITE;
    /** PAGE_KERNEL_RO: (PROT_NORMAL &amp; ~PTE_WRITE) | PTE_RDONLY = 0x0060000000000783. */
    public static final long PAGE_KERNEL_RO = (PAGE_KERNEL & ~WRITE) | RDONLY;
    /** PAGE_KERNEL_ROX: kernel text, read and execute = 0x0040000000000783. */
    public static final long PAGE_KERNEL_ROX = (PAGE_KERNEL & ~(WRITE | PXN)) | RDONLY;
    /** PAGE_KERNEL_EXEC: read, write and execute = 0x0048000000000703. */
    public static final long PAGE_KERNEL_EXEC = PAGE_KERNEL & ~PXN;
    /** PAGE_NONE: not valid, present to Linux = 0x0060000000000f82. */
    public static final long PAGE_NONE = (PAGE_DEFAULT & ~VALID) | PRESENT_INVALID | RDONLY | NG | PXN | UXN;
    /** PAGE_SHARED: user read-write, clean (PTE_RDONLY | PTE_WRITE) = 0x0068000000000fc3. */
    public static final long PAGE_SHARED = PAGE_DEFAULT | USER | RDONLY | NG | PXN | UXN | WRITE;
    /** PAGE_SHARED_EXEC: user read-write-execute, clean = 0x0028000000000fc3. */
    public static final long PAGE_SHARED_EXEC = PAGE_DEFAULT | USER | RDONLY | NG | PXN | WRITE;
    /** PAGE_READONLY: user read-only = 0x0060000000000fc3. */
    public static final long PAGE_READONLY = PAGE_DEFAULT | USER | RDONLY | NG | PXN | UXN;
    /** PAGE_READONLY_EXEC: user read-execute = 0x0020000000000fc3. */
    public static final long PAGE_READONLY_EXEC = PAGE_DEFAULT | USER | RDONLY | NG | PXN;
    /** PAGE_EXECONLY: user execute-only (AP[1] clear: EL0 cannot read), used with Enhanced PAN = 0x0020000000000f83. */
    public static final long PAGE_EXECONLY = PAGE_DEFAULT | RDONLY | NG | PXN;

    private static final String[] AP_NAMES = {
        "00(EL1 rw, EL0 none)", "01(EL1 rw, EL0 rw)", "10(EL1 ro, EL0 none)", "11(EL1 ro, EL0 ro)"};

    private Arm64Descriptor() {
    }

    /** True when bit 0 is set: the hardware uses the descriptor. */
    public static boolean isValid(long d) {
        return (d & VALID) != 0;
    }

    /** True when the descriptor maps something: valid, or Linux's present-invalid PROT_NONE leaf (pte_present()). */
    public static boolean isPresent(long d) {
        return (d & (VALID | PRESENT_INVALID)) != 0;
    }

    /** True for a valid table descriptor at levels 0-2 (bits 1:0 = 11). */
    public static boolean isTable(long d, Arm64Level level) {
        return !level.isLast() && (d & 3) == TYPE_TABLE;
    }

    /** True when a present descriptor at {@code level} maps a page or block rather than a table. */
    public static boolean isLeaf(long d, Arm64Level level) {
        return level.isLast() || (level.canBlock() && !isTable(d, level));
    }

    /** The output-address mask of a leaf at {@code level}: bits 47:12, 47:21 or 47:30. */
    public static long addressMask(Arm64Level level) {
        return level == Arm64Level.LEVEL2 ? BLOCK_2M_MASK : level == Arm64Level.LEVEL1 ? BLOCK_1G_MASK : ADDRESS_MASK;
    }

    /** The next table's address (table) or the first byte of the page or block (leaf). */
    public static long address(long d, Arm64Level level) {
        return d & (isLeaf(d, level) ? addressMask(level) : ADDRESS_MASK);
    }

    /** The page frame number of {@link #address}. */
    public static long pfn(long d, Arm64Level level) {
        return address(d, level) >>> 12;
    }

    /** AP[2:1] as a number 0..3 (bit 7 high, bit 6 low). */
    public static int ap(long d) {
        return (int) (d >>> 6) & 3;
    }

    /** AttrIndx[2:0]. */
    public static int attrIndx(long d) {
        return (int) ((d & ATTRINDX_MASK) >>> ATTRINDX_SHIFT);
    }

    /** Linux's pte_dirty(): the software dirty bit, or writable with AP[2] already cleared. */
    public static boolean isDirty(long d) {
        return (d & SW_DIRTY) != 0 || ((d & WRITE) != 0 && (d & RDONLY) == 0);
    }

    /**
     * The descriptor in words, for example
     * {@code "L3 0x0068000012345f43: VALID PAGE AttrIndx=0 AP=01(EL1 rw, EL0 rw) SH=inner AF nG DBM PXN UXN -> page at phys 0x12345000 (pfn 0x12345)"}.
     */
    public static String describe(long d, Arm64Level level) {
        StringBuilder sb = new StringBuilder(String.format("L%d %#018x:", level.number(), d));
        if (d == 0) {
            return sb.append(" empty").toString();
        }
        if (!isValid(d)) {
            sb.append(isPresent(d) && isLeaf(d, level) ? " invalid (PROT_NONE, present to Linux)" : " invalid");
            if (!isPresent(d)) {
                return sb.toString();
            }
        } else {
            sb.append(" VALID");
        }
        if (isValid(d) && isTable(d, level)) {
            sb.append(" TABLE");
            flag(sb, d, PXN_TABLE, "PXNTable");
            flag(sb, d, UXN_TABLE, "UXNTable");
            flag(sb, d, AP_TABLE_NO_EL0, "APTable[0](no EL0)");
            flag(sb, d, AP_TABLE_RDONLY, "APTable[1](read-only)");
            flag(sb, d, NS_TABLE, "NSTable");
            long pa = d & ADDRESS_MASK;
            return sb.append(String.format(" -> level %d table at phys %#x (pfn %#x)", level.number() + 1, pa, pa >>> 12))
                    .toString();
        }
        if (isValid(d)) {
            sb.append(level.isLast() ? ((d & TYPE_BIT) != 0 ? " PAGE" : " RESERVED(01 at level 3)") : " BLOCK");
        }
        sb.append(" AttrIndx=").append(attrIndx(d));
        sb.append(" AP=").append(AP_NAMES[ap(d)]);
        long sh = (d & SH_MASK) >>> 8;
        sb.append(" SH=").append(sh == 3 ? "inner" : sh == 2 ? "outer" : sh == 0 ? "non" : "reserved");
        flag(sb, d, NS, "NS");
        flag(sb, d, AF, "AF");
        if (isValid(d)) {
            flag(sb, d, NG, "nG");
        } else {
            flag(sb, d, PRESENT_INVALID, "PRESENT_INVALID");
        }
        flag(sb, d, GP, "GP");
        flag(sb, d, DBM, "DBM");
        flag(sb, d, CONT, "Cont");
        flag(sb, d, PXN, "PXN");
        flag(sb, d, UXN, "UXN");
        flag(sb, d, SW_DIRTY, "DIRTY(sw)");
        flag(sb, d, SPECIAL, "SPECIAL(sw)");
        long pa = d & addressMask(level);
        String what = level == Arm64Level.LEVEL3 ? "page" : level == Arm64Level.LEVEL2 ? "2M block" : "1G block";
        return sb.append(String.format(" -> %s at phys %#x (pfn %#x)", what, pa, pa >>> 12)).toString();
    }

    private static void flag(StringBuilder sb, long d, long bit, String name) {
        if ((d & bit) != 0) {
            sb.append(' ').append(name);
        }
    }

    /**
     * The non-zero descriptors of the table at {@code tablePa}, one line each as
     * {@code "[256] L0 0x0800000001001003: VALID TABLE PXNTable -> ..."}, read straight from memory.
     */
    public static List<String> dumpTable(PhysicalMemory memory, long tablePa, Arm64Level level) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Arm64Level.ENTRIES; i++) {
            long d = memory.readLong(tablePa + (long) SIZE * i);
            if (d != 0) {
                lines.add(String.format("[%3d] %s", i, describe(d, level)));
            }
        }
        return lines;
    }
}
