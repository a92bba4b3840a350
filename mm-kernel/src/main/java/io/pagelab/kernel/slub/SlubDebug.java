package io.pagelab.kernel.slub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The slub_debug reports, printed the way Linux 6.x mm/slub.c prints them (slab_bug(),
 * print_trailer(), print_section(), check_bytes_and_report(), restore_bytes(), slab_fix()), and
 * the poison values of include/linux/poison.h. One instance stands for the kernel's log and taint
 * state: the first report says "Not tainted", later ones "Tainted: G    B" (TAINT_BAD_PAGE).
 *
 * <pre>
 *  =============================================================================
 *  BUG kmalloc-64 (Not tainted): Right Redzone overwritten
 *  -----------------------------------------------------------------------------
 *
 *  0xffff888000100080-0xffff888000100080 @offset=128. First byte 0x41 instead of 0xcc
 *  Slab 0xffffea0000004000 objects=16 used=1 fp=0xffff888000100140
 *  Object 0xffff888000100040 @offset=64 fp=0xffff888000100140
 *
 *  Redzone  ffff888000100000: cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc  ................
 *  Object   ffff888000100040: 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b  kkkkkkkkkkkkkkkk
 *  ...
 *  FIX kmalloc-64: Restoring Right Redzone 0xffff888000100080-0xffff888000100080=0xcc
 * </pre>
 *
 * Differs from Linux on purpose: pointers are printed in full (as with the no_hash_pointers boot
 * option; %p hashes them otherwise); the "Slab" line omits the page-flags field; tracks print the
 * caller as a hex address (no symbols); checking stops at the first finding and nothing is
 * restored: the simulator throws and leaves memory as the corruption left it, so a lesson can show
 * it. The "FIX" line says what the kernel would restore.
 */
public final class SlubDebug {
    /** POISON_INUSE: padding and never-used bytes of a slab (slub_debug=P). */
    public static final int POISON_INUSE = 0x5a;
    /** POISON_FREE: the bytes of a free object. */
    public static final int POISON_FREE = 0x6b;
    /** POISON_END: the last byte of a poisoned object. */
    public static final int POISON_END = 0xa5;
    /** SLUB_RED_INACTIVE: red zones of free objects. */
    public static final int SLUB_RED_INACTIVE = 0xbb;
    /** SLUB_RED_ACTIVE: red zones of allocated objects. */
    public static final int SLUB_RED_ACTIVE = 0xcc;
    /** VMEMMAP_START on x86-64 4-level paging: struct page (and struct slab) of pfn p is at +64 * p. */
    public static final long VMEMMAP_START = 0xffffea0000000000L;
    /** sizeof(struct page) on x86-64. */
    public static final int STRUCT_PAGE_SIZE = 64;
    /** Taint flags in Linux 6.12 (P F S R M B U D A W C I O E L K X T N). */
    private static final int TAINT_FLAGS_COUNT = 19;
    private static final int TAINT_BAD_PAGE = 5;
    private static final String RULE = "=============================================================================";
    private static final String DASHES = "-----------------------------------------------------------------------------";

    private boolean badPage;
    private final List<String> log = new ArrayList<>();

    /** print_tainted(): "Not tainted", or the taint letters once a SLUB report tainted the kernel. */
    public String printTainted() {
        if (!badPage) {
            return "Not tainted";
        }
        StringBuilder sb = new StringBuilder("Tainted: ");
        for (int i = 0; i < TAINT_FLAGS_COUNT; i++) {
            sb.append(i == 0 ? 'G' : i == TAINT_BAD_PAGE ? 'B' : ' ');
        }
        return sb.toString();
    }

    /** Every report printed so far, oldest first (what dmesg would show). */
    public List<String> reports() {
        return Collections.unmodifiableList(log);
    }

    /** True once a report tainted the kernel with TAINT_BAD_PAGE. */
    public boolean isTainted() {
        return badPage;
    }

    /** Records a finished report and taints the kernel (add_taint(TAINT_BAD_PAGE)). */
    String emit(String report) {
        log.add(report);
        badPage = true;
        return report;
    }

    /** slab_bug(): the three header lines and a blank line. */
    String slabBug(String cacheName, String reason) {
        return RULE + "\n" + "BUG " + cacheName + " (" + printTainted() + "): " + reason + "\n" + DASHES + "\n\n";
    }

    /** "0x" and 16 hex digits, as %px and no_hash_pointers print a pointer. */
    static String ptr(long p) {
        return String.format("0x%016x", p);
    }

    /** The address of the slab's struct slab (its head page's struct page in the vmemmap). */
    static long structSlabAddress(Slab slab) {
        long pfn = (slab.address() - slab.cache().directMap().pageOffset()) >>> 12;
        return VMEMMAP_START + pfn * STRUCT_PAGE_SIZE;
    }

    /** print_slab_info(): "Slab 0x... objects=N used=N fp=0x..." (flags omitted). */
    static String slabInfo(Slab slab) {
        return "Slab " + ptr(structSlabAddress(slab)) + " objects=" + slab.objects() + " used=" + slab.inuse() + " fp="
                + ptr(slab.freelist()) + "\n";
    }

