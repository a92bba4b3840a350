package io.pagelab.hardware.segment;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.List;

/**
 * The global descriptor table: an array of 8-byte descriptors that {@code lgdt} points the CPU at,
 * with a limit (GDTR.limit = size in bytes - 1). Entry 0 is the null descriptor.
 *
 * <p>{@link #linux64()} and {@link #linux32()} hold the flat segments of Linux 6.x's per-CPU
 * {@code gdt_page} (arch/x86/kernel/cpu/common.c, selectors from arch/x86/include/asm/segment.h):
 *
 * <pre>
 *  64-bit (GDT_ENTRIES 16)                          32-bit (GDT_ENTRIES 32)
 *  1 KERNEL32_CS  DESC_CODE32         0xc09a        12 KERNEL_CS  DESC_CODE32         0xc09a  __KERNEL_CS 0x60
 *  2 KERNEL_CS    DESC_CODE64         0xa09a  0x10  13 KERNEL_DS  DESC_DATA32         0xc092  __KERNEL_DS 0x68
 *  3 KERNEL_DS    DESC_DATA64         0xc092  0x18  14 USER_CS    DESC_CODE32|USER    0xc0fa  __USER_CS   0x73
 *  4 USER32_CS    DESC_CODE32|USER    0xc0fa  0x23  15 USER_DS    DESC_DATA32|USER    0xc0f2  __USER_DS   0x7b
 *  5 USER_DS      DESC_DATA64|USER    0xc0f2  0x2b
 *  6 USER_CS      DESC_CODE64|USER    0xa0fa  0x33  (all with base 0 and limit 0xfffff pages = 4 GiB)
 * </pre>
 *
 * <p>Every segment has base 0 and covers 4 GiB: Linux does not use segmentation to protect
 * memory, paging does that. The remaining entries (TSS, LDT, TLS, per-CPU, PnP BIOS...) are left
 * null here on purpose.
 */
public final class GlobalDescriptorTable {
    /** Bytes per descriptor. */
    public static final int DESCRIPTOR_SIZE = 8;
    /** The most descriptors a GDT can hold: the 13-bit selector index, 8192. */
    public static final int MAX_ENTRIES = 8192;

    private final long[] entries;

    /**
     * A table holding these raw descriptors, entry 0 first; GDTR.limit is {@code 8 * n - 1}.
     *
     * @throws InvalidArgumentException for an empty table, more than 8192 entries, or a non-zero entry 0
     */
    public GlobalDescriptorTable(long... rawDescriptors) {
        if (rawDescriptors.length == 0 || rawDescriptors.length > MAX_ENTRIES) {
            throw new InvalidArgumentException(String.format(
                    "a GDT holds 1..%d descriptors, got %d", MAX_ENTRIES, rawDescriptors.length));
        }
        if (rawDescriptors[0] != 0) {
            throw new InvalidArgumentException(String.format(
                    "GDT entry 0 must be the null descriptor 0x0, got %#018x", rawDescriptors[0]));
        }
        this.entries = rawDescriptors.clone();
    }

    /** Linux 6.x's 64-bit GDT: 16 entries, flat kernel and user segments at 1..6. */
    public static GlobalDescriptorTable linux64() {
        long[] gdt = new long[16];
        gdt[1] = SegmentDescriptor.of(0xc09a, 0, 0xfffff).raw(); // GDT_ENTRY_KERNEL32_CS
        gdt[2] = SegmentDescriptor.of(0xa09a, 0, 0xfffff).raw(); // GDT_ENTRY_KERNEL_CS
        gdt[3] = SegmentDescriptor.of(0xc092, 0, 0xfffff).raw(); // GDT_ENTRY_KERNEL_DS
        gdt[4] = SegmentDescriptor.of(0xc0fa, 0, 0xfffff).raw(); // GDT_ENTRY_DEFAULT_USER32_CS
        gdt[5] = SegmentDescriptor.of(0xc0f2, 0, 0xfffff).raw(); // GDT_ENTRY_DEFAULT_USER_DS
        gdt[6] = SegmentDescriptor.of(0xa0fa, 0, 0xfffff).raw(); // GDT_ENTRY_DEFAULT_USER_CS
        return new GlobalDescriptorTable(gdt);
    }

    /** Linux 6.x's 32-bit GDT: 32 entries, the flat segments at 12..15. */
    public static GlobalDescriptorTable linux32() {
        long[] gdt = new long[32];
        gdt[12] = SegmentDescriptor.of(0xc09a, 0, 0xfffff).raw(); // GDT_ENTRY_KERNEL_CS
        gdt[13] = SegmentDescriptor.of(0xc092, 0, 0xfffff).raw(); // GDT_ENTRY_KERNEL_DS
        gdt[14] = SegmentDescriptor.of(0xc0fa, 0, 0xfffff).raw(); // GDT_ENTRY_DEFAULT_USER_CS
        gdt[15] = SegmentDescriptor.of(0xc0f2, 0, 0xfffff).raw(); // GDT_ENTRY_DEFAULT_USER_DS
        return new GlobalDescriptorTable(gdt);
    }

    /** How many descriptors the table holds. */
    public int size() {
        return entries.length;
    }

    /** GDTR.limit: the last valid byte offset, {@code 8 * size() - 1}. */
    public int limit() {
        return entries.length * DESCRIPTOR_SIZE - 1;
    }

    /** The raw descriptors, entry 0 first. */
    public List<Long> rawEntries() {
        return Arrays.stream(entries).boxed().toList();
    }

    /**
     * The descriptor a selector names, as the CPU reads it when a segment register is loaded.
     *
     * @throws GeneralProtectionFault (error code = the selector without RPL) when the selector
     *         points into the LDT (not modelled) or past GDTR.limit
     */
    public SegmentDescriptor descriptor(SegmentSelector selector) {
        if (selector.ldt()) {
            throw new GeneralProtectionFault(selector.value(), selector.errorCode(), String.format(
                    "general protection fault: selector %s names the LDT, and this machine has none"
                            + " (error_code %#06x)", selector, selector.errorCode()));
        }
        long lastByte = (long) selector.index() * DESCRIPTOR_SIZE + DESCRIPTOR_SIZE - 1;
        if (lastByte > limit()) {
            throw new GeneralProtectionFault(selector.value(), selector.errorCode(), String.format(
                    "general protection fault: selector %s is beyond the GDT limit %#x (%d descriptors,"
                            + " indexes 0..%d) (error_code %#06x)",
                    selector, limit(), size(), size() - 1, selector.errorCode()));
        }
        return SegmentDescriptor.decode(entries[selector.index()]);
    }
}
