package io.pagelab.hardware.mmu;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.Prot;
import java.util.ArrayList;
import java.util.List;

/**
 * The format of one 8-byte x86-64 paging-structure entry, the same at every level (PML5E, PML4E,
 * PDPTE, PDE, PTE), as arch/x86/include/asm/pgtable_types.h names its bits ({@code _PAGE_BIT_*},
 * Linux 6.x; linux-reference.md §1.1). Entries are stored little-endian in simulated RAM, so
 * {@code ram.readLong(tablePa + 8 * index)} is the raw entry.
 *
 * <pre>
 *  63  62..59  58..52   51 ............................ 12  11..9  8   7     6   5   4   3   2   1   0
 *  NX  PKEY    avail    physical address of table / page     avail  G  PS/PAT  D   A  PCD PWT U/S R/W  P
 *
 *  P    present                       PWT  page write-through        G    global TLB entry (leaf); with P=0
 *  R/W  writable                      PCD  page cache disable             Linux's PROTNONE
 *  U/S  user-accessible               A    accessed (set by the CPU) PS   page size: PDE/PDPTE leaf (2M/1G)
 *  NX   no-execute (EFER.NXE)         D    dirty (set by the CPU,    PAT  in a 4 KiB PTE; bit 12 in 2M/1G leaves
 *  PKEY protection key (CR4.PKE)           leaves only)
 *
 *  frame field:  4 KiB PTE bits 51..12   2 MiB PDE bits 51..21 (bit 12 = PAT, 20..13 reserved)
 *                1 GiB PDPTE bits 51..30 (bit 12 = PAT, 29..13 reserved)
 * </pre>
 *
 * A CPU with MAXPHYADDR below 52 treats frame bits MAXPHYADDR..51 as reserved. Differs from
 * Linux: nothing in the bits; the flag combinations are those of the same header. The low 12 bits
 * and NX mean the same in 32-bit and PAE entries, so {@link X86PageTable} and {@link LegacyPageTable}
 * share this class's {@link Prot} codec ({@code leafFlags}, {@code prot}): the rights of Linux's
 * protection_map[] (arch/x86/mm/pgprot.c) and PAGE_KERNEL* values, with A and D left clear as
 * {@link X86PageTable} explains.
 */
public final class X86PageTableEntry {
    /** Bytes in one entry. */
    public static final int SIZE = 8;

    /** Bit 0, _PAGE_PRESENT. */
    public static final long PRESENT = 1L;
    /** Bit 1, _PAGE_RW. */
    public static final long RW = 1L << 1;
    /** Bit 2, _PAGE_USER. */
    public static final long USER = 1L << 2;
    /** Bit 3, _PAGE_PWT. */
    public static final long PWT = 1L << 3;
    /** Bit 4, _PAGE_PCD. */
    public static final long PCD = 1L << 4;
    /** Bit 5, _PAGE_ACCESSED. */
    public static final long ACCESSED = 1L << 5;
    /** Bit 6, _PAGE_DIRTY. */
    public static final long DIRTY = 1L << 6;
    /** Bit 7 in a PDE or PDPTE, _PAGE_PSE: the entry maps a 2 MiB or 1 GiB page. */
    public static final long PSE = 1L << 7;
    /** Bit 7 in a 4 KiB PTE, _PAGE_PAT. */
    public static final long PAT = 1L << 7;
    /** Bit 8, _PAGE_GLOBAL. */
    public static final long GLOBAL = 1L << 8;
    /** Bit 8 when P=0, _PAGE_PROTNONE: a PROT_NONE mapping the kernel still knows about. */
    public static final long PROTNONE = GLOBAL;
    /** Bit 9, _PAGE_SOFTW1 (_PAGE_SPECIAL). */
    public static final long SOFTW1 = 1L << 9;
    /** Bit 10, _PAGE_SOFTW2 (_PAGE_UFFD_WP). */
    public static final long SOFTW2 = 1L << 10;
    /** Bit 11, _PAGE_SOFTW3 (_PAGE_SOFT_DIRTY). */
    public static final long SOFTW3 = 1L << 11;
    /** Bit 12 in a 2 MiB or 1 GiB leaf, _PAGE_PAT_LARGE. */
    public static final long PAT_LARGE = 1L << 12;
    /** Bit 57, _PAGE_SOFTW4. */
    public static final long SOFTW4 = 1L << 57;
    /** Bit 58, _PAGE_SOFTW5 (_PAGE_SAVED_DIRTY in Linux 6.6+). */
    public static final long SOFTW5 = 1L << 58;
    /** First bit of the 4-bit protection key, _PAGE_BIT_PKEY_BIT0. */
    public static final int PKEY_SHIFT = 59;
    /** Bits 59..62, the protection key. */
    public static final long PKEY_MASK = 0xfL << PKEY_SHIFT;
    /** Bit 63, _PAGE_NX (XD). */
    public static final long NX = 1L << 63;

