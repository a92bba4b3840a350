package io.pagelab.hardware.firmware;

import java.util.Objects;

/**
 * One range of the firmware memory map: {@code struct e820_entry { u64 addr; u64 size; u32 type; }}
 * (20 bytes, packed), as the BIOS returns it for each INT 0x15, AX=0xE820 call.
 *
 * <p>The range is {@code [addr, addr + size)}; dmesg prints it with an inclusive end,
 * {@code addr + size - 1}. Firmware tables can be wrong (overlaps, zero sizes, even ranges that
 * wrap past 2^64), so this record accepts any 64-bit values and leaves judging them to the
 * kernel's sanitizer.
 *
 * @param addr first physical byte (unsigned 64-bit)
 * @param size length in bytes (unsigned 64-bit); zero is allowed here and dropped by the sanitizer
 * @param type what the range is
 */
public record E820Entry(long addr, long size, E820Type type) {
    /** Size of the entry in the BIOS buffer and in the zero page: 8 + 8 + 4 bytes. */
    public static final int BYTES = 20;

    public E820Entry {
        Objects.requireNonNull(type, "type");
    }

    public static E820Entry of(long addr, long size, E820Type type) {
        return new E820Entry(addr, size, type);
    }

    /** The entry covering {@code [start, endInclusive]}, the way dmesg writes ranges. */
    public static E820Entry ofInclusive(long start, long endInclusive, E820Type type) {
        return new E820Entry(start, endInclusive - start + 1, type);
    }

    /** One past the last byte (may wrap to a small number for a broken entry). */
    public long end() {
        return addr + size;
    }

    /** The last byte, as dmesg prints it. */
    public long lastByte() {
        return addr + size - 1;
    }
}
