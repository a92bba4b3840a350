package io.pagelab.kernel.numa;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.memblock.Memblock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node order of every node's fallback zonelist: {@code __build_all_zonelists()} calling
 * {@code build_zonelists()} for each node, which calls {@code find_next_best_node()} until no
 * node is left (mm/page_alloc.c, Linux 6.13), and the boot line
 * {@code pr_info("Fallback order for Node %d: ")} + {@code pr_cont("%d ")} per node.
 *
 * <pre>
 *  find_next_best_node(local, used):
 *    local itself first; then among the unused nodes n the smallest
 *      val = (node_distance(local, n) + (n &lt; local ? 1 : 0)) * MAX_NUMNODES + node_load[n]
 *    (ties: the lowest node id). "n &lt; local" prefers the next node up;
 *  build_zonelists(local): after picking node, if node_distance(local, node) differs from the
 *    distance of the node picked before it, node_load[node] += 1, so that the first node of each
 *    distance group is penalised and the next node's list starts elsewhere (round robin).
 *  node_load[] is cleared once, before the first node, and accumulates over all nodes.
 * </pre>
 *
 * <p>Differs from Linux on purpose: {@code PENALTY_FOR_NODE_WITH_CPUS} is left out, as every
 * pagelab node has CPUs and the penalty would be added to every candidate alike.
 */
public final class NodeOrder {
    private static final Logger LOG = LoggerFactory.getLogger(NodeOrder.class);

    private NodeOrder() {
    }

    /** {@code __build_all_zonelists()}: for every node, its nodes in fallback order (itself first). */
    public static int[][] build(NumaTopology topology) {
        requireNonNull(topology, "topology");
        int n = topology.nrNodes();
        int[] nodeLoad = new int[n];
        int[][] orders = new int[n][];
        for (int local = 0; local < n; local++) {
            boolean[] used = new boolean[n];
            int[] order = new int[n];
            int nr = 0;
            int prev = local;
            int node;
            while ((node = findNextBestNode(topology, local, used, nodeLoad)) >= 0) {
                if (topology.nodeDistance(local, node) != topology.nodeDistance(local, prev)) {
                    nodeLoad[node]++;
                }
                order[nr++] = node;
                prev = node;
            }
            orders[local] = order;
            LOG.debug("node {} fallback order {}", local, Arrays.toString(order));
        }
        return orders;
    }

    /** {@code find_next_best_node()}: the next node for {@code local}'s zonelist, or -1 when none is left. */
    static int findNextBestNode(NumaTopology topology, int local, boolean[] used, int[] nodeLoad) {
        if (!used[local]) {
            used[local] = true;
            return local;
        }
        long min = Long.MAX_VALUE;
        int best = -1;
        for (int n = 0; n < used.length; n++) {
            if (used[n]) {
                continue;
            }
            long val = topology.nodeDistance(local, n) + (n < local ? 1 : 0);
            val = val * Memblock.MAX_NUMNODES + nodeLoad[n];
            if (val < min) {
                min = val;
                best = n;
            }
        }
        if (best >= 0) {
            used[best] = true;
        }
        return best;
    }

    /** The boot lines {@code Fallback order for Node N: a b c } (each node id followed by a space). */
    public static List<String> fallbackLines(int[][] orders) {
        requireNonNull(orders, "orders");
        List<String> lines = new ArrayList<>();
        for (int nid = 0; nid < orders.length; nid++) {
            StringBuilder sb = new StringBuilder("Fallback order for Node ").append(nid).append(": ");
            for (int node : orders[nid]) {
                sb.append(node).append(' ');
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
