package io.pagelab.api;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The machine's physical memory as the CPU sees it on the memory bus: bytes at physical addresses,
 * read and written little-endian, as x86 and arm64 (little-endian configuration) store them.
 *
 * <h2>Contract</h2>
 * (checked completely by {@code io.pagelab.api.testkit.PhysicalMemoryContract}, mm-api test-jar)
 * <ul>
 *   <li><b>Addresses</b> are unsigned 64-bit values in {@code long}s. An address is <em>present</em>
 *       when it lies inside the machine's memory map (for a PC: inside any e820 range, whatever its
 *       type — RAM, reserved and ACPI ranges all decode to something on the bus). Present addresses
 *       are below {@link #physicalAddressBits() 2^physicalAddressBits} and below
 *       {@link #maxAddress()}.</li>
 *   <li>An access of {@code n} bytes at {@code pa} touches {@code [pa, pa + n)}; every one of those
 *       bytes must be present, otherwise it throws {@link io.pagelab.api.error.BadAddressException}
 *       naming the first absent address and what is allowed, <em>before</em> anything is read or
 *       written: a rejected access changes nothing, not even {@link #touchedFrames()}.</li>
 *   <li>No alignment is required, and an access may cross a page-frame boundary, as on x86.</li>
 *   <li><b>Little-endian</b>: {@code writeLong(pa, 0x0102030405060708L)} stores 08 at pa, 07 at
 *       pa+1 ... 01 at pa+7; reads assemble bytes the same way. Narrow reads are sign-extended by
 *       Java ({@code readByte} of 0xff is -1); use {@code & 0xff} for the unsigned value.
 *       Writes store the low bits of their {@code int} argument.</li>
 *   <li>Memory never written reads as zero. Reads never allocate.</li>
 *   <li>{@link #touchedFrames()} counts the distinct 4 KiB frames (pfn = pa &gt;&gt; 12) that received at
 *       least one byte from a successful write (any value, zero included); memory use of an
 *       implementation is meant to be proportional to it, not to the size of the machine.</li>
 *   <li>Bulk operations check their array range first ({@link io.pagelab.api.error.InvalidArgumentException}
 *       for a negative length or an {@code off/len} outside the array), then the physical range. A
 *       zero-length operation does nothing and checks only the array range.</li>
 * </ul>
 * Implementations are not thread-safe unless they say so.
 */
public interface PhysicalMemory {

    /** Reads one byte. */
    byte readByte(long pa);

    /** Reads 2 bytes, little-endian. */
    short readShort(long pa);

    /** Reads 4 bytes, little-endian. */
    int readInt(long pa);

    /** Reads 8 bytes, little-endian. */
    long readLong(long pa);

    /** Writes the low 8 bits of {@code value}. */
    void writeByte(long pa, int value);

    /** Writes the low 16 bits of {@code value}, little-endian. */
    void writeShort(long pa, int value);

    /** Writes 4 bytes, little-endian. */
    void writeInt(long pa, int value);

    /** Writes 8 bytes, little-endian. */
    void writeLong(long pa, long value);

    /** Copies {@code len} bytes from {@code [pa, pa + len)} into {@code dst[off .. off + len)}. */
    void readBytes(long pa, byte[] dst, int off, int len);

    /** Copies {@code src[off .. off + len)} to {@code [pa, pa + len)}. */
    void writeBytes(long pa, byte[] src, int off, int len);

    /** Reads {@code len} bytes into a new array. */
    default byte[] readBytes(long pa, int len) {
        if (len < 0) {
            throw new InvalidArgumentException(
                    "length " + len + " is negative: a read needs a length >= 0");
        }
        byte[] dst = new byte[len];
        readBytes(pa, dst, 0, len);
        return dst;
    }

    /** Writes the whole array. */
    default void writeBytes(long pa, byte[] src) {
        writeBytes(pa, src, 0, src.length);
    }

    /**
     * Sets {@code [pa, pa + len)} to the low 8 bits of {@code value}, like memset (clear_page,
     * page poisoning with 0xaa). Fails as a whole, before writing, if any byte is absent.
     */
    void fill(long pa, long len, int value);

    /**
     * Copies {@code len} bytes from {@code src} to {@code dst}, like memmove: overlapping ranges
     * are copied as if through a temporary buffer (copy_page, page migration, COW). Both ranges
     * are checked before anything is written.
     */
    /**
     * {@code clear_page()}: the 4 KiB frame {@code pfn} reads zero afterwards. Sparse
     * implementations may leave a never-written frame untouched.
     */
    default void clearPage(long pfn) {
        fill(pfn << 12, Pages.PAGE_SIZE, 0);
    }

    void copy(long srcPa, long dstPa, long len);

    /** True when the byte at {@code pa} is inside the machine's memory map. */
    boolean isPresent(long pa);

    /**
     * One past the highest present byte: every present address is below it, and an access
     * reaching it fails. For the QEMU 4 GiB guest (e820 ends at 0x13fffffff) it is 0x140000000.
     */
    long maxAddress();

    /** Width of a physical address in bits: 52 on x86-64 (__PHYSICAL_MASK_SHIFT). */
    default int physicalAddressBits() {
        return 52;
    }

    /** Distinct 4 KiB frames written at least once (see the class contract). */
    long touchedFrames();
}