    /** __PHYSICAL_MASK_SHIFT: frame addresses have at most 52 bits. */
    public static final int PHYSICAL_MASK_SHIFT = 52;
    /** PTE_PFN_MASK: bits 51..12. */
    public static final long PFN_MASK = ((1L << PHYSICAL_MASK_SHIFT) - 1) & ~0xfffL;
    /** PHYSICAL_PMD_PAGE_MASK: bits 51..21, the frame field of a 2 MiB leaf. */
    public static final long PMD_PAGE_MASK = ((1L << PHYSICAL_MASK_SHIFT) - 1) & ~((1L << 21) - 1);
    /** PHYSICAL_PUD_PAGE_MASK: bits 51..30, the frame field of a 1 GiB leaf. */
    public static final long PUD_PAGE_MASK = ((1L << PHYSICAL_MASK_SHIFT) - 1) & ~((1L << 30) - 1);

    /** _PAGE_TABLE: P|RW|USER|ACCESSED|DIRTY, a non-leaf entry leading to user pages. */
    public static final long PAGE_TABLE = PRESENT | RW | USER | ACCESSED | DIRTY;
    /** _KERNPG_TABLE: P|RW|ACCESSED|DIRTY, a non-leaf entry for kernel-only tables. */
    public static final long KERNPG_TABLE = PRESENT | RW | ACCESSED | DIRTY;
    /** PAGE_SHARED: P|RW|USER|ACCESSED|NX. */
    public static final long PAGE_SHARED = PRESENT | RW | USER | ACCESSED | NX;
    /** PAGE_READONLY (= PAGE_COPY): P|USER|ACCESSED|NX. */
    public static final long PAGE_READONLY = PRESENT | USER | ACCESSED | NX;
    /** PAGE_READONLY_EXEC: P|USER|ACCESSED. */
    public static final long PAGE_READONLY_EXEC = PRESENT | USER | ACCESSED;
    /** PAGE_NONE: PROTNONE|ACCESSED. */
    public static final long PAGE_NONE = PROTNONE | ACCESSED;
    /** __PAGE_KERNEL_EXEC: P|RW|DIRTY|ACCESSED|GLOBAL. */
    public static final long PAGE_KERNEL_EXEC = PRESENT | RW | DIRTY | ACCESSED | GLOBAL;
    /** __PAGE_KERNEL: __PAGE_KERNEL_EXEC|NX. */
    public static final long PAGE_KERNEL = PAGE_KERNEL_EXEC | NX;
    /** __PAGE_KERNEL_RO: __PAGE_KERNEL without RW. */
    public static final long PAGE_KERNEL_RO = PAGE_KERNEL & ~RW;
    /** __PAGE_KERNEL_RX: __PAGE_KERNEL_EXEC without RW. */
    public static final long PAGE_KERNEL_RX = PAGE_KERNEL_EXEC & ~RW;

    private X86PageTableEntry() {
    }

    /** True when P is set. */
    public static boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    /** True when the entry maps something: present, or a PROT_NONE leaf (pte_present() in Linux). */
    public static boolean isMapped(long entry) {
        return (entry & (PRESENT | PROTNONE)) != 0;
    }

    /** True when an entry of {@code level} that maps something is a leaf (maps a page, not a table). */
    public static boolean isLeaf(long entry, PagingLevel level) {
        return level == PagingLevel.PT || (level.canMapPage() && (entry & PSE) != 0);
    }

    /** The frame-address mask of an entry at {@code level}: bits 51..12, 51..21 or 51..30. */
    public static long addressMask(long entry, PagingLevel level) {
        if (level != PagingLevel.PT && (entry & PSE) != 0) {
            return level == PagingLevel.PD ? PMD_PAGE_MASK : level == PagingLevel.PDPT ? PUD_PAGE_MASK : PFN_MASK;
        }
        return PFN_MASK;
    }

    /** The physical address the entry points to: the next table, or the first byte of the page. */
    public static long address(long entry, PagingLevel level) {
        return entry & addressMask(entry, level);
    }

