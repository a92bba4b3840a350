package io.pagelab.kernel.compaction;

import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.zone.ZoneType;

/**
 * A DMA32 zone over pfns 0x1000..0x2000 whose only free pages are blocks of {@code 1 << order} pages
 * at every {@code stride}-th pfn (each block's buddy reserved, so nothing merges), with
 * vm.min_free_kbytes = 0.
 */
final class CraftedZones {
    static final long START = 0x1000;
    static final long END = 0x2000;

    private CraftedZones() {
    }

    static Zone isolatedBlocks(int count, int order, int stride) {
        Memblock mb = new Memblock();
        mb.addNode(START << 12, (END - START) << 12, 0, 0);
        long cursor = START;
        for (int i = 0; i < count; i++) {
            long free = START + (long) i * stride;
            if (free > cursor) {
                mb.reserve(cursor << 12, (free - cursor) << 12);
            }
            cursor = free + (1L << order);
        }
        mb.reserve(cursor << 12, (END - cursor) << 12);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, END, false, sections);
        BuddyAllocator buddy = MmCoreInit.init(mb, layout, sections, END,
                BuddyConfig.defaults().withMinFreeKbytes(0)).allocator();
        return buddy.zone(0, ZoneType.DMA32);
    }
}
