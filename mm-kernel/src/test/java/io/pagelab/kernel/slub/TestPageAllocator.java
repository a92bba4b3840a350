package io.pagelab.kernel.slub;

import io.pagelab.api.PageAllocator;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny page allocator for slab tests: aligned first fit over a bitmap of frames
 * [firstPfn, firstPfn + frames). Not the buddy allocator; it only counts and checks.
 */
final class TestPageAllocator implements PageAllocator {
    private final long firstPfn;
    private final int frames;
    private final BitSet used = new BitSet();
    private final Map<Long, Integer> blocks = new HashMap<>();
    int allocations;
    int frees;

    TestPageAllocator(long firstPfn, int frames) {
        this.firstPfn = firstPfn;
        this.frames = frames;
    }

    @Override
    public long allocPages(int order, int gfp) {
        InvalidArgumentException.check(order >= 0 && order <= 10, "order %s outside 0..10", order);
        int n = 1 << order;
        for (int i = (int) ((-firstPfn) & (n - 1)); i + n <= frames; i += n) {
            if (used.get(i, i + n).isEmpty()) {
                used.set(i, i + n);
                blocks.put(firstPfn + i, order);
                allocations++;
                return firstPfn + i;
            }
        }
        throw new OutOfMemoryException(4096L << order, "no free block of order " + order);
    }

    @Override
    public void freePages(long pfn, int order) {
        Integer o = blocks.get(pfn);
        if (o == null) {
            throw new DoubleFreeException(pfn << 12, "pfn " + Long.toHexString(pfn) + " is not allocated");
        }
        if (o != order) {
            throw new BadAddressException(pfn << 12, "order " + order + " but allocated with " + o);
        }
        blocks.remove(pfn);
        used.clear((int) (pfn - firstPfn), (int) (pfn - firstPfn) + (1 << order));
        frees++;
    }

    @Override
    public int maxOrder() {
        return 10;
    }

    @Override
    public long freePageCount() {
        return frames - used.cardinality();
    }

    @Override
    public long freeBlocks(int order) {
        return 0;
    }

    @Override
    public long managedPages() {
        return frames;
    }

    int blocksInUse() {
        return blocks.size();
    }
}