    /** The page frame number the entry points to (address &gt;&gt; 12). */
    public static long pfn(long entry, PagingLevel level) {
        return address(entry, level) >>> 12;
    }

    /** The protection key (bits 62..59). */
    public static int protectionKey(long entry) {
        return (int) ((entry & PKEY_MASK) >>> PKEY_SHIFT);
    }

    /**
     * The flags of a leaf granting {@code prot}: P (or PROTNONE for no access) | R/W if WRITE |
     * U/S if USER | NX unless EXEC (when the CPU has NX) | G for accessible kernel pages (when
     * {@code globalKernel}) | PS for a large page. A and D stay clear for the CPU to set.
     */
    static long leafFlags(Prot prot, boolean large, boolean noExecute, boolean globalKernel) {
        boolean access = (prot.bits() & (Prot.READ | Prot.WRITE | Prot.EXEC)) != 0;
        long bits = access ? PRESENT : PROTNONE;
        if (prot.canWrite()) {
            bits |= RW;
        }
        if (prot.isUser()) {
            bits |= USER;
        }
        if (noExecute && !prot.canExec()) {
            bits |= NX;
        }
        if (access && globalKernel && !prot.isUser()) {
            bits |= GLOBAL;
        }
        if (large) {
            bits |= PSE;
        }
        return bits;
    }

    /** The rights a leaf grants: every present page is readable, executable unless NX. */
    static Prot prot(long entry) {
        int bits = 0;
        if (isPresent(entry)) {
            bits |= Prot.READ;
            if ((entry & RW) != 0) {
                bits |= Prot.WRITE;
            }
            if ((entry & NX) == 0) {
                bits |= Prot.EXEC;
            }
        }
        if ((entry & USER) != 0) {
            bits |= Prot.USER;
        }
        return Prot.of(bits);
    }

    /** An entry pointing at physical address {@code pa} with these flag bits. */
    public static long make(long pa, long flags) {
        return pa | flags;
    }

    /**
     * The entry in words, for example
     * {@code "PTE 0x8000000012345067: P R/W U/S A D NX -> phys 0x12345000 (pfn 0x12345)"}.
     */
    public static String describe(long entry, PagingLevel level) {
        StringBuilder sb = new StringBuilder(String.format("%s %#018x:", level.entryName(), entry));
        if (entry == 0) {
            return sb.append(" empty").toString();
        }
        boolean leaf = isLeaf(entry, level);
        flag(sb, entry, PRESENT, "P");
        if (!isPresent(entry)) {
            sb.append(" not-present");
        }
        flag(sb, entry, RW, "R/W");
        flag(sb, entry, USER, "U/S");
        flag(sb, entry, PWT, "PWT");
        flag(sb, entry, PCD, "PCD");
        flag(sb, entry, ACCESSED, "A");
        flag(sb, entry, DIRTY, "D");
        flag(sb, entry, PSE, level == PagingLevel.PT ? "PAT" : "PS");
        if ((entry & GLOBAL) != 0) {
            sb.append(isPresent(entry) ? " G" : " PROTNONE");
        }
        if (leaf && level != PagingLevel.PT) {
            flag(sb, entry, PAT_LARGE, "PAT");
        }
        if ((entry & PKEY_MASK) != 0) {
            sb.append(" PKEY=").append(protectionKey(entry));
        }
        flag(sb, entry, NX, "NX");
        long pa = address(entry, level);
        sb.append(leaf ? String.format(" -> %s page at phys %#x (pfn %#x)", pageSizeName(entry, level), pa, pa >>> 12)
                : String.format(" -> %s table at phys %#x (pfn %#x)", level.next().name(), pa, pa >>> 12));
        return sb.toString();
    }

    private static String pageSizeName(long entry, PagingLevel level) {
        return level == PagingLevel.PT ? "4K" : level == PagingLevel.PD ? "2M" : "1G";
    }

    private static void flag(StringBuilder sb, long entry, long bit, String name) {
        if ((entry & bit) != 0) {
            sb.append(' ').append(name);
        }
    }

    /**
     * The non-zero entries of the table at {@code tablePa}, one line each as
     * {@code "[511] PML4E 0x0000000000003067: ..."}, read straight from memory.
     */
    public static List<String> dumpTable(PhysicalMemory memory, long tablePa, PagingLevel level) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            long e = memory.readLong(tablePa + (long) SIZE * i);
            if (e != 0) {
                lines.add(String.format("[%3d] %s", i, describe(e, level)));
            }
        }
        return lines;
    }
}
