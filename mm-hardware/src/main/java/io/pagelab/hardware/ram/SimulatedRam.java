package io.pagelab.hardware.ram;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical memory of a simulated PC: every address inside one of the firmware's e820 ranges
 * (of any type: RAM, reserved, ACPI...) answers on the bus; holes and addresses beyond the map do
 * not. Physical addresses are up to 52 bits wide (x86-64 __PHYSICAL_MASK_SHIFT,
 * arch/x86/include/asm/page_64_types.h, Linux 6.x).
 *
 * <pre>
 *  firmware map (overlapping, unsorted)  --merge--&gt;  present[] = sorted disjoint [start, end)
 *  pa --&gt; pfn = pa &gt;&gt;&gt; 12 --&gt; FrameTable --&gt; byte[4096] (created on first write) , offset = pa &amp; 0xfff
 * </pre>
 *
 * Sparse: a frame's bytes exist only once something was written into it, so a 64 GiB machine fits
 * in a small heap and costs 4 KiB per touched frame. Multi-byte accesses inside one frame use
 * little-endian {@link VarHandle} views; accesses crossing a frame go byte by byte.
 *
 * <p>Differs from a real machine on purpose: reserved and ACPI ranges behave as ordinary RAM
 * (no ROM, no MMIO side effects), holes raise {@link BadAddressException} instead of reading all
 * ones (0xff) as a real bus would, and untouched memory reads zero instead of garbage. Not
 * thread-safe.
 */
public final class SimulatedRam implements PhysicalMemory {
    private static final Logger log = LoggerFactory.getLogger(SimulatedRam.class);

    /** Physical address width: 52 bits. */
    public static final int PHYSICAL_ADDRESS_BITS = 52;
    private static final long PHYS_LIMIT = 1L << PHYSICAL_ADDRESS_BITS;
    private static final int FRAME = FrameTable.FRAME_SIZE;
    private static final int OFFSET_MASK = FRAME - 1;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final FirmwareMemoryMap firmware;
    private final long[] starts;
    private final long[] ends;
    private final FrameTable frames = new FrameTable();
    private int lastRange;

    /**
     * RAM answering at every address inside one of the map's entries. Entries are merged where
     * they overlap or touch; zero-size entries are ignored; parts at or above 2^52 are cut off.
     *
     * @throws InvalidArgumentException if no entry has a byte below 2^52
     */
    public SimulatedRam(FirmwareMemoryMap firmware) {
        this.firmware = Objects.requireNonNull(firmware, "firmware");
        List<long[]> ranges = new ArrayList<>();
        for (E820Entry e : firmware.entries()) {
            long start = e.addr();
            long end = Long.compareUnsigned(e.end(), start) < 0 ? -1L : e.end(); // wrapped: to 2^64
            if (e.size() == 0 || Long.compareUnsigned(start, PHYS_LIMIT) >= 0) {
                if (e.size() != 0) {
                    log.warn("e820 entry {} lies above the {}-bit physical address space: ignored", e,
                            PHYSICAL_ADDRESS_BITS);
                }
                continue;
            }
            if (Long.compareUnsigned(end, PHYS_LIMIT) > 0) {
                log.warn("e820 entry {} reaches above 2^{}: cut at {}", e, PHYSICAL_ADDRESS_BITS,
                        hex(PHYS_LIMIT));
                end = PHYS_LIMIT;
            }
            ranges.add(new long[] {start, end});
        }
        InvalidArgumentException.check(!ranges.isEmpty(),
                "the firmware map has no non-empty range below 2^%s: a machine needs some memory", PHYSICAL_ADDRESS_BITS);
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        starts = new long[merged.size()];
        ends = new long[merged.size()];
        for (int i = 0; i < merged.size(); i++) {
            starts[i] = merged.get(i)[0];
            ends[i] = merged.get(i)[1];
        }
        log.debug("simulated RAM: {} present ranges from {} e820 entries, max address {}", starts.length,
                firmware.size(), hex(maxAddress()));
    }

    /** Same as {@code new SimulatedRam(firmware)}. */
    public static SimulatedRam of(FirmwareMemoryMap firmware) {
        return new SimulatedRam(firmware);
    }

    /** The firmware map this RAM was built from. */
    public FirmwareMemoryMap firmwareMap() {
        return firmware;
    }

    /** Bytes that answer on the bus (the union of the map's ranges). */
    public long presentBytes() {
        long total = 0;
        for (int i = 0; i < starts.length; i++) {
            total += ends[i] - starts[i];
        }
        return total;
    }

    /** True when the frame has storage, i.e. something was written into it. */
    public boolean isTouched(long pfn) {
        return pfn >= 0 && frames.get(pfn) != null;
    }

    // ---- presence ----

