package io.pagelab.api.testkit;

import io.pagelab.api.PageAllocator;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the contract against the simplest allocator that can meet it (a used-frame array searched
 * first-fit, blocks of a size counted on demand), so that the kit itself is known to be satisfiable.
 */
class NaivePageAllocatorTest extends PageAllocatorContract {

    @Override
    protected PageAllocator create() {
        return new Naive(0x1000, 8192);
    }

    /** First fit over {@code [base, base + frames)}; slow, obviously right. */
    static final class Naive implements PageAllocator {
        private final long base;
        private final boolean[] used;
        private final Map<Long, Integer> live = new HashMap<>();

        Naive(long base, int frames) {
            this.base = base;
            this.used = new boolean[frames];
        }

        private static void checkOrder(int order) {
            if (order < 0 || order > 10) {
                throw new InvalidArgumentException("order " + order + " outside 0..10");
            }
        }

        private boolean allFree(long pfn, int n) {
            for (int i = 0; i < n; i++) {
                if (used[(int) (pfn - base) + i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public long allocPages(int order, int gfp) {
            checkOrder(order);
            int n = 1 << order;
            for (long pfn = base; pfn + n <= base + used.length; pfn += n) {
                if (allFree(pfn, n)) {
                    for (int i = 0; i < n; i++) {
                        used[(int) (pfn - base) + i] = true;
                    }
                    live.put(pfn, order);
                    return pfn;
                }
            }
            throw new OutOfMemoryException(4096L << order, "no free block of order " + order);
        }

        @Override
        public void freePages(long pfn, int order) {
            checkOrder(order);
            if (pfn < base || pfn >= base + used.length) {
                throw new BadAddressException(pfn << 12, "pfn 0x" + Long.toHexString(pfn) + " not managed");
            }
            if ((pfn & ((1L << order) - 1)) != 0) {
                throw new BadAddressException(pfn << 12, "pfn 0x" + Long.toHexString(pfn) + " misaligned");
            }
            Integer o = live.get(pfn);
            if (o == null) {
                if (!used[(int) (pfn - base)]) {
                    throw new DoubleFreeException(pfn << 12, "pfn 0x" + Long.toHexString(pfn) + " is free");
                }
                throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " is inside another block");
            }
            if (o != order) {
                throw new InvalidArgumentException("pfn 0x" + Long.toHexString(pfn) + " has order " + o);
            }
            live.remove(pfn);
            for (int i = 0; i < (1 << order); i++) {
                used[(int) (pfn - base) + i] = false;
            }
        }

        @Override
        public int maxOrder() {
            return 10;
        }

        @Override
        public long freePageCount() {
            long n = 0;
            for (boolean u : used) {
                n += u ? 0 : 1;
            }
            return n;
        }

        @Override
        public long freeBlocks(int order) {
            checkOrder(order);
            int n = 1 << order;
            long count = 0;
            for (long pfn = base; pfn + n <= base + used.length; pfn += n) {
                // a maximal free block: all free, and its parent is not (or it has the largest order)
                long parent = pfn & -(2L * n);
                if (allFree(pfn, n) && (order == 10 || !allFree(parent, 2 * n))) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public long managedPages() {
            return used.length;
        }
    }
}
