package io.pagelab.lessons.numa;

import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.numa.NodeOrder;
import io.pagelab.kernel.numa.NumaTopology;
import io.pagelab.kernel.numa.NumaTopology.MemoryRange;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "numa": NUMA nodes ({@code pg_data_t}) from a firmware topology (SRAT memory ranges,
 * SLIT distances) and the zonelists {@code build_zonelists()} / {@code find_next_best_node()}
 * (mm/page_alloc.c, Linux 6.13) order by distance, with the boot lines
 * {@code Fallback order for Node N: ...}. Everything goes through {@link NumaTopology},
 * {@link NodeOrder} and {@link MmCoreInit}.
 *
 * <p>Interview questions: q14, q18.
 *
 * <p>Differs from Linux on purpose: the machines are small (128 MiB per node) and every node has
 * CPUs, so {@code PENALTY_FOR_NODE_WITH_CPUS} plays no part.
 */
public final class NumaLesson implements Lesson {
    private static final long MIB = 1L << 20;

    private static final int[][] TWO = {{10, 20}, {20, 10}};
    private static final int[][] RING = {
        {10, 16, 22, 16},
        {16, 10, 16, 22},
        {22, 16, 10, 16},
        {16, 22, 16, 10},
    };

    @Override
    public String id() {
        return "numa";
    }

    @Override
    public String titleZh() {
        return "NUMA 节点与 zonelist";
    }

    @Override
    public String titleEn() {
        return "NUMA nodes and zonelists";
    }

    @Override
    public List<String> questions() {
        return List.of("q14", "q18");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        twoNodes(ctx);
        ring(ctx);
        summary(ctx);
    }

    private static NumaTopology topology(int[][] slit) {
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

    private static List<String> slit(NumaTopology t) {
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder("node");
        for (int j = 0; j < t.nrNodes(); j++) {
            head.append(String.format(Locale.ROOT, "%5d", j));
        }
        rows.add(head.toString());
        for (int i = 0; i < t.nrNodes(); i++) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%4d", i));
            for (int j = 0; j < t.nrNodes(); j++) {
                sb.append(String.format(Locale.ROOT, "%5d", t.nodeDistance(i, j)));
            }
            sb.append(String.format(Locale.ROOT, "    memory %3d-%3d MiB", i * 128, (i + 1) * 128));
            rows.add(sb.toString());
        }
        return rows;
    }

    private static List<String> zonelists(MmCoreInit.Result r, int nodes) {
        List<String> rows = new ArrayList<>();
        for (int nid = 0; nid < nodes; nid++) {
            List<String> parts = new ArrayList<>();
            for (Zone z : r.allocator().zonelist(nid)) {
                parts.add(z.nid() + ":" + z.name());
            }
            rows.add("node " + nid + ": " + String.join(" → ", parts));
        }
        return rows;
    }

    private void twoNodes(LessonContext ctx) {
        ctx.step("Two nodes: local memory first", "两个节点：先用本地内存");
        ctx.say("On a NUMA machine each CPU socket has its own memory. The kernel calls each part a",
                "node (pg_data_t) with its own zones. Firmware tells it which address ranges belong",
                "to which node (ACPI SRAT) and how far apart the nodes are (ACPI SLIT): 10 means",
                "local, 20 the default for a remote node. A machine with 2 x 128 MiB:",
                "每个 CPU 插槽有自己的内存，内核把它叫做节点（pg_data_t）。",
                "SLIT 距离表：10 表示本地，20 表示远端。");
        NumaTopology t = topology(TWO);
        ctx.diagram("SLIT (node_distance) and SRAT memory", slit(t));
        MmCoreInit.Result r = boot(t);
        ctx.say("At boot build_all_zonelists() gives each node a zonelist: its own zones from the",
                "highest down, then the other nodes' zones. The kernel prints the node order:");
        ctx.kernelLog(r.report().subList(0, 3));
        ctx.diagram("Zonelists (the allocator walks them left to right)", zonelists(r, 2));
        ctx.say("A page asked for on node 1 comes from node 1 while it has free memory above the",
                "watermark; only then does the allocator fall back to node 0 (a \"numa_miss\").",
                "本节点内存不足时，才按 zonelist 顺序退到其他节点。");
    }

    private void ring(LessonContext ctx) {
        ctx.step("Four nodes in a ring", "四节点环");
        NumaTopology t = topology(RING);
        ctx.say("Four sockets in a ring: each node's neighbours are 16 away, the opposite node 22.");
        ctx.diagram("SLIT of the ring", slit(t));
        ctx.say("find_next_best_node() picks the node itself first, then the unused node with the",
                "smallest  val = (distance + (n < local ? 1 : 0)) * MAX_NUMNODES + node_load[n].",
                "MAX_NUMNODES is 1024. After each pick, if its distance differs from the previous",
                "pick's, node_load[pick] += 1: the first node of each distance group gets a penalty,",
                "so that the nodes do not all fall back to the same neighbour. node_load is shared",
                "by all nodes and grows as the lists are built, node 0 first:",
                "距离相同时，node_load 惩罚让各节点轮流选择不同的邻居（round robin）。");
        List<String> rows = new ArrayList<>();
        rows.add("node 0: 1 = 16*1024+0 ties 3 = 16*1024+0, lower id → 1   load[1]=1");
        rows.add("        then 3 (16), then 2 (22)                          load[2]=1");
        rows.add("node 1: 0 = (16+1)*1024 = 17408, 2 = 16*1024+1 = 16385 → 2   load[2]=2");
        rows.add("        then 0, then 3 (22)                               load[3]=1");
        rows.add("node 2: 1 = 17*1024+1 = 17409, 3 = 16*1024+1 = 16385 → 3   load[3]=2");
        rows.add("        then 1, then 0 (22)                               load[0]=1");
        rows.add("node 3: 0 = 17*1024+1 = 17409, 2 = 17*1024+2 = 17410 → 0   load[0]=2");
        rows.add("        then 2, then 1 (22)");
        ctx.diagram("By hand / 手算", rows);
        MmCoreInit.Result r = boot(t);
        ctx.say("The kernel's boot lines agree (each number is followed by a space, as pr_cont(\"%d \")",
                "prints it):");
        ctx.kernelLog(r.report().subList(0, 5));
        ctx.diagram("Zonelists", zonelists(r, 4));
        ctx.say("Node 0 falls back to node 1 first, node 3 to node 0: the neighbours share the load.");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q14  A NUMA node is a CPU socket with its own memory (pg_data_t), with its own zones",
                "     and free lists. Remote memory is slower; SLIT distances say how much.",
                "q18  Each node's zonelist lists its own zones (highest first), then other nodes' in",
                "     distance order (find_next_best_node, with node_load spreading ties). The",
                "     allocator walks it until a zone passes its watermark.",
                "NUMA：先本地节点，再按距离退到远端节点；boot 行 \"Fallback order for Node 0: 0 1 \"。");
    }
}