    /** print_track(): "Allocated in 0x... age=N cpu=N pid=N", nothing for an empty track. */
    static String printTrack(String what, Track t, long now) {
        if (t.addr() == 0) {
            return "";
        }
        return what + " in " + ptr(t.addr()) + " age=" + (now - t.when()) + " cpu=" + Integer.toUnsignedString(t.cpu())
                + " pid=" + t.pid() + "\n";
    }

    /**
     * print_trailer(): the tracks, the slab, the object line and the hex dumps of the left red
     * zone (or 16 bytes before), the object, the right red zone and the padding.
     */
    static String printTrailer(Slab slab, long p) {
        KmemCache cache = slab.cache();
        KmemCacheLayout s = cache.layout();
        DirectMap mem = cache.directMap();
        long addr = slab.address();
        StringBuilder sb = new StringBuilder();
        if (s.hasFlag(SlabFlags.SLAB_STORE_USER)) {
            sb.append(printTrack("Allocated", cache.getTrack(p, false), cache.jiffies()));
            sb.append(printTrack("Freed", cache.getTrack(p, true), cache.jiffies()));
        }
        sb.append(slabInfo(slab));
        sb.append("Object ").append(ptr(p)).append(" @offset=").append(p - addr).append(" fp=")
                .append(ptr(cache.getFreepointer(p))).append("\n\n");
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            sb.append(hexDump("Redzone  ", mem, p - s.redLeftPad(), s.redLeftPad()));
        } else if (p > addr + 16) {
            sb.append(hexDump("Bytes b4 ", mem, p - 16, 16));
        }
        sb.append(hexDump("Object   ", mem, p, Math.min(s.objectSize(), 4096)));
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            sb.append(hexDump("Redzone  ", mem, p + s.objectSize(), s.inuse() - s.objectSize()));
        }
        int off = s.paddingOffset();
        if (off != s.sizeFromObject()) {
            sb.append(hexDump("Padding  ", mem, p + off, s.sizeFromObject() - off));
        }
        return sb.toString();
    }

    /**
     * print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_ADDRESS, 16, 1, addr, len, true): 16 bytes per
     * line, the address, the bytes in hex, the printable ones as text from column 49.
     */
    static String hexDump(String prefix, DirectMap mem, long va, int len) {
        byte[] bytes = mem.readBytes(va, len);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i += 16) {
            int n = Math.min(16, len - i);
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    line.append(' ');
                }
                line.append(String.format("%02x", bytes[i + j] & 0xff));
            }
            while (line.length() < 49) {
                line.append(' ');
            }
            for (int j = 0; j < n; j++) {
                int c = bytes[i + j] & 0xff;
                line.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            sb.append(prefix).append(String.format("%016x", va + i)).append(": ").append(line).append('\n');
        }
        return sb.toString();
    }

    /**
     * check_bytes_and_report(): the first byte in [start, start + bytes) that is not {@code value};
     * -1 when all match.
     */
    static long firstMismatch(DirectMap mem, long start, int bytes, int value) {
        if (bytes <= 0) {
            return -1;
        }
        byte[] b = mem.readBytes(start, bytes);
        for (int i = 0; i < bytes; i++) {
            if ((b[i] & 0xff) != value) {
                return start + i;
            }
        }
        return -1;
    }

    /**
     * The report check_bytes_and_report() prints for a mismatch at {@code fault}: the BUG header
     * "&lt;what&gt; overwritten", the faulty range (trailing correct bytes trimmed), the trailer and the
     * FIX line.
     */
    String overwritten(Slab slab, long object, String what, long start, int bytes, int value, long fault) {
        DirectMap mem = slab.cache().directMap();
        long end = start + bytes;
        while (end > fault && mem.readByte(end - 1) == value) {
            end--;
        }
        String name = slab.cache().layout().name();
        String report = slabBug(name, what + " overwritten")
                + ptr(fault) + "-" + ptr(end - 1) + " @offset=" + (fault - slab.address()) + ". First byte "
                + String.format("0x%x instead of 0x%x", mem.readByte(fault), value) + "\n"
                + printTrailer(slab, object)
                + "FIX " + name + ": Restoring " + what + " " + ptr(fault) + "-" + ptr(end - 1) + "="
                + String.format("0x%x", value) + "\n";
        return emit(report);
    }

    /** object_err(): the BUG header with a reason and the trailer of one object. */
    String objectErr(Slab slab, long object, String reason) {
        String name = slab.cache().layout().name();
        String report = slabBug(name, reason);
        if (object == 0 || !slab.checkValidPointer(object)) {
            report += slabInfo(slab) + "Invalid pointer " + ptr(object) + "\n";
        } else {
            report += printTrailer(slab, object);
        }
        return emit(report);
    }

    /** slab_err(): the BUG header with a message and the slab line. */
    String slabErr(Slab slab, String message) {
        return emit(slabBug(slab.cache().layout().name(), message) + slabInfo(slab));
    }
}
