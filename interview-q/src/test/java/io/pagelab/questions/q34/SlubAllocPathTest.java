package io.pagelab.questions.q34;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q34.SlubAllocPath.Allocation;
import io.pagelab.questions.q34.SlubAllocPath.Slab;
import io.pagelab.questions.q34.SlubAllocPath.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q34 SLUB如何管理内存的？ How does SLUB manage memory?
 *
 * <p>Scenes are set up by hand on one CPU and the expected traces follow mm/slub.c, Linux 6.8+
 * (reference linux-reference.md §4.3-§4.4 and the seed digest's Q34 row): the fast path pops
 * c->freelist; ___slab_alloc() then tries the CPU slab's own freelist (get_freelist), the CPU
 * partial list, get_partial_node() (which moves further node slabs to the head of the CPU partial
 * list until more than cpu_partial_slabs / 2 were moved) and finally new_slab(). Slab i's object j
 * is at 0x10000 * i + 0x40 * j (64-byte objects).
 */
@Grader(id = "q34")
@DisplayName("Q34 SLUB allocation path: CPU freelist, CPU slab, CPU partial, node partial, new slab")
class SlubAllocPathTest {

    static long obj(int slab, int index) {
        return 0x10000L * slab + 0x40L * index;
    }

    /** A slab whose listed objects are free, in that order. */
    static Slab slab(String name, int number, int... freeIndices) {
        long[] objects = new long[freeIndices.length];
        for (int i = 0; i < freeIndices.length; i++) {
            objects[i] = obj(number, freeIndices[i]);
        }
        return new Slab(name, objects);
    }

    /** new_slab() that counts its calls; each new slab has 4 free objects in address order. */
    static final class PageAllocator implements Supplier<Slab> {
        int calls;

        @Override
        public Slab get() {
            calls++;
            return slab("new" + calls, 8 + calls, 0, 1, 2, 3);
        }
    }

    static List<String> names(Iterable<Slab> slabs) {
        List<String> names = new ArrayList<>();
        slabs.forEach(s -> names.add(s.name()));
        return names;
    }

    @Test
    @Points(2)
    @Hint("slab_alloc_node(): when c->freelist is not empty, the object is its head; nothing else moves.")
    void aNonEmptyCpuFreelistServesTheFastPath() {
        PageAllocator pages = new PageAllocator();
        SlubAllocPath s = new SlubAllocPath(4, pages);
        Slab a = slab("A", 1);
        s.setCpuSlab(a);
        s.cpuFreelist().addAll(List.of(obj(1, 3), obj(1, 0), obj(1, 7)));

        assertThat(s.alloc()).as("allocation with c->freelist = [A3, A0, A7]")
                .isEqualTo(new Allocation(obj(1, 3), Source.ALLOC_FASTPATH));
        assertThat(s.cpuFreelist()).as("c->freelist afterwards").containsExactly(obj(1, 0), obj(1, 7));
        assertThat(s.cpuSlab()).as("c->slab afterwards").containsSame(a);
        assertThat(pages.calls).as("new_slab() calls").isZero();
    }

    @Test
    @Points(3)
    @Hint("When c->freelist is empty, objects other CPUs freed into the CPU slab wait on slab->freelist: "
            + "get_freelist() takes that whole list for the CPU (ALLOC_REFILL).")
    void anEmptyCpuFreelistIsRefilledFromTheCpuSlabsOwnFreelist() {
        SlubAllocPath s = new SlubAllocPath(4, new PageAllocator());
        Slab a = slab("A", 1, 5, 2); // two objects freed by other CPUs
        s.setCpuSlab(a);

        assertThat(s.alloc()).as("allocation with an empty c->freelist")
                .isEqualTo(new Allocation(obj(1, 5), Source.ALLOC_REFILL));
        assertThat(a.freelist()).as("slab A's own freelist after the refill").isEmpty();
        assertThat(s.cpuFreelist()).as("c->freelist after the refill").containsExactly(obj(1, 2));
        assertThat(s.alloc()).as("the next allocation")
                .isEqualTo(new Allocation(obj(1, 2), Source.ALLOC_FASTPATH));
    }

    @Test
    @Points(3)
    @Hint("A CPU slab with no free object at all is dropped (full slabs sit on no list); the head of "
            + "the CPU partial list becomes the CPU slab (CPU_PARTIAL_ALLOC).")
    void aFullCpuSlabIsDroppedAndTheCpuPartialHeadTakesOver() {
        SlubAllocPath s = new SlubAllocPath(4, new PageAllocator());
        s.setCpuSlab(slab("A", 1)); // full
        Slab p = slab("P", 2, 6, 1);
        Slab q = slab("Q", 3, 0);
        s.cpuPartial().addAll(List.of(p, q));

        assertThat(s.alloc()).as("allocation with a full CPU slab and CPU partial list [P, Q]")
                .isEqualTo(new Allocation(obj(2, 6), Source.CPU_PARTIAL_ALLOC));
        assertThat(s.cpuSlab()).as("c->slab afterwards").containsSame(p);
        assertThat(s.cpuFreelist()).as("c->freelist afterwards").containsExactly(obj(2, 1));
        assertThat(names(s.cpuPartial())).as("CPU partial list afterwards").containsExactly("Q");
        assertThat(s.nodePartial()).as("node partial list (the full slab A is not put there)").isEmpty();
    }

    @Test
    @Points(3)
    @Hint("get_partial_node() gives the CPU the first node slab and pushes the following ones onto the "
            + "head of the CPU partial list, stopping once more than cpu_partial_slabs / 2 were moved.")
    void theNodePartialListFeedsTheCpuSlabAndRefillsTheCpuPartialList() {
        PageAllocator pages = new PageAllocator();
        SlubAllocPath s = new SlubAllocPath(4, pages);
        s.nodePartial().addAll(List.of(slab("B", 1, 4, 9), slab("C", 2, 0), slab("D", 3, 0), slab("E", 4, 0),
                slab("F", 5, 0)));

        // B for the CPU; then C (1 moved, 1 > 4/2? no), D (2 > 2? no), E (3 > 2: stop). F stays.
        assertThat(s.alloc()).as("allocation with only node partial slabs [B, C, D, E, F]")
                .isEqualTo(new Allocation(obj(1, 4), Source.ALLOC_FROM_PARTIAL));
        assertThat(s.cpuSlab().map(Slab::name)).as("c->slab afterwards").contains("B");
        assertThat(s.cpuFreelist()).as("c->freelist afterwards").containsExactly(obj(1, 9));
        assertThat(names(s.cpuPartial())).as("CPU partial list, head first (each pushed on the head)")
                .containsExactly("E", "D", "C");
        assertThat(names(s.nodePartial())).as("node partial list afterwards").containsExactly("F");
        assertThat(pages.calls).as("new_slab() calls").isZero();
    }

    @Test
    @Points(2)
    @Hint("With cpu_partial_slabs = 0 there are no per-CPU partial lists: get_partial_node() takes just "
            + "the first node slab.")
    void withoutCpuPartialListsOnlyOneNodeSlabIsTaken() {
        SlubAllocPath s = new SlubAllocPath(0, new PageAllocator());
        s.nodePartial().addAll(List.of(slab("B", 1, 2), slab("C", 2, 0)));

        assertThat(s.alloc()).as("allocation with node partial slabs [B, C] and cpu_partial_slabs 0")
                .isEqualTo(new Allocation(obj(1, 2), Source.ALLOC_FROM_PARTIAL));
        assertThat(s.cpuPartial()).as("CPU partial list afterwards").isEmpty();
        assertThat(names(s.nodePartial())).as("node partial list afterwards").containsExactly("C");
    }

    @Test
    @Points(2)
    @Hint("Only when the CPU slab, the CPU partial list and the node partial list have nothing left "
            + "does SLUB call new_slab() (ALLOC_SLAB): one call, and its objects fill c->freelist.")
    void withNothingLeftANewSlabComesFromThePageAllocator() {
        PageAllocator pages = new PageAllocator();
        SlubAllocPath s = new SlubAllocPath(4, pages);

        assertThat(s.alloc()).as("allocation in an empty cache")
                .isEqualTo(new Allocation(obj(9, 0), Source.ALLOC_SLAB));
        assertThat(pages.calls).as("new_slab() calls").isEqualTo(1);
        assertThat(s.cpuSlab().map(Slab::name)).as("c->slab afterwards").contains("new1");
        assertThat(s.cpuFreelist()).as("c->freelist afterwards").containsExactly(obj(9, 1), obj(9, 2), obj(9, 3));
    }

    @Test
    @Points(3)
    @Hint("Follow the order every time: c->freelist, the CPU slab's freelist, the CPU partial list, the "
            + "node partial list (refilling the CPU partial list), new_slab().")
    void aLongTraceVisitsEveryStepInTheKernelsOrder() {
        PageAllocator pages = new PageAllocator();
        SlubAllocPath s = new SlubAllocPath(2, pages); // moves stop once more than 2 / 2 = 1 was moved
        Slab a = slab("A", 1, 3); // one object freed remotely into the CPU slab
        s.setCpuSlab(a);
        s.cpuFreelist().addAll(List.of(obj(1, 0), obj(1, 1)));
        s.cpuPartial().add(slab("P", 2, 0));
        s.nodePartial().addAll(List.of(slab("N1", 3, 0, 1), slab("N2", 4, 0)));

        List<Allocation> trace = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            trace.add(s.alloc());
        }

        // 1-2 A0, A1 from c->freelist; 3 A3 refilled from A's freelist; 4 A is full: P from the CPU
        // partial list; 5 P full: N1 from the node, N2 moved to the CPU partial list (1 moved, not > 1,
        // but the node list is empty); 6 N1's second object; 7 N1 full: N2 from the CPU partial list;
        // 8 N2 full, nothing left: a new slab; 9 its second object.
        assertThat(trace).as("nine allocations").containsExactly(
                new Allocation(obj(1, 0), Source.ALLOC_FASTPATH),
                new Allocation(obj(1, 1), Source.ALLOC_FASTPATH),
                new Allocation(obj(1, 3), Source.ALLOC_REFILL),
                new Allocation(obj(2, 0), Source.CPU_PARTIAL_ALLOC),
                new Allocation(obj(3, 0), Source.ALLOC_FROM_PARTIAL),
                new Allocation(obj(3, 1), Source.ALLOC_FASTPATH),
                new Allocation(obj(4, 0), Source.CPU_PARTIAL_ALLOC),
                new Allocation(obj(9, 0), Source.ALLOC_SLAB),
                new Allocation(obj(9, 1), Source.ALLOC_FASTPATH));
        assertThat(pages.calls).as("new_slab() calls over the trace").isEqualTo(1);
    }
}
