package io.pagelab.lessons.paging;

import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text pictures of x86-64 paging values for the lessons: a 4 KiB PTE cut into its bit fields
 * (the layout of arch/x86/include/asm/pgtable_types.h, linux-reference.md §1.1), a linear
 * address cut into its 9-bit indices, and short hex helpers.
 *
 * <pre>
 *  bit   63  62..59  58..52  51..12   11..9  8  7    6  5  4    3    2    1    0
 *  name  NX  PKEY    avail   frame    avail  G  PAT  D  A  PCD  PWT  U/S  R/W  P
 *  value 1   0       0       0x12345  0      0  0    0  0  0    0    1    1    1
 * </pre>
 */
final class EntryBits {

    private EntryBits() {
    }

    /** The three rows (bit numbers, names, values) of a 4 KiB PTE, columns aligned. */
    static List<String> pte(long entry) {
        String[][] columns = {
            {"63", "NX", bit(entry, 63)},
            {"62..59", "PKEY", Integer.toString(X86PageTableEntry.protectionKey(entry))},
            {"58..52", "avail", hex((entry >>> 52) & 0x7f)},
            {"51..12", "frame", hex((entry & X86PageTableEntry.PFN_MASK) >>> 12)},
            {"11..9", "avail", hex((entry >>> 9) & 0x7)},
            {"8", "G", bit(entry, 8)},
            {"7", "PAT", bit(entry, 7)},
            {"6", "D", bit(entry, 6)},
            {"5", "A", bit(entry, 5)},
            {"4", "PCD", bit(entry, 4)},
            {"3", "PWT", bit(entry, 3)},
            {"2", "U/S", bit(entry, 2)},
            {"1", "R/W", bit(entry, 1)},
            {"0", "P", bit(entry, 0)},
        };
        StringBuilder[] rows = {new StringBuilder("bit    "), new StringBuilder("name   "),
            new StringBuilder("value  ")};
        for (String[] column : columns) {
            int width = Math.max(column[0].length(), Math.max(column[1].length(), column[2].length())) + 2;
            for (int r = 0; r < 3; r++) {
                rows[r].append(String.format(Locale.ROOT, "%-" + width + "s", column[r]));
            }
        }
        List<String> lines = new ArrayList<>();
        for (StringBuilder row : rows) {
            lines.add(row.toString().stripTrailing());
        }
        return lines;
    }

    /**
     * A 48-bit linear address in binary, cut as the 4-level walk uses it: bits 47..39 (PML4),
     * 38..30 (PDPT), 29..21 (PD), 20..12 (PT) and the 12-bit offset, with each index under it.
     */
    static List<String> split(long va) {
        String[] names = {"PML4", "PDPT", "PD", "PT"};
        PagingLevel[] levels = {PagingLevel.PML4, PagingLevel.PDPT, PagingLevel.PD, PagingLevel.PT};
        StringBuilder bits = new StringBuilder("bits   63..48  ");
        StringBuilder binary = new StringBuilder("       ");
        StringBuilder index = new StringBuilder("       ");
        binary.append(String.format(Locale.ROOT, "%-8s", hex((va >>> 48) & 0xffff)));
        index.append(String.format(Locale.ROOT, "%-8s", "sign"));
        for (int i = 0; i < levels.length; i++) {
            int shift = levels[i].shift();
            bits.append(String.format(Locale.ROOT, "%-11s", (shift + 8) + ".." + shift));
            binary.append(String.format(Locale.ROOT, "%-11s", binary(levels[i].index(va), 9)));
            index.append(String.format(Locale.ROOT, "%-11s", names[i] + " " + levels[i].index(va)));
        }
        bits.append("11..0");
        binary.append(binary(va & 0xfff, 12));
        index.append("offset ").append(hex(va & 0xfff));
        return List.of(bits.toString(), binary.toString(), index.toString());
    }

    /** {@code value} as {@code digits} binary digits, leading zeros kept. */
    static String binary(long value, int digits) {
        StringBuilder sb = new StringBuilder(Long.toBinaryString(value));
        while (sb.length() < digits) {
            sb.insert(0, '0');
        }
        return sb.toString();
    }

    /** {@code 0x} and lower-case hex digits, unsigned, as the kernel's {@code %#x} (0 prints as 0x0). */
    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A 64-bit value with all 16 hex digits, as the kernel's {@code %016lx} after {@code 0x}. */
    static String hex16(long value) {
        return String.format(Locale.ROOT, "0x%016x", value);
    }

    private static String bit(long entry, int bit) {
        return Long.toString((entry >>> bit) & 1);
    }
}
