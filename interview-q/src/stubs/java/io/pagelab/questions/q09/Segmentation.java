package io.pagelab.questions.q09;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.segment.SegmentDescriptor;

/**
 * Q9 保护模式是怎样的？相比实模式有何特点？ What is protected mode, and how does it differ from real mode?
 *
 * <p>Real mode (the 8086's, where every PC starts): an address is {@code segment * 16 + offset}, both
 * 16-bit, so the top is FFFF:FFFF = 0x10FFEF; with the A20 gate off, address bit 20 stays 0 and
 * everything above 1 MiB wraps to the bottom. No protection at all. Protected mode: a segment
 * register holds a selector into the GDT, whose 8-byte descriptor gives the segment's base, limit,
 * privilege (DPL) and type; every access is checked against the limit and the type, and a violation
 * is a general-protection fault (#GP). Linux makes every segment flat (base 0, 4 GiB) and protects
 * memory with paging instead. 实模式没有保护；保护模式通过段描述符的基址、界限、特权级检查每次访问。
 *
 * <p>Your task:
 * <ul>
 *   <li>{@link #realModeLinear}: {@code segment * 16 + offset}; with {@code a20} false clear bit 20.
 *       Segment and offset must be 0..0xffff, otherwise throw
 *       {@link io.pagelab.api.error.InvalidArgumentException}.</li>
 *   <li>{@link #decode}: split a raw descriptor (the 8 bytes read as one little-endian u64) into a
 *       {@link SegmentDescriptor}. The layout, bit numbers of the u64:
 *       <pre>
 *       63..56 base 31:24   55 G   54 D/B   53 L   52 AVL   51..48 limit 19:16
 *       47 P   46..45 DPL   44 S   43..40 type   39..32 base 23:16
 *       31..16 base 15:0    15..0 limit 15:0
 *       </pre>
 *       ({@code limit} in the record is the raw 20-bit value.)</li>
 *   <li>{@link #gdtEntryInit}: the kernel's {@code GDT_ENTRY_INIT(flags, base, limit)}
 *       (arch/x86/include/asm/desc_defs.h): {@code flags} holds type in bits 0-3, S 4, DPL 5-6, P 7,
 *       AVL 12, L 13, D/B 14, G 15 - that is, bits 40..55 of the descriptor with the limit nibble's
 *       place (bits 8-11 of flags) left empty. Return the raw u64.</li>
 *   <li>{@link #linear}: the linear address {@code (base + offset) mod 2^32} of an access of
 *       {@code size} bytes at {@code offset} through a loaded segment, after the limit check. The byte
 *       limit is the raw limit with G = 0, {@code limit * 4096 + 0xfff} with G = 1. An expand-up segment
 *       allows offsets 0..byteLimit; an expand-down data segment (type bit 2 set on a data segment)
 *       allows byteLimit+1..0xffff, or ..0xffffffff when D/B is set. Every byte
 *       {@code offset .. offset+size-1} must be allowed, otherwise throw
 *       {@link io.pagelab.api.error.GeneralProtectionFault} with error code 0 and a message that
 *       names the selector, the offset and the byte limit in hex ({@code %#x}).</li>
 * </ul>
 *
 * <p>Do not call the library's io.pagelab.hardware.segment code (SegmentDescriptor.decode/of,
 * SegmentRegister.linear): it is pagelab's own copy of this exercise. Building the record with its
 * constructor and reading its accessors is fine.
 *
 * <p>Run {@code ./pagelab grade q09} to check your work.
 */
public final class Segmentation {

    private Segmentation() {
    }

    /** The physical address of {@code segment:offset} in real mode. */
    public static long realModeLinear(int segment, int offset, boolean a20) {
        throw new Todo("q09/Segmentation.java");
    }

    /** The fields of a raw 8-byte segment descriptor. */
    public static SegmentDescriptor decode(long raw) {
        throw new Todo("q09/Segmentation.java");
    }

    /** GDT_ENTRY_INIT(flags, base, limit) as a raw u64. */
    public static long gdtEntryInit(int flags, long base, long limit) {
        throw new Todo("q09/Segmentation.java");
    }

    /**
     * The linear address of a {@code size}-byte access at {@code offset} through the segment
     * {@code descriptor}, loaded with {@code selector}.
     */
    public static long linear(SegmentDescriptor descriptor, int selector, long offset, int size) {
        throw new Todo("q09/Segmentation.java");
    }
}
