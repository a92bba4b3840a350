package io.pagelab.kernel.numa;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.memblock.Memblock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NUMA topology as firmware describes it: the memory ranges of each node (ACPI SRAT memory
 * affinity entries) and the node distance matrix (ACPI SLIT), read by
 * {@code numa_init()} / {@code acpi_numa_init()} (arch/x86/mm/numa.c, drivers/acpi/numa/srat.c,
 * Linux 6.13) and exposed through {@code node_distance()}.
 *
 * <p>Validated as the kernel's {@code numa_alloc_distance()} / {@code slit_valid()} expect: the
 * matrix is square, one row per node, the diagonal is {@code LOCAL_DISTANCE} (10), every other
 * entry lies in 10..255. Symmetry is not required (Linux accepts asymmetric SLITs). Every node
 * has at least one memory range.
 *
 * <p>Differs from Linux on purpose: nodes are numbered 0..n-1 without holes, and a node without
 * memory (a CPU-only node) cannot be described; every node is taken to have CPUs.
 */
public record NumaTopology(List<MemoryRange> memory, int[][] distance) {
    private static final Logger LOG = LoggerFactory.getLogger(NumaTopology.class);

    /** {@code LOCAL_DISTANCE}: a node's distance to itself (include/linux/topology.h). */
    public static final int LOCAL_DISTANCE = 10;
    /** {@code REMOTE_DISTANCE}: the default distance between two nodes without a SLIT. */
    public static final int REMOTE_DISTANCE = 20;
    /** The largest distance a SLIT entry can hold (one byte; 255 means unreachable). */
    public static final int MAX_DISTANCE = 255;

    /** One SRAT memory affinity entry: physical addresses [start, end) belong to node {@code nid}. */
    public record MemoryRange(int nid, long start, long end) {
        public MemoryRange {
            checkArgument(nid >= 0, "node id %s is negative: node ids start at 0", nid);
            checkArgument(start >= 0 && start < end && (start & 0xfff) == 0 && (end & 0xfff) == 0,
                    "memory range [%s, %s) of node %s must be non-empty, non-negative and page aligned",
                    start, end, nid);
        }
    }

    public NumaTopology {
        requireNonNull(memory, "memory");
        requireNonNull(distance, "distance");
        int n = distance.length;
        checkArgument(n >= 1 && n <= Memblock.MAX_NUMNODES, "SLIT has %s rows: 1..%s nodes allowed", n,
                Memblock.MAX_NUMNODES);
        int[][] copy = new int[n][];
        for (int i = 0; i < n; i++) {
            checkArgument(distance[i] != null && distance[i].length == n,
                    "SLIT row %s has %s entries: the matrix must be %sx%s", i,
                    distance[i] == null ? 0 : distance[i].length, n, n);
            for (int j = 0; j < n; j++) {
                int d = distance[i][j];
                if (i == j) {
                    checkArgument(d == LOCAL_DISTANCE, "SLIT[%s][%s] = %s: the diagonal must be %s", i, j, d,
                            LOCAL_DISTANCE);
                } else {
                    checkArgument(d >= LOCAL_DISTANCE && d <= MAX_DISTANCE,
                            "SLIT[%s][%s] = %s: remote distances must lie in %s..%s", i, j, d, LOCAL_DISTANCE,
                            MAX_DISTANCE);
                }
            }
            copy[i] = distance[i].clone();
        }
        boolean[] hasMemory = new boolean[n];
        for (MemoryRange r : memory) {
            requireNonNull(r, "memory range");
            checkArgument(r.nid() < n, "memory range [%s, %s) names node %s but the SLIT has %s nodes (0..%s)",
                    r.start(), r.end(), r.nid(), n, n - 1);
            hasMemory[r.nid()] = true;
        }
        for (int i = 0; i < n; i++) {
            checkArgument(hasMemory[i], "node %s has no memory range: every node needs one", i);
        }
        memory = List.copyOf(memory);
        distance = copy;
    }

    /** Without a SLIT: every remote pair at {@code REMOTE_DISTANCE}, as {@code __node_distance()} defaults. */
    public static NumaTopology withoutSlit(List<MemoryRange> memory, int nrNodes) {
        int[][] d = new int[nrNodes][nrNodes];
        for (int i = 0; i < nrNodes; i++) {
            for (int j = 0; j < nrNodes; j++) {
                d[i][j] = i == j ? LOCAL_DISTANCE : REMOTE_DISTANCE;
            }
        }
        return new NumaTopology(memory, d);
    }

    /** The number of nodes. */
    public int nrNodes() {
        return distance.length;
    }

    /** {@code node_distance(from, to)}: the SLIT entry. */
    public int nodeDistance(int from, int to) {
        checkArgument(from >= 0 && from < nrNodes() && to >= 0 && to < nrNodes(),
                "node_distance(%s, %s): node ids must lie in 0..%s", from, to, nrNodes() - 1);
        return distance[from][to];
    }

    /** A copy of the distance matrix. */
    @Override
    public int[][] distance() {
        int[][] copy = new int[distance.length][];
        for (int i = 0; i < distance.length; i++) {
            copy[i] = distance[i].clone();
        }
        return copy;
    }

    /**
     * {@code numa_register_memblks()}: {@code memblock_set_node()} for every range, so that the
     * memory memblock already holds carries the node ids of this topology.
     */
    public void applyTo(Memblock memblock) {
        requireNonNull(memblock, "memblock");
        for (MemoryRange r : memory) {
            memblock.setNode(r.start(), r.end() - r.start(), r.nid());
        }
        LOG.debug("applied {} memory ranges of {} nodes to memblock", memory.size(), nrNodes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumaTopology && memory.equals(((NumaTopology) o).memory)
                && Arrays.deepEquals(distance, ((NumaTopology) o).distance);
    }

    @Override
    public int hashCode() {
        return memory.hashCode() * 31 + Arrays.deepHashCode(distance);
    }

    @Override
    public String toString() {
        List<String> rows = new ArrayList<>();
        for (int[] row : distance) {
            rows.add(Arrays.toString(row));
        }
        return "NumaTopology[memory=" + memory + ", distance=" + rows + "]";
    }
}
