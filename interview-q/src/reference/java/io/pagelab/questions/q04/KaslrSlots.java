package io.pagelab.questions.q04;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Q4 kernel映像如何隐匿自己的位置？ How does the kernel image hide its location? (reference solution)
 *
 * <p>Models arch/x86/boot/compressed/kaslr.c (Linux 6.x): process_e820_entries(),
 * process_mem_region(), mem_avoid_overlap(), store_slot_info(), slots_fetch_random() and
 * find_random_virt_addr(), without mem_limit, the 100-area cap and the 1 GiB hugepage logic. A piece
 * before an avoided range is kept when it is at least the image size (Linux 5.9+, commit 8d1cf8595860).
 */
public final class KaslrSlots {

    private KaslrSlots() {
    }

    /** A physical range {@code [start, start + size)} the kernel must not overlap. */
    public record Range(long start, long size) {
    }

    /** {@code num} slots {@code addr, addr + align, ...}. */
    public record Area(long addr, long num) {
    }

    public static List<Area> slotAreas(List<E820Entry> e820, long minimum, long imageSize, long align,
                                       List<Range> avoid) {
        long min = alignUp(minimum, align);
        List<Area> areas = new ArrayList<>();
        for (E820Entry e : e820) {
            if (e.type() != E820Type.RAM || e.addr() + e.size() < min) {
                continue;
            }
            long entryEnd = e.addr() + e.size();
            long start = e.addr();
            long size = e.size();
            while (true) {
                long orig = start;
                start = alignUp(Math.max(start, min), align);
                if (start > entryEnd) {
                    break;
                }
                size -= start - orig;
                if (size < imageSize) {
                    break;
                }
                Range overlap = lowestOverlap(start, size, avoid);
                if (overlap == null) {
                    store(areas, start, size, imageSize, align);
                    break;
                }
                if (overlap.start() >= start + imageSize) {
                    store(areas, start, overlap.start() - start, imageSize, align);
                }
                if (overlap.start() + overlap.size() >= start + size) {
                    break;
                }
                size -= overlap.start() - start + overlap.size();
                start = overlap.start() + overlap.size();
            }
        }
        return areas;
    }

    private static Range lowestOverlap(long start, long size, List<Range> avoid) {
        Range found = null;
        long earliest = start + size;
        for (Range r : avoid) {
            boolean overlaps = !(start + size <= r.start()) && !(start >= r.start() + r.size());
            if (overlaps && r.start() < earliest) {
                found = r;
                earliest = r.start();
            }
        }
        return found;
    }

    private static void store(List<Area> areas, long start, long size, long imageSize, long align) {
        areas.add(new Area(start, (size - imageSize) / align + 1));
    }

    public static long physicalAddress(List<Area> areas, long align, long random) {
        long total = 0;
        for (Area a : areas) {
            total += a.num();
        }
        if (total == 0) {
            return 0;
        }
        long slot = Long.remainderUnsigned(random, total);
        for (Area a : areas) {
            if (slot < a.num()) {
                return a.addr() + slot * align;
            }
            slot -= a.num();
        }
        throw new AssertionError("slot beyond the areas");
    }

    public static long virtualSlots(long minimum, long imageSize, long kernelImageSize, long align) {
        return (kernelImageSize - alignUp(minimum, align) - alignUp(imageSize, align)) / align + 1;
    }

    public static long virtualOffset(long minimum, long imageSize, long kernelImageSize, long align, long random) {
        long slots = virtualSlots(minimum, imageSize, kernelImageSize, align);
        return Long.remainderUnsigned(random, slots) * align + alignUp(minimum, align);
    }

    private static long alignUp(long x, long align) {
        return (x + align - 1) & -align;
    }
}
