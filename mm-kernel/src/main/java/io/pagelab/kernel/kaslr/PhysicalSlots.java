package io.pagelab.kernel.kaslr;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot scan of arch/x86/boot/compressed/kaslr.c (Linux 6.x): process_e820_entries(),
 * process_mem_region(), mem_avoid_overlap() and store_slot_info(). Every usable e820 entry is cut
 * down to the part above {@code minimum} and below mem_limit, then split around the regions to
 * avoid; each piece with room for the image gives {@code (size - image_size) / align + 1} slots.
 *
 * <pre>
 *  usable  [===========================================================)
 *  minimum        ^ aligned up to CONFIG_PHYSICAL_ALIGN
 *  avoid                    [ZO range......)        [initrd)
 *  pieces         [.........)              [........)      [..........)
 *  a piece is kept only when it holds the image: the piece before an avoided range must be
 *  at least as large as the image (kaslr.c: overlap.start &gt;= region.start + image_size, since
 *  Linux 5.9's off-by-one fix; older kernels dropped a piece exactly the image's size)
 * </pre>
 *
 * <p>Differs from Linux: no EFI memory map (e820 only), no setup_data list, no 1 GiB hugepage
 * reservation; the 100-area limit (MAX_SLOT_AREA) is kept.
 */
public final class PhysicalSlots {
    private static final Logger log = LoggerFactory.getLogger(PhysicalSlots.class);

    private PhysicalSlots() {
    }

    /**
     * The slots find_random_phys_addr() would choose from.
     *
     * @param e820 the firmware memory map; only usable (type 1) entries count
     * @param minimum the lowest load address, rounded up to the alignment here as the kernel does
     * @param imageSize bytes the decompressed kernel needs (output_size)
     * @param avoid the mem_avoid[] ranges
     * @param memLimit mem_limit from mem=/memmap= (-1 for none, compared unsigned)
     * @param config CONFIG_PHYSICAL_ALIGN
     */
    public static SlotTable scan(List<E820Entry> e820, long minimum, long imageSize, List<MemVector> avoid,
                                 long memLimit, KaslrConfig config) {
        long min = config.align(minimum);
        List<SlotArea> areas = new ArrayList<>();
        for (E820Entry entry : e820) {
            if (entry.type() != E820Type.RAM) {
                continue;
            }
            processMemRegion(entry.addr(), entry.size(), min, imageSize, avoid, memLimit, config, areas);
            if (areas.size() == SlotTable.MAX_SLOT_AREA) {
                log.debug("Aborted e820 scan (slot_areas full)!");
                break;
            }
        }
        SlotTable table = new SlotTable(areas, config.physicalAlign());
        log.debug("physical KASLR: {} slots in {} areas, minimum {}, image {}", table.total(), areas.size(),
                hex(min), hex(imageSize));
        return table;
    }

    private static void processMemRegion(long entryStart, long entrySize, long minimum, long imageSize,
                                         List<MemVector> avoid, long memLimit, KaslrConfig config,
                                         List<SlotArea> areas) {
        if (Long.compareUnsigned(entryStart + entrySize, minimum) < 0) {
            return; // entirely below our minimum
        }
        long end = Long.compareUnsigned(entryStart + entrySize, memLimit) < 0 ? entryStart + entrySize : memLimit;
        if (Long.compareUnsigned(entryStart, end) >= 0) {
            return; // above the memory limit
        }
        long curEnd = end;
        long regionStart = entryStart;
        long regionSize = end - entryStart;
        while (areas.size() < SlotTable.MAX_SLOT_AREA) {
            long startOrig = regionStart;
            if (Long.compareUnsigned(regionStart, minimum) < 0) {
                regionStart = minimum;
            }
            regionStart = config.align(regionStart);
            if (Long.compareUnsigned(regionStart, curEnd) > 0) {
                return;
            }
            regionSize -= regionStart - startOrig;
            if (Long.compareUnsigned(regionSize, imageSize) < 0) {
                return;
            }
            MemVector region = new MemVector("region", regionStart, regionSize);
            Optional<MemVector> overlap = lowestOverlap(region, avoid);
            if (overlap.isEmpty()) {
                storeSlotInfo(regionStart, regionSize, imageSize, config, areas);
                return;
            }
            MemVector o = overlap.get();
            log.debug("region {} overlaps {}", region, o);
            if (Long.compareUnsigned(o.start(), regionStart + imageSize) >= 0) {
                storeSlotInfo(regionStart, o.start() - regionStart, imageSize, config, areas);
            }
            if (Long.compareUnsigned(o.end(), regionStart + regionSize) >= 0) {
                return;
            }
            regionSize -= o.start() - regionStart + o.size();
            regionStart = o.end();
        }
    }

    /** mem_avoid_overlap(): of the avoided ranges overlapping {@code img}, the one starting lowest. */
    static Optional<MemVector> lowestOverlap(MemVector img, List<MemVector> avoid) {
        long earliest = img.end();
        MemVector found = null;
        for (MemVector a : avoid) {
            if (img.overlaps(a) && Long.compareUnsigned(a.start(), earliest) < 0) {
                found = a;
                earliest = a.start();
            }
        }
        return Optional.ofNullable(found);
    }

    private static void storeSlotInfo(long start, long size, long imageSize, KaslrConfig config,
                                      List<SlotArea> areas) {
        if (areas.size() == SlotTable.MAX_SLOT_AREA) {
            return;
        }
        long num = Long.divideUnsigned(size - imageSize, config.physicalAlign()) + 1;
        if (num > 0) {
            areas.add(new SlotArea(start, num));
            log.debug("slot area {} x {} from {}", num, hex(config.physicalAlign()), hex(start));
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
