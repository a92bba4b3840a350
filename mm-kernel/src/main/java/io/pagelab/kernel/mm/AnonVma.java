package io.pagelab.kernel.mm;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may map an anonymous page: the role of {@code struct anon_vma} and its chain
 * (mm/rmap.c: anon_vma_fork, rmap_walk_anon, Linux 6.6). Every mm gets one node; a forked child's
 * node hangs below its parent's, because the child inherits the parent's pages but the parent
 * never sees pages the child creates later. A page owned by a node may be mapped by that node's
 * mm and by any descendant's.
 *
 * <p>Differs from Linux on purpose: one node per mm instead of one per VMA (an rmap walk may look
 * at VMAs that cannot map the page; it then checks the page table and moves on, as Linux does
 * when an anon_vma is shared by several VMAs). Nodes of exited processes stay in the tree while
 * their descendants live, with no mm.
 */
final class AnonVma {
    final int id;
    final AnonVma parent;
    final List<AnonVma> children = new ArrayList<>();
    Mm mm;

    AnonVma(int id, AnonVma parent, Mm mm) {
        this.id = id;
        this.parent = parent;
        this.mm = mm;
        if (parent != null) {
            parent.children.add(this);
        }
    }

    /** This node's live mm and those of every descendant. */
    void collect(List<Mm> out) {
        if (mm != null) {
            out.add(mm);
        }
        for (AnonVma c : children) {
            c.collect(out);
        }
    }
}
