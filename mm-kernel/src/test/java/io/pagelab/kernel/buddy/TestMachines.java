package io.pagelab.kernel.buddy;

import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.memblock.Memblock;

/** Small hand-made machines for the buddy tests: memory and free ranges given in pfns, node 0. */
final class TestMachines {
    private TestMachines() {
    }

    /**
     * Boots a machine whose memblock memory is {@code memory} and whose free (unreserved) pages are
     * {@code free}; everything else in memory is reserved. Watermarks are 0 (vm.min_free_kbytes = 0),
     * so that hand-computed tests see the buddy algorithm alone.
     */
    static BuddyAllocator boot(long[][] memory, long[][] free) {
        return boot(memory, free, BuddyConfig.defaults().withMinFreeKbytes(0));
    }

    static BuddyAllocator boot(long[][] memory, long[][] free, BuddyConfig config) {
        Memblock mb = new Memblock();
        long maxPfn = 0;
        for (long[] m : memory) {
            mb.addNode(m[0] << 12, (m[1] - m[0]) << 12, 0, 0);
            maxPfn = Math.max(maxPfn, m[1]);
        }
        for (long[] m : memory) {
            long cursor = m[0];
            for (long[] f : free) {
                if (f[1] <= m[0] || f[0] >= m[1]) {
                    continue;
                }
                if (f[0] > cursor) {
                    mb.reserve(cursor << 12, (f[0] - cursor) << 12);
                }
                cursor = Math.max(cursor, f[1]);
            }
            if (cursor < m[1]) {
                mb.reserve(cursor << 12, (m[1] - cursor) << 12);
            }
        }
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, maxPfn, false, sections);
        return MmCoreInit.init(mb, layout, sections, maxPfn, config).allocator();
    }

    /**
     * 16 MiB of DMA32 memory at pfns 0x1000..0x2000 (4096 present pages: mobility grouping on) of
     * which only {@code free} is free.
     */
    static BuddyAllocator dma32(long[]... free) {
        return boot(new long[][] {{0x1000, 0x2000}}, free);
    }
}
