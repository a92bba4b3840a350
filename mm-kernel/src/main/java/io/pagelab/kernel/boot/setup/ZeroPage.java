package io.pagelab.kernel.boot.setup;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The zero page, {@code struct boot_params} of arch/x86/include/uapi/asm/bootparam.h (Linux 6.x):
 * the 4096 bytes in which the real-mode setup code (or a boot loader such as GRUB2) hands the
 * kernel everything it learned from the firmware. All fields are little-endian and packed.
 *
 * <pre>
 *  offset  size        field
 *  0x000   0x40        screen_info
 *  0x1e0   4           alt_mem_k           (INT 0x15 AX=0xE801 result)
 *  0x1e8   1           e820_entries        how many e820_table slots are valid
 *  0x1eb   1           kbd_status
 *  0x1ef   1           sentinel
 *  0x1f1   ...         hdr                 struct setup_header, copied from the kernel image
 *  0x1fe   2             hdr.boot_flag     0xAA55
 *  0x202   4             hdr.header        "HdrS" (0x53726448)
 *  0x2d0   128 * 20    e820_table[128]     struct boot_e820_entry { u64 addr; u64 size; u32 type; }
 *  0xcd0   48          _pad8
 *  0xd00   ...         eddbuf[]
 * </pre>
 *
 * <p>Differs from Linux on purpose: only the fields the memory lessons use are named; the rest is
 * raw bytes, reachable through the little-endian accessors.
 */
public final class ZeroPage {
    /** sizeof(struct boot_params). */
    public static final int SIZE = 4096;
    /** Offset of {@code u32 alt_mem_k}. */
    public static final int ALT_MEM_K = 0x1e0;
    /** Offset of {@code u8 e820_entries}. */
    public static final int E820_ENTRIES = 0x1e8;
    /** Offset of {@code u8 kbd_status}. */
    public static final int KBD_STATUS = 0x1eb;
    /** Offset of {@code u8 sentinel}. */
    public static final int SENTINEL = 0x1ef;
    /** Offset of {@code struct setup_header hdr}. */
    public static final int SETUP_HEADER = 0x1f1;
    /** Offset of {@code hdr.boot_flag}, 0xAA55. */
    public static final int BOOT_FLAG = 0x1fe;
    /** Offset of {@code hdr.header}, the magic "HdrS". */
    public static final int HEADER_MAGIC = 0x202;
    /** Offset of {@code struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]}. */
    public static final int E820_TABLE = 0x2d0;
    /** Slots in e820_table (arch/x86/include/uapi/asm/bootparam.h). */
    public static final int E820_MAX_ENTRIES_ZEROPAGE = 128;
    /** sizeof(struct boot_e820_entry): u64 addr, u64 size, u32 type, packed. */
    public static final int E820_ENTRY_SIZE = E820Entry.BYTES;
    /** The value of hdr.boot_flag. */
    public static final int BOOT_FLAG_VALUE = 0xAA55;
    /** "HdrS" read as a little-endian u32. */
    public static final int HEADER_MAGIC_VALUE = 0x53726448;

    private final ByteBuffer bytes = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /** A zero page full of zeros, as a careful boot loader starts it. */
    public ZeroPage() {
    }

    /** The u8 at {@code offset}, 0..255. */
    public int getU8(int offset) {
        check(offset, 1);
        return Byte.toUnsignedInt(bytes.get(offset));
    }

    /** The little-endian u16 at {@code offset}, 0..65535. */
    public int getU16(int offset) {
        check(offset, 2);
        return Short.toUnsignedInt(bytes.getShort(offset));
    }

    /** The little-endian u32 at {@code offset}, as an int (compare unsigned). */
    public int getU32(int offset) {
        check(offset, 4);
        return bytes.getInt(offset);
    }

    /** The little-endian u64 at {@code offset}. */
    public long getU64(int offset) {
        check(offset, 8);
        return bytes.getLong(offset);
    }

    /** Writes the u8 {@code value} (0..255) at {@code offset}. */
    public void putU8(int offset, int value) {
        check(offset, 1);
        InvalidArgumentException.check(value >= 0 && value <= 0xff,
                "a u8 holds 0..255, got %s for zero page offset %s", value, offset);
        bytes.put(offset, (byte) value);
    }

    /** Writes the u16 {@code value} (0..65535) little-endian at {@code offset}. */
    public void putU16(int offset, int value) {
        check(offset, 2);
        InvalidArgumentException.check(value >= 0 && value <= 0xffff,
                "a u16 holds 0..65535, got %s for zero page offset %s", value, offset);
        bytes.putShort(offset, (short) value);
    }

    /** Writes the 32 bits of {@code value} little-endian at {@code offset}. */
    public void putU32(int offset, int value) {
        check(offset, 4);
        bytes.putInt(offset, value);
    }

    /** Writes the 64 bits of {@code value} little-endian at {@code offset}. */
    public void putU64(int offset, long value) {
        check(offset, 8);
        bytes.putLong(offset, value);
    }

    /** {@code boot_params.e820_entries}. */
    public int e820Entries() {
        return getU8(E820_ENTRIES);
    }

    /**
     * The first {@link #e820Entries()} slots of {@code boot_params.e820_table}, decoded.
     *
     * @throws IllegalStateException if e820_entries is above 128 (a corrupt zero page)
     */
    public List<E820Entry> e820Table() {
        int n = e820Entries();
        if (n > E820_MAX_ENTRIES_ZEROPAGE) {
            throw new IllegalStateException("zero page e820_entries is " + n + ", but e820_table has only "
                    + E820_MAX_ENTRIES_ZEROPAGE + " slots");
        }
        List<E820Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = E820_TABLE + i * E820_ENTRY_SIZE;
            entries.add(new E820Entry(getU64(slot), getU64(slot + 8), E820Type.of(getU32(slot + 16))));
        }
        return List.copyOf(entries);
    }

    /** A copy of all 4096 bytes. */
    public byte[] bytes() {
        return bytes.array().clone();
    }

    /** A copy of {@code length} bytes from {@code offset}. */
    public byte[] bytes(int offset, int length) {
        check(offset, length);
        byte[] out = new byte[length];
        System.arraycopy(bytes.array(), offset, out, 0, length);
        return out;
    }

    /** Writes slot {@code index} of e820_table (used by the library's setup code and GRUB2). */
    void putE820Entry(int index, E820Entry entry) {
        int slot = E820_TABLE + index * E820_ENTRY_SIZE;
        putU64(slot, entry.addr());
        putU64(slot + 8, entry.size());
        putU32(slot + 16, entry.type().code());
    }

    /** The part of copy_boot_params() the lessons look at: boot_flag and the "HdrS" magic. */
    void copySetupHeader() {
        putU16(BOOT_FLAG, BOOT_FLAG_VALUE);
        putU32(HEADER_MAGIC, HEADER_MAGIC_VALUE);
    }

    private static void check(int offset, int width) {
        if (offset < 0 || width < 0 || offset > SIZE - width) {
            throw new InvalidArgumentException("zero page access of " + width + " bytes at offset " + offset
                    + " is outside struct boot_params: offsets 0.." + (SIZE - width) + " are allowed");
        }
    }
}
