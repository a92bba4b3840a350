package io.pagelab.hardware.segment;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * An 8-byte code or data segment descriptor, {@code struct desc_struct} of
 * arch/x86/include/asm/desc_defs.h (Linux 6.x), as it sits in the GDT. Base and limit are split
 * over the two halves for 80286 compatibility:
 *
 * <pre>
 *  63        56 55  54  53  52  51     48 47 46 45 44 43   40 39         32
 * +------------+---+---+---+---+---------+--+-----+--+-------+------------+
 * | base 31:24 | G |D/B| L |AVL|lim 19:16| P| DPL | S| type  | base 23:16 |
 * +------------+---+---+---+---+---------+--+-----+--+-------+------------+
 *  31                                 16 15                              0
 * +-------------------------------------+---------------------------------+
 * |             base 15:0               |           limit 15:0            |
 * +-------------------------------------+---------------------------------+
 *
 *  G    granularity: limit counts bytes (0) or 4 KiB pages (1); byte limit = limit*4096 + 0xfff
 *  D/B  default operand size 32-bit (code) / big stack, upper bound 4 GiB for expand-down (data)
 *  L    64-bit code segment (long mode); D must then be 0
 *  AVL  free for the OS
 *  P    present; DPL descriptor privilege level 0..3; S 1 = code/data, 0 = system (TSS, LDT, gates)
 *  type code/data: bit 3 executable; data: bit 2 expand-down, bit 1 writable;
 *       code: bit 2 conforming, bit 1 readable; bit 0 accessed
 * </pre>
 *
 * <p>The kernel writes descriptors with {@code GDT_ENTRY_INIT(flags, base, limit)}, whose 16-bit
 * {@code flags} are bits 40..55 of the descriptor with the limit nibble left out: type in bits 0-3,
 * S 4, DPL 5-6, P 7, AVL 12, L 13, D/B 14, G 15 — {@link #of(int, long, long)} does the same.
 * Linux 6.x's 64-bit {@code gdt_page} holds {@code GDT_ENTRY_INIT(DESC_CODE64, 0, 0xfffff)} =
 * flags 0xa09a = {@code 0x00af9a000000ffff} for __KERNEL_CS; 32-bit kernels use the flat 4 GiB
 * code segment 0xc09a = {@code 0x00cf9a000000ffff}. (Kernels before 6.3 set the accessed bit too:
 * 0xa09b = {@code 0x00af9b000000ffff}.)
 *
 * <p>Differs from hardware: the 16-byte system descriptors of long mode (TSS, LDT) are not modelled;
 * their low 8 bytes decode here like any descriptor with S = 0.
 *
 * @param base the 32-bit segment base
 * @param limit the raw 20-bit limit, in bytes or pages depending on {@code granularity}
 * @param type the 4-bit type field
 * @param codeOrData S: true for code/data, false for a system descriptor
 * @param dpl the descriptor privilege level, 0..3
 * @param present P
 * @param available AVL
 * @param longMode L
 * @param defaultBig D/B
 * @param granularity G: limit counted in 4 KiB units
 */
public record SegmentDescriptor(long base, int limit, int type, boolean codeOrData, int dpl, boolean present,
                                boolean available, boolean longMode, boolean defaultBig, boolean granularity) {
    /** The null descriptor of GDT entry 0. */
    public static final SegmentDescriptor NULL = decode(0L);

    /** Bits of the GDT_ENTRY_INIT flags that are descriptor flags (the rest is the limit nibble). */
    public static final int FLAGS_MASK = 0xF0FF;

    public SegmentDescriptor {
        checkRange("base", base, 0xFFFF_FFFFL);
        checkRange("limit", limit, 0xFFFFF);
        checkRange("type", type, 0xF);
        checkRange("DPL", dpl, 3);
    }

    /** Decodes the 8 bytes of a descriptor (read as one little-endian u64). */
    public static SegmentDescriptor decode(long raw) {
        long base = (raw >>> 16) & 0xFFFFFFL | ((raw >>> 56) & 0xFF) << 24;
        int limit = (int) (raw & 0xFFFF) | (int) ((raw >>> 48) & 0xF) << 16;
        int flags = (int) (raw >>> 40) & FLAGS_MASK;
        return fromFlags(flags, base, limit);
    }

    /**
     * {@code GDT_ENTRY_INIT(flags, base, limit)}: the descriptor the kernel builds from its 16-bit
     * flags word, for example {@code of(0xc09a, 0, 0xfffff)} for the flat 4 GiB ring-0 code segment.
     *
     * @throws InvalidArgumentException when flags use bits 8-11 (the limit nibble's place), the
     *         base is wider than 32 bits or the limit wider than 20
     */
    public static SegmentDescriptor of(int flags, long base, long limit) {
        if ((flags & ~FLAGS_MASK) != 0) {
            throw new InvalidArgumentException(String.format(
                    "descriptor flags %#x use bits %#x: GDT_ENTRY_INIT flags are type 0-3, S 4, DPL 5-6, P 7,"
                            + " AVL 12, L 13, D/B 14, G 15 (mask %#x)", flags, flags & ~FLAGS_MASK, FLAGS_MASK));
        }
        checkRange("limit", limit, 0xFFFFF);
        return fromFlags(flags, base, (int) limit);
    }

    private static SegmentDescriptor fromFlags(int flags, long base, int limit) {
        return new SegmentDescriptor(base, limit, flags & 0xF, (flags & 0x10) != 0, (flags >>> 5) & 3,
                (flags & 0x80) != 0, (flags & 0x1000) != 0, (flags & 0x2000) != 0, (flags & 0x4000) != 0,
                (flags & 0x8000) != 0);
    }

    /** The 8 bytes of this descriptor as a u64, the inverse of {@link #decode}. */
    public long raw() {
        return (limit & 0xFFFFL)
                | (base & 0xFFFFFFL) << 16
                | (long) (flags() & 0xFF) << 40
                | (long) (limit >>> 16) << 48
                | (long) (flags() >>> 12) << 52
                | (base >>> 24) << 56;
    }

    /** The GDT_ENTRY_INIT flags word: bits 40..55 without the limit nibble. */
    public int flags() {
        return type | (codeOrData ? 0x10 : 0) | dpl << 5 | (present ? 0x80 : 0) | (available ? 0x1000 : 0)
                | (longMode ? 0x2000 : 0) | (defaultBig ? 0x4000 : 0) | (granularity ? 0x8000 : 0);
    }

    /**
     * The limit in bytes, the highest valid offset of an expand-up segment:
     * {@code limit} with G = 0, {@code limit * 4096 + 0xfff} with G = 1 (so 0xfffff pages = 0xffffffff).
     */
    public long byteLimit() {
        return granularity ? (long) limit << 12 | 0xFFF : limit;
    }

    /** A code segment: S = 1 and type bit 3 (executable). */
    public boolean isCode() {
        return codeOrData && (type & 0b1000) != 0;
    }

    /** A data segment: S = 1 and type bit 3 clear. */
    public boolean isData() {
        return codeOrData && (type & 0b1000) == 0;
    }

    /** A data segment growing down (type bit 2): valid offsets lie above the limit. */
    public boolean isExpandDown() {
        return isData() && (type & 0b100) != 0;
    }

    /** A data segment that may be written (type bit 1). Code segments never are. */
    public boolean isWritable() {
        return isData() && (type & 0b10) != 0;
    }

    /** A segment that may be read: every data segment, and code with the readable bit (type bit 1). */
    public boolean isReadable() {
        return isData() || isCode() && (type & 0b10) != 0;
    }

    /** A conforming code segment (type bit 2): callable from less privileged code without a gate. */
    public boolean isConforming() {
        return isCode() && (type & 0b100) != 0;
    }

    /** The accessed bit (type bit 0) of a code or data segment. */
    public boolean isAccessed() {
        return codeOrData && (type & 1) != 0;
    }

    /** The type in the words of the Intel SDM (vol. 3A, tables 3-1 and 3-2). */
    public String typeName() {
        if (!codeOrData) {
            return SYSTEM_TYPES[type];
        }
        StringBuilder name = new StringBuilder(isCode() ? "code, " : "data, ");
        if (isCode()) {
            name.append((type & 0b10) != 0 ? "execute/read" : "execute-only");
            if ((type & 0b100) != 0) {
                name.append(", conforming");
            }
        } else {
            name.append((type & 0b10) != 0 ? "read/write" : "read-only");
            if ((type & 0b100) != 0) {
                name.append(", expand-down");
            }
        }
        if ((type & 1) != 0) {
            name.append(", accessed");
        }
        return name.toString();
    }

    private static final String[] SYSTEM_TYPES = {
        "reserved", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)", "16-bit call gate", "task gate",
        "16-bit interrupt gate", "16-bit trap gate", "reserved", "32-bit TSS (available)", "reserved",
        "32-bit TSS (busy)", "32-bit call gate", "reserved", "32-bit interrupt gate", "32-bit trap gate"};

    /** One line, every field: {@code 0x00cf9a000000ffff base 0x00000000 limit 0xfffff (0xffffffff) G=1 ...}. */
    @Override
    public String toString() {
        return String.format("%#018x base %#010x limit %#07x (bytes %#x) G=%d D/B=%d L=%d AVL=%d P=%d DPL=%d S=%d"
                        + " type %#x (%s)", raw(), base, limit, byteLimit(), bit(granularity), bit(defaultBig),
                bit(longMode), bit(available), bit(present), dpl, bit(codeOrData), type, typeName());
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }

    private static void checkRange(String what, long value, long max) {
        if (value < 0 || value > max) {
            throw new InvalidArgumentException(String.format(
                    "descriptor %s %#x is out of range: allowed 0x0..%#x", what, value, max));
        }
    }
}