    @Override
    public boolean isPresent(long pa) {
        return rangeOf(pa) >= 0;
    }

    @Override
    public long maxAddress() {
        return ends[ends.length - 1];
    }

    @Override
    public int physicalAddressBits() {
        return PHYSICAL_ADDRESS_BITS;
    }

    @Override
    public long touchedFrames() {
        return frames.size();
    }

    /** Index of the present range holding pa, or -1. */
    private int rangeOf(long pa) {
        int i = lastRange;
        if (pa >= starts[i] && pa < ends[i]) {
            return i;
        }
        if (pa < 0) {
            return -1;
        }
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pa < starts[mid]) {
                hi = mid - 1;
            } else if (pa >= ends[mid]) {
                lo = mid + 1;
            } else {
                lastRange = mid;
                return mid;
            }
        }
        return -1;
    }

    /** Throws unless all of [pa, pa + len) is present; len &gt; 0. */
    private void check(long pa, long len, String op) {
        int i = lastRange;
        if (pa >= starts[i] && pa < ends[i] && len <= ends[i] - pa) {
            return;
        }
        i = rangeOf(pa);
        if (i < 0) {
            throw absent(pa, pa, len, op);
        }
        if (len > ends[i] - pa) {
            throw absent(ends[i], pa, len, op); // ranges are merged: the end of one is never present
        }
    }

    private BadAddressException absent(long bad, long pa, long len, String op) {
        String access = len + "-byte " + op + " at " + hex(pa) + ": ";
        String why;
        if (Long.compareUnsigned(bad, PHYS_LIMIT) >= 0) {
            why = "physical address " + hex(bad) + " is beyond the " + PHYSICAL_ADDRESS_BITS
                    + "-bit physical address space; present memory ends at " + hex(maxAddress());
        } else if (bad >= maxAddress()) {
            why = "physical address " + hex(bad) + " is above the end of the memory map: the last present range is "
                    + range(starts.length - 1) + ", so addresses must be below " + hex(maxAddress());
        } else {
            int above = 0;
            while (starts[above] <= bad) {
                above++;
            }
            why = above == 0
                    ? "physical address " + hex(bad) + " is below the first present range " + range(0)
                    : "physical address " + hex(bad) + " is in a hole of the memory map: present ranges around it are "
                            + range(above - 1) + " and " + range(above);
        }
        return new BadAddressException(bad, access + why);
    }

    private String range(int i) {
        return String.format("[mem %#018x-%#018x]", starts[i], ends[i] - 1);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    // ---- scalar reads ----

    @Override
    public byte readByte(long pa) {
        check(pa, 1, "read");
        byte[] f = frames.get(pa >>> 12);
        return f == null ? 0 : f[(int) pa & OFFSET_MASK];
    }

    @Override
    public short readShort(long pa) {
        check(pa, 2, "read");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 2) {
            byte[] f = frames.get(pa >>> 12);
            return f == null ? 0 : (short) SHORT.get(f, off);
        }
        return (short) readSlow(pa, 2);
    }

    @Override
    public int readInt(long pa) {
        check(pa, 4, "read");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 4) {
            byte[] f = frames.get(pa >>> 12);
            return f == null ? 0 : (int) INT.get(f, off);
        }
        return (int) readSlow(pa, 4);
    }

    @Override
    public long readLong(long pa) {
        check(pa, 8, "read");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 8) {
            byte[] f = frames.get(pa >>> 12);
            return f == null ? 0 : (long) LONG.get(f, off);
        }
        return readSlow(pa, 8);
    }

    /** Little-endian read crossing a frame boundary, byte by byte. */
    private long readSlow(long pa, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            long a = pa + i;
            byte[] f = frames.get(a >>> 12);
            v = (v << 8) | (f == null ? 0 : f[(int) a & OFFSET_MASK] & 0xff);
        }
        return v;
    }

    // ---- scalar writes ----

    @Override
    public void writeByte(long pa, int value) {
        check(pa, 1, "write");
        frames.getOrCreate(pa >>> 12)[(int) pa & OFFSET_MASK] = (byte) value;
    }

    @Override
    public void writeShort(long pa, int value) {
        check(pa, 2, "write");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 2) {
            SHORT.set(frames.getOrCreate(pa >>> 12), off, (short) value);
        } else {
            writeSlow(pa, 2, value);
        }
    }

    @Override
    public void writeInt(long pa, int value) {
        check(pa, 4, "write");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 4) {
            INT.set(frames.getOrCreate(pa >>> 12), off, value);
        } else {
            writeSlow(pa, 4, value);
        }
    }

    @Override
    public void writeLong(long pa, long value) {
        check(pa, 8, "write");
        int off = (int) pa & OFFSET_MASK;
        if (off <= FRAME - 8) {
            LONG.set(frames.getOrCreate(pa >>> 12), off, value);
        } else {
            writeSlow(pa, 8, value);
        }
    }

    private void writeSlow(long pa, int width, long value) {
        for (int i = 0; i < width; i++) {
            long a = pa + i;
            frames.getOrCreate(a >>> 12)[(int) a & OFFSET_MASK] = (byte) (value >>> (8 * i));
        }
    }

    // ---- bulk ----

    private static void checkArray(byte[] array, int off, int len, String name) {
        Objects.requireNonNull(array, name);
        if (off < 0 || len < 0 || off > array.length - len) {
            throw new InvalidArgumentException("array range off=" + off + ", len=" + len + " does not fit " + name
                    + " of length " + array.length + ": need 0 <= off, 0 <= len, off + len <= " + array.length);
        }
    }

    private static void checkLength(long len) {
        if (len < 0) {
            throw new InvalidArgumentException("length " + len + " is negative: a length must be >= 0");
        }
    }

    @Override
    public void readBytes(long pa, byte[] dst, int off, int len) {
        checkArray(dst, off, len, "dst");
        if (len == 0) {
            return;
        }
        check(pa, len, "read");
        int done = 0;
        while (done < len) {
            long a = pa + done;
            int inFrame = (int) a & OFFSET_MASK;
            int n = Math.min(len - done, FRAME - inFrame);
            byte[] f = frames.get(a >>> 12);
            if (f == null) {
                Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            } else {
                System.arraycopy(f, inFrame, dst, off + done, n);
            }
            done += n;
        }
    }

    @Override
    public void writeBytes(long pa, byte[] src, int off, int len) {
        checkArray(src, off, len, "src");
        if (len == 0) {
            return;
        }
        check(pa, len, "write");
        int done = 0;
        while (done < len) {
            long a = pa + done;
            int inFrame = (int) a & OFFSET_MASK;
            int n = Math.min(len - done, FRAME - inFrame);
            System.arraycopy(src, off + done, frames.getOrCreate(a >>> 12), inFrame, n);
            done += n;
        }
    }

    @Override
    public void fill(long pa, long len, int value) {
        checkLength(len);
        if (len == 0) {
            return;
        }
        check(pa, len, "fill");
        long done = 0;
        while (done < len) {
            long a = pa + done;
            int inFrame = (int) a & OFFSET_MASK;
            int n = (int) Math.min(len - done, FRAME - inFrame);
            byte[] f = frames.getOrCreate(a >>> 12);
            Arrays.fill(f, inFrame, inFrame + n, (byte) value);
            done += n;
        }
    }

    /**
     * Zeroes the frame; a frame never written stays untouched (it reads zero already), so clearing
     * the pages of a huge anonymous mapping costs no memory until they are written.
     */
    @Override
    public void clearPage(long pfn) {
        check(pfn << 12, FRAME, "clear_page");
        byte[] f = frames.get(pfn);
        if (f != null) {
            Arrays.fill(f, (byte) 0);
        }
    }

    @Override
    public void copy(long srcPa, long dstPa, long len) {
        checkLength(len);
        if (len == 0) {
            return;
        }
        check(srcPa, len, "copy from");
        check(dstPa, len, "copy to");
        boolean backward = dstPa > srcPa && dstPa - srcPa < len; // dst overlaps the tail of src
        if (!backward) {
            long p = 0;
            while (p < len) {
                int n = (int) Math.min(len - p,
                        Math.min(FRAME - ((srcPa + p) & OFFSET_MASK), FRAME - ((dstPa + p) & OFFSET_MASK)));
                copyChunk(srcPa + p, dstPa + p, n);
                p += n;
            }
        } else {
            long e = len;
            while (e > 0) {
                int n = (int) Math.min(e,
                        Math.min(((srcPa + e - 1) & OFFSET_MASK) + 1, ((dstPa + e - 1) & OFFSET_MASK) + 1));
                copyChunk(srcPa + e - n, dstPa + e - n, n);
                e -= n;
            }
        }
    }

    /** Copies n bytes that lie within one source frame and one destination frame. */
    private void copyChunk(long src, long dst, int n) {
        byte[] from = frames.get(src >>> 12);
        byte[] to = frames.getOrCreate(dst >>> 12);
        int dstOff = (int) dst & OFFSET_MASK;
        if (from == null) {
            Arrays.fill(to, dstOff, dstOff + n, (byte) 0);
        } else {
            System.arraycopy(from, (int) src & OFFSET_MASK, to, dstOff, n);
        }
    }

    @Override
    public String toString() {
        return "SimulatedRam[" + starts.length + " present ranges, max address " + hex(maxAddress()) + ", "
                + frames.size() + " touched frames]";
    }
}
