package io.pagelab.kernel.numa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.numa.NumaTopology.MemoryRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * build_zonelists() / find_next_best_node() of mm/page_alloc.c (Linux 6.13) on hand-worked SLITs.
 * val = (distance + (n &lt; local)) * MAX_NUMNODES + node_load[n]; node_load[node]++ when the
 * picked node's distance differs from the previous pick's; node_load accumulates over nodes.
 */
class NodeOrderTest {

    private static final long MIB = 1L << 20;

    /** The 4-node ring: neighbours at 16, the opposite node at 22. */
    private static final int[][] RING = {
        {10, 16, 22, 16},
        {16, 10, 16, 22},
        {22, 16, 10, 16},
        {16, 22, 16, 10},
    };

    private static NumaTopology nodesOf128MiB(int[][] slit) {
        List<MemoryRange> ranges = new ArrayList<>();
        for (int nid = 0; nid < slit.length; nid++) {
            ranges.add(new MemoryRange(nid, nid * 128 * MIB, (nid + 1) * 128 * MIB));
        }
        return new NumaTopology(ranges, slit);
    }

    private static MmCoreInit.Result boot(NumaTopology topology) {
        Memblock mb = new Memblock();
        long end = topology.nrNodes() * 128 * MIB;
        mb.add(0, end);
        mb.reserve(0, MIB);
        topology.applyTo(mb);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, end >>> 12, false, sections);
        return MmCoreInit.init(mb, layout, sections, end >>> 12, BuddyConfig.defaults(), topology);
    }

    @Test
    void twoNodesAtTenAndTwentyEachFallBackToTheOther() {
        // node 0: itself, then node 1 (the only one left); node 1 likewise: 1 then 0
        int[][] orders = NodeOrder.build(nodesOf128MiB(new int[][] {{10, 20}, {20, 10}}));
        assertThat(NodeOrder.fallbackLines(orders))
                .containsExactly("Fallback order for Node 0: 0 1 ", "Fallback order for Node 1: 1 0 ");
    }

    @Test
    void theRingOrdersNeighboursRoundRobinAndTheOppositeNodeLast() {
        // node 0: 1 (16*1024+0) ties 3 (16*1024+0), lowest id wins → 1, load[1]=1; then 3; then 2,
        //         load[2]=1                                                          → 0 1 3 2
        // node 1: 0 = (16+1)*1024 = 17408, 2 = 16*1024+1 = 16385 → 2, load[2]=2; 0; 3, load[3]=1 → 1 2 0 3
        // node 2: 1 = 17*1024+1 = 17409, 3 = 16*1024+1 = 16385 → 3, load[3]=2; 1; 0, load[0]=1 → 2 3 1 0
        // node 3: 0 = 17*1024+1 = 17409, 2 = 17*1024+2 = 17410 → 0, load[0]=2; 2; 1              → 3 0 2 1
        int[][] orders = NodeOrder.build(nodesOf128MiB(RING));
        assertThat(NodeOrder.fallbackLines(orders)).containsExactly(
                "Fallback order for Node 0: 0 1 3 2 ",
                "Fallback order for Node 1: 1 2 0 3 ",
                "Fallback order for Node 2: 2 3 1 0 ",
                "Fallback order for Node 3: 3 0 2 1 ");
    }

    @Test
    void bootPrintsTheFallbackLinesBeforeBuiltZonelists() {
        // 2 x 128 MiB minus nothing: present = 65536 pages (the first MiB is present, only reserved)
        MmCoreInit.Result r = boot(nodesOf128MiB(new int[][] {{10, 20}, {20, 10}}));
        assertThat(r.report().subList(0, 3)).containsExactly("Fallback order for Node 0: 0 1 ",
                "Fallback order for Node 1: 1 0 ", "Built 2 zonelists, mobility grouping on.  Total pages: 65536");
    }

    @Test
    void theZonelistsFollowTheRingOrder() {
        // node 0 (0-128 MiB) has DMA (below 16 MiB) and DMA32; the others only DMA32
        MmCoreInit.Result r = boot(nodesOf128MiB(RING));
        assertThat(r.allocator().zonelist(1)).extracting(z -> z.nid() + ":" + z.name())
                .containsExactly("1:DMA32", "2:DMA32", "0:DMA32", "0:DMA", "3:DMA32");
        assertThat(r.allocator().zonelist(3)).extracting(z -> z.nid() + ":" + z.name())
                .containsExactly("3:DMA32", "0:DMA32", "0:DMA", "2:DMA32", "1:DMA32");
    }

    @Test
    void aSlitWithoutTenOnTheDiagonalIsRejected() {
        assertThatThrownBy(() -> nodesOf128MiB(new int[][] {{10, 20}, {20, 12}}))
                .hasMessageContaining("SLIT[1][1] = 12: the diagonal must be 10");
    }

    @Test
    void aRemoteDistanceAbove255IsRejected() {
        assertThatThrownBy(() -> nodesOf128MiB(new int[][] {{10, 256}, {20, 10}}))
                .hasMessageContaining("SLIT[0][1] = 256: remote distances must lie in 10..255");
    }

    @Test
    void anAsymmetricSlitIsAccepted() {
        assertThat(nodesOf128MiB(new int[][] {{10, 20}, {30, 10}}).nodeDistance(1, 0)).isEqualTo(30);
    }

    @Test
    void aNodeWithoutMemoryIsRejected() {
        assertThatThrownBy(() -> new NumaTopology(List.of(new MemoryRange(0, 0, 128 * MIB)),
                new int[][] {{10, 20}, {20, 10}})).hasMessageContaining("node 1 has no memory range");
    }
}
