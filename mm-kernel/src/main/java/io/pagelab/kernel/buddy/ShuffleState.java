package io.pagelab.kernel.buddy;

import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.slub.KernelRandom;
import io.pagelab.kernel.zone.MigrateType;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page allocator shuffle of mm/shuffle.c (Linux 6.6, CONFIG_SHUFFLE_PAGE_ALLOCATOR,
 * {@code page_alloc.shuffle=1}): at boot {@code __shuffle_zone()} walks the zone's order-10
 * aligned pfns and swaps every free order-10 block with a randomly chosen one (Fisher–Yates over
 * the free lists, {@code list_swap()}); afterwards {@code shuffle_pick_tail()} decides with one
 * random bit whether a freed order-10 block goes to the head or the tail of its list.
 *
 * <pre>
 *  for i = ALIGN(zone_start, 1024); i &lt; zone_end; i += 1024:
 *      page_i must be a free order-10 block of this zone (else skip)
 *      up to SHUFFLE_RETRY (10) times: j = zone_start + ALIGN_DOWN(random % spanned, 1024)
 *          until j is a free order-10 block other than i (else skip i)
 *      same pageblock migratetype? swap the places of i and j in the lists
 * </pre>
 *
 * <p>Differs from Linux on purpose: the random numbers come from a {@link KernelRandom} seeded by the
 * user ({@link BuddyConfig#shuffleSeed()}), one stream for the whole machine, so a shuffle is
 * reproducible; the swaps are done on an array image of the lists, then the lists are rebuilt in
 * that order (the same result as Linux's in-place list_swap()).
 */
public final class ShuffleState {
    private static final Logger LOG = LoggerFactory.getLogger(ShuffleState.class);

    /** {@code SHUFFLE_ORDER} = MAX_PAGE_ORDER. */
    public static final int SHUFFLE_ORDER = BuddyAllocator.MAX_PAGE_ORDER;
    /** {@code SHUFFLE_RETRY}. */
    public static final int SHUFFLE_RETRY = 10;

    private final KernelRandom random;
    private long rand;
    private int randBits;

    ShuffleState(long seed) {
        this.random = new KernelRandom(seed);
    }

    /** {@code shuffle_pick_tail()}: one bit of a 64-bit random word per call. */
    boolean pickTail() {
        if (randBits == 0) {
            randBits = 64;
            rand = random.getRandomLong();
        }
        boolean ret = (rand & 1) != 0;
        randBits--;
        rand >>>= 1;
        return ret;
    }

    /** {@code shuffle_valid_page()}: a free block of SHUFFLE_ORDER heading at pfn, inside the zone. */
    private static boolean validPage(Zone z, MemMap memMap, long pfn) {
        return z.spans(pfn) && memMap.pfnValid(pfn) && memMap.state(pfn) == FrameState.buddy(SHUFFLE_ORDER);
    }

    /**
     * {@code __shuffle_zone()}.
     *
     * @return the number of swaps done
     */
    int shuffleZone(Zone z, MemMap memMap) {
        int types = MigrateType.MIGRATE_TYPES;
        long[][] lists = new long[types][];
        Map<Long, Integer> where = new HashMap<>();
        for (int mt = 0; mt < types; mt++) {
            lists[mt] = z.freeList(SHUFFLE_ORDER, MigrateType.of(mt));
            for (int k = 0; k < lists[mt].length; k++) {
                where.put(lists[mt][k], mt << 24 | k);
            }
        }
        if (where.isEmpty()) {
            return 0;
        }
        long orderPages = 1L << SHUFFLE_ORDER;
        long spanned = z.spannedPages();
        int swaps = 0;
        for (long i = (z.startPfn() + orderPages - 1) & -orderPages; i < z.endPfn(); i += orderPages) {
            if (!validPage(z, memMap, i)) {
                continue;
            }
            long j = -1;
            int retry;
            for (retry = 0; retry < SHUFFLE_RETRY; retry++) {
                long r = Long.remainderUnsigned(random.getRandomLong(), spanned);
                j = z.startPfn() + (r & -orderPages);
                if (validPage(z, memMap, j) && j != i) {
                    break;
                }
            }
            if (retry >= SHUFFLE_RETRY) {
                LOG.debug("__shuffle_zone: failed to swap {}", Vsprintf.hex(i));
                continue;
            }
            if (memMap.pageblockMigratetype(i) != memMap.pageblockMigratetype(j)) {
                LOG.debug("__shuffle_zone: migratetype mismatch {}", Vsprintf.hex(i));
                continue;
            }
            int wi = where.get(i);
            int wj = where.get(j);
            lists[wi >>> 24][wi & 0xffffff] = j;
            lists[wj >>> 24][wj & 0xffffff] = i;
            where.put(i, wj);
            where.put(j, wi);
            swaps++;
            LOG.debug("__shuffle_zone: swap: {} -> {}", Vsprintf.hex(i), Vsprintf.hex(j));
        }
        for (int mt = 0; mt < types; mt++) {
            for (long pfn : lists[mt]) {
                z.delFromFreeList(pfn, SHUFFLE_ORDER);
            }
            for (long pfn : lists[mt]) {
                z.addToFreeList(pfn, SHUFFLE_ORDER, mt, true);
            }
        }
        return swaps;
    }
}
