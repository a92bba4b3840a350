package io.pagelab.hardware.segment;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded segment register: the visible selector and the descriptor the CPU cached when it was
 * loaded (the "hidden part"), so later accesses need not read the GDT again. Every memory access
 * in protected mode goes through one: {@link #linear} turns an offset into a linear address,
 * {@code base + offset}, after checking the access against the type and the limit.
 *
 * <pre>
 *   expand-up   (limit L)   valid offsets 0 .. L                       (every code segment, most data)
 *   expand-down (limit L)   valid offsets L+1 .. 0xffff or 0xffffffff  (D/B chooses the upper bound)
 *   byte limit L = limit (G=0) or limit * 4096 + 0xfff (G=1)
 *   an access of n bytes at offset o is valid when o .. o+n-1 all are
 * </pre>
 *
 * <p>A violation raises #GP with error code 0 (the SDM: "memory operand effective address outside
 * the segment limit"). Linux's flat segments (base 0, 4 GiB) make the linear address equal to the
 * offset, which is why Linux does all its protection with paging.
 *
 * <p>Differs from hardware: the stack segment's #SS is reported as a #GP that says so; in 64-bit
 * mode the CPU ignores base and limit of CS/DS/ES/SS, which this 32-bit model does not show.
 *
 * @param selector the selector the register was loaded with
 * @param descriptor the cached descriptor ({@link SegmentDescriptor#NULL} for the null selector)
 */
public record SegmentRegister(SegmentSelector selector, SegmentDescriptor descriptor) {
    private static final Logger log = LoggerFactory.getLogger(SegmentRegister.class);

    /** The largest offset of a 32-bit segment. */
    public static final long MAX_OFFSET = 0xFFFF_FFFFL;

    /**
     * The linear address of an access of {@code size} bytes at {@code offset}:
     * {@code (base + offset) mod 2^32}.
     *
     * @param offset the effective address, 0..0xffffffff
     * @param size bytes accessed, 1..8
     * @param access read, write or instruction fetch
     * @throws GeneralProtectionFault (error code 0) for the null selector, a type that forbids the
     *         access, or any byte outside the limit
     * @throws InvalidArgumentException for an offset beyond 32 bits or a size outside 1..8
     */
    public long linear(long offset, int size, SegmentAccess access) {
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new InvalidArgumentException(String.format(
                    "offset %#x does not fit in 32 bits: protected-mode offsets are 0x0..0xffffffff", offset));
        }
        if (size < 1 || size > 8) {
            throw new InvalidArgumentException(String.format("access size %d is not 1..8 bytes", size));
        }
        if (selector.isNull()) {
            throw fault(offset, "the segment register holds the null selector " + selector + ", usable for no access");
        }
        checkType(offset, access);
        long last = offset + size - 1;
        long lowest = descriptor.isExpandDown() ? descriptor.byteLimit() + 1 : 0;
        long highest = descriptor.isExpandDown() ? (descriptor.defaultBig() ? MAX_OFFSET : 0xFFFF) : descriptor.byteLimit();
        if (offset < lowest || last > highest) {
            throw fault(offset, String.format(
                    "%d-byte %s at offset %#x is outside segment %s: limit %#x, %s segment, valid offsets %#x..%#x",
                    size, access.name().toLowerCase(java.util.Locale.ROOT), offset, selector, descriptor.byteLimit(),
                    descriptor.isExpandDown() ? "expand-down" : "expand-up", lowest, highest));
        }
        long linear = (descriptor.base() + offset) & MAX_OFFSET;
        log.debug("{}:{} -> base {} + offset = linear {}", hex(selector.value()), hex(offset), hex(descriptor.base()),
                hex(linear));
        return linear;
    }

    private void checkType(long offset, SegmentAccess access) {
        boolean allowed;
        switch (access) {
            case READ:
                allowed = descriptor.isReadable();
                break;
            case WRITE:
                allowed = descriptor.isWritable();
                break;
            case EXECUTE:
                allowed = descriptor.isCode();
                break;
            default:
                throw new AssertionError(access);
        }
        if (!allowed) {
            throw fault(offset, String.format("a %s through segment %s is not allowed: its type is %s",
                    access.name().toLowerCase(java.util.Locale.ROOT), selector, descriptor.typeName()));
        }
    }

    private static GeneralProtectionFault fault(long offset, String why) {
        return new GeneralProtectionFault(offset, 0, "general protection fault: " + why + " (error_code 0x0000)");
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
