package io.pagelab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.SimulationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link PageTable}, for every architecture: an implementation's test extends this
 * class and says how to build an empty table and which addresses it can map.
 *
 * <pre>
 * class X86PageTableTest extends PageTableContract {
 *     protected PageTable create() { return X86PageTable.create(ram, pool); }
 *     protected List&lt;Long&gt; addressWindows() { return List.of(0L, 0xffff800000000000L); }
 *     protected long unmappableAddress() { return 0x0000800000000000L; }    // non-canonical
 *     protected long firstPfnBeyondPhysicalLimit() { return 1L &lt;&lt; (46 - 12); }
 *     protected Prot expectedProt(Prot p) { ... }                            // what x86 can express
 * }
 * </pre>
 *
 * Besides one test per rule of the interface's contract, a randomized test runs thousands of map,
 * unmap, protect, translate and lookup calls per seed against a plain {@link HashMap} of pages and
 * requires zero disagreements; the failure names the seed and the operation.
 */
public abstract class PageTableContract {
    protected static final long SIZE_4K = 4096L;
    protected static final long SIZE_2M = 2L << 20;
    protected static final long SIZE_4M = 4L << 20;
    protected static final long SIZE_1G = 1L << 30;
    private static final long[] HUGE_CANDIDATES = {SIZE_2M, SIZE_4M, SIZE_1G};

    protected PageTable table;

    /** A new, empty table. */
    protected abstract PageTable create();

    /**
     * Starts of 1 GiB windows of virtual addresses the table can map, each 1 GiB-aligned; at least
     * one. The first is used by the single-rule tests, all of them by the randomized test. Cover the
     * interesting corners: the bottom of the user half, the top of the user half, the kernel half.
     */
    protected abstract List<Long> addressWindows();

    /** An address no page can ever be mapped at (non-canonical on x86-64, above 4 GiB on 32-bit x86). */
    protected abstract long unmappableAddress();

    /** The lowest pfn whose page lies beyond the physical addresses the table can hold. */
    protected abstract long firstPfnBeyondPhysicalLimit();

    /**
     * The rights {@link PageTable#lookup} reports for a page mapped with {@code requested}: the same
     * by default; an architecture that cannot express a combination widens it (never narrows).
     */
    protected Prot expectedProt(Prot requested) {
        return requested;
    }

    /** Operations per seed in the randomized test (four seeds run). */
    protected int randomOperations() {
        return 3000;
    }

    @BeforeEach
    protected void createTable() {
        table = create();
    }

    private long base() {
        return addressWindows().get(0);
    }

    private List<Long> hugeSizes() {
        List<Long> sizes = new ArrayList<>();
        for (long s : HUGE_CANDIDATES) {
            if (table.supportsPageSize(s)) {
                sizes.add(s);
            }
        }
        return sizes;
    }

    // ---- 4 KiB pages ----

    @Test
    void fourKilobytePagesAreAlwaysSupported() {
        assertThat(table.supportsPageSize(SIZE_4K)).isTrue();
    }

    @Test
    void aMappedPageTranslatesEveryByteOfItAndNothingBeyond() {
        long va = base() + 0x5000;
        table.map(va, 0x1234, Prot.USER_RW);
        assertThat(table.translate(va)).as("first byte").isEqualTo(0x1234000L);
        assertThat(table.translate(va + 0x123)).as("offset 0x123 kept").isEqualTo(0x1234123L);
        assertThat(table.translate(va + 0xfff)).as("last byte").isEqualTo(0x1234fffL);
        assertThat(table.translate(va + 0x1000)).as("next page is not mapped").isEqualTo(PageTable.NOT_MAPPED);
        assertThat(table.translate(va - 1)).as("previous page is not mapped").isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void anEmptyTableMapsNothing() {
        for (long w : addressWindows()) {
            assertThat(table.translate(w)).isEqualTo(PageTable.NOT_MAPPED);
            assertThat(table.lookup(w + 0x7000)).isEmpty();
            assertThat(table.unmap(w)).isEqualTo(PageTable.NOT_MAPPED);
        }
    }

    @Test
    void lookupReturnsThePageStartFrameSizeAndRights() {
        long va = base() + 0x9000;
        table.map(va, 0x42, Prot.USER_RX);
        assertThat(table.lookup(va + 0x10))
                .contains(new PageMapping(va, 0x42, SIZE_4K, expectedProt(Prot.USER_RX)));
    }

    @Test
    void unmapReturnsTheFrameAndForgetsThePage() {
        long va = base() + 0x3000;
        table.map(va, 0x777, Prot.KERNEL_RW);
        assertThat(table.unmap(va + 0x800)).as("any address inside the page unmaps it").isEqualTo(0x777L);
        assertThat(table.translate(va)).isEqualTo(PageTable.NOT_MAPPED);
        assertThat(table.lookup(va)).isEmpty();
        assertThat(table.unmap(va)).as("second unmap finds nothing").isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void neighbouringPagesAreIndependent() {
        long va = base() + 0x10000;
        table.map(va, 0x100, Prot.USER_R);
        table.map(va + SIZE_4K, 0x200, Prot.USER_RW);
        table.unmap(va);
        assertThat(table.translate(va + SIZE_4K)).isEqualTo(0x200000L);
        table.map(va, 0x300, Prot.USER_R);
        assertThat(table.translate(va)).as("the slot can be reused").isEqualTo(0x300000L);
    }

    @Test
    void pagesFarApartInEveryWindowWork() {
        long pfn = 0x10;
        for (long w : addressWindows()) {
            table.map(w, pfn, Prot.USER_RW);
            table.map(w + SIZE_1G - SIZE_4K, pfn + 1, Prot.KERNEL_RW);
            pfn += 2;
        }
        pfn = 0x10;
        for (long w : addressWindows()) {
            assertThat(table.translate(w + 5)).as("first page of window %#x", w).isEqualTo((pfn << 12) + 5);
            assertThat(table.translate(w + SIZE_1G - 1)).as("last page of window %#x", w)
                    .isEqualTo(((pfn + 1) << 12) + 0xfff);
            pfn += 2;
        }
    }

    @Test
    void mappingAnAlreadyMappedPageIsRefusedAndChangesNothing() {
        long va = base() + 0x4000;
        table.map(va, 0x11, Prot.USER_RW);
        assertThatThrownBy(() -> table.map(va, 0x22, Prot.USER_R)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(hex(va));
        assertThat(table.lookup(va)).contains(new PageMapping(va, 0x11, SIZE_4K, expectedProt(Prot.USER_RW)));
    }

    // ---- bad input ----

    @Test
    void aMisalignedVirtualAddressIsABadAddressAndChangesNothing() {
        long va = base() + 0x2010;
        assertThatThrownBy(() -> table.map(va, 0x5, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining(hex(va));
        assertThat(table.translate(va)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void anUnsupportedPageSizeIsInvalid() {
        assertThatThrownBy(() -> table.map(base(), 0, 8192, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0x2000");
        assertThatThrownBy(() -> table.map(base(), 0, 0, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class);
        assertThat(table.translate(base())).isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void anUnmappableAddressIsRefusedByMapAndUnmappedForQueries() {
        long bad = unmappableAddress();
        assertThatThrownBy(() -> table.map(bad, 0x5, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining(hex(bad));
        assertThat(table.translate(bad)).isEqualTo(PageTable.NOT_MAPPED);
        assertThat(table.lookup(bad)).isEmpty();
        assertThat(table.unmap(bad)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void aFrameBeyondThePhysicalLimitIsABadAddress() {
        long pfn = firstPfnBeyondPhysicalLimit();
        assertThatThrownBy(() -> table.map(base(), pfn, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining(hex(pfn));
        assertThatThrownBy(() -> table.map(base(), -1, Prot.USER_RW)).isInstanceOf(BadAddressException.class);
        table.map(base(), pfn - 1, Prot.USER_RW);
        assertThat(table.translate(base())).as("the last frame below the limit is fine").isEqualTo((pfn - 1) << 12);
    }

    @Test
    void aNullProtIsRefused() {
        assertThatThrownBy(() -> table.map(base(), 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("prot");
    }

    // ---- rights ----

    @Test
    void everyProtReadsBackAsTheArchitectureExpressesIt() {
        long va = base();
        for (int bits = 0; bits < 16; bits++) {
            Prot p = Prot.of(bits);
            table.map(va, 0x50 + bits, p);
            Prot got = table.lookup(va).orElseThrow().prot();
            assertThat(got).as("rights of a page mapped %s", p).isEqualTo(expectedProt(p));
            assertThat(got.bits() & p.bits()).as("never narrower than %s", p).isEqualTo(p.bits());
            va += SIZE_4K;
        }
    }

    @Test
    void aProtNonePageStaysMappedToItsFrame() {
        long va = base() + 0x6000;
        table.map(va, 0x66, Prot.NONE);
        assertThat(table.lookup(va)).contains(new PageMapping(va, 0x66, SIZE_4K, expectedProt(Prot.NONE)));
        assertThat(table.translate(va + 4)).as("translate ignores rights").isEqualTo(0x66004L);
    }

    @Test
    void protectChangesTheRightsAndKeepsTheFrame() {
        long va = base() + 0x8000;
        table.map(va, 0x88, Prot.USER_RW);
        table.protect(va + 0x10, Prot.USER_R);
        assertThat(table.lookup(va)).contains(new PageMapping(va, 0x88, SIZE_4K, expectedProt(Prot.USER_R)));
        table.protect(va, Prot.NONE);
        assertThat(table.lookup(va).orElseThrow().prot()).isEqualTo(expectedProt(Prot.NONE));
        table.protect(va, Prot.USER_RWX);
        assertThat(table.lookup(va).orElseThrow().prot()).isEqualTo(expectedProt(Prot.USER_RWX));
        assertThat(table.translate(va)).isEqualTo(0x88000L);
    }

    @Test
    void protectOnAnUnmappedAddressIsInvalid() {
        long va = base() + 0xa000;
        assertThatThrownBy(() -> table.protect(va, Prot.USER_R)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(hex(va));
        assertThat(table.lookup(va)).isEmpty();
    }

    // ---- huge pages ----

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void aHugePageTranslatesAcrossItsWholeSpan(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        long pfn = (size >>> 12) * 3;
        table.map(va, pfn, size, Prot.USER_RW);
        assertThat(table.translate(va)).isEqualTo(pfn << 12);
        assertThat(table.translate(va + 0x12345)).isEqualTo((pfn << 12) + 0x12345);
        assertThat(table.translate(va + size - 1)).isEqualTo((pfn << 12) + size - 1);
        assertThat(table.translate(va + size)).isEqualTo(PageTable.NOT_MAPPED);
        assertThat(table.lookup(va + size / 2)).contains(new PageMapping(va, pfn, size, expectedProt(Prot.USER_RW)));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void aSmallPageInsideAHugePageIsRefused(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        table.map(va, 0, size, Prot.KERNEL_RW);
        assertThatThrownBy(() -> table.map(va + 0x5000, 0x9, Prot.KERNEL_RW))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(hex(va + 0x5000));
        assertThatThrownBy(() -> table.map(va, 0, size, Prot.KERNEL_RW)).isInstanceOf(InvalidArgumentException.class);
        assertThat(table.lookup(va + 0x5000)).contains(new PageMapping(va, 0, size, expectedProt(Prot.KERNEL_RW)));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void aHugePageOverSmallPagesIsRefused(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        table.map(va + size - SIZE_4K, 0x7, Prot.USER_RW);
        assertThatThrownBy(() -> table.map(va, 0, size, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(hex(va));
        assertThat(table.translate(va + size - SIZE_4K)).isEqualTo(0x7000L);
        assertThat(table.translate(va)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void aHugePageFitsWhereSmallPagesWereUnmapped(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        table.map(va + SIZE_4K, 0x7, Prot.USER_RW);
        table.unmap(va + SIZE_4K);
        table.map(va, size >>> 12, size, Prot.USER_RW);
        assertThat(table.translate(va + SIZE_4K)).isEqualTo(size + SIZE_4K);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void unmapAnywhereInsideAHugePageRemovesAllOfIt(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        long pfn = size >>> 12;
        table.map(va, pfn, size, Prot.USER_RW);
        assertThat(table.unmap(va + size - 1)).isEqualTo(pfn);
        assertThat(table.translate(va)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void aHugePageNeedsAlignedAddressAndFrame(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        assertThatThrownBy(() -> table.map(va + SIZE_4K, 0, size, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class).hasMessageContaining(hex(va + SIZE_4K));
        assertThatThrownBy(() -> table.map(va, 1, size, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class).hasMessageContaining("0x1000");
        assertThat(table.translate(va)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {SIZE_2M, SIZE_4M, SIZE_1G})
    void protectOnAHugePageKeepsItWhole(long size) {
        assumeTrue(table.supportsPageSize(size), "page size not supported");
        long va = base();
        table.map(va, 0, size, Prot.USER_RW);
        table.protect(va + size - 1, Prot.USER_R);
        assertThat(table.lookup(va + 1)).contains(new PageMapping(va, 0, size, expectedProt(Prot.USER_R)));
    }

    // ---- randomized model check ----

    /**
     * Thousands of random calls agree with a map of pages: the same results, the same exception
     * types, and the same pages afterwards.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void randomOperationsAgreeWithAMapModel(long seed) {
        new RandomRun(seed).run(randomOperations());
    }

    private final class RandomRun {
        private final long seed;
        private final Random random;
        private final Map<Long, PageMapping> model = new HashMap<>();
        private final List<Long> sizes = new ArrayList<>();
        private final List<Long> windows = addressWindows();
        private final long mid;
        private int op;
        private String what = "";
        private int mapped;
        private int hugeMapped;
        private int refused;
        private int unmapped;
        private int protectedPages;
        private int hits;

        RandomRun(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            sizes.add(SIZE_4K);
            sizes.addAll(hugeSizes());
            mid = sizes.size() > 1 ? sizes.get(1) : SIZE_2M;
        }

        void run(int operations) {
            for (op = 0; op < operations; op++) {
                int kind = random.nextInt(100);
                if (kind < 35) {
                    map();
                } else if (kind < 52) {
                    unmap();
                } else if (kind < 65) {
                    protect();
                } else if (kind < 70) {
                    badMap();
                } else if (kind < 85) {
                    translate();
                } else {
                    lookup();
                }
                if (op % 500 == 499) {
                    compareAll();
                }
            }
            compareAll();
            // the run must have exercised every outcome, or it proves little
            assertThat(new int[] {mapped, refused, unmapped, protectedPages, hits})
                    .as("seed %d: successful maps, refused maps, unmaps of a page, protects, translations that hit", seed)
                    .doesNotContain(0);
            if (sizes.size() > 1) {
                assertThat(hugeMapped).as("seed %d: huge pages mapped", seed).isPositive();
            }
        }

        private long randomSize() {
            int r = random.nextInt(10);
            if (r < 7 || sizes.size() == 1) {
                return SIZE_4K;
            }
            return sizes.get(1 + random.nextInt(sizes.size() - 1));
        }

        /** An aligned address in a few slots of a window, so that pages of all sizes collide often. */
        private long randomPageAddress(long size) {
            long w = windows.get(random.nextInt(windows.size()));
            if (size == SIZE_4K) {
                return w + random.nextInt(4) * mid + random.nextInt(16) * SIZE_4K;
            }
            long slots = Math.max(1, Math.min(4, SIZE_1G / size));
            return w + random.nextInt((int) slots) * size;
        }

        private long randomAddress() {
            if (!model.isEmpty() && random.nextInt(10) < 6) {
                PageMapping m = pick();
                return m.va() + (long) (random.nextDouble() * m.pageSize());
            }
            return randomPageAddress(randomSize()) + random.nextInt(4096);
        }

        private PageMapping pick() {
            int n = random.nextInt(model.size());
            for (PageMapping m : model.values()) {
                if (n-- == 0) {
                    return m;
                }
            }
            throw new AssertionError();
        }

        private Prot randomProt() {
            return Prot.of(random.nextInt(16));
        }

        private long randomPfn(long size) {
            long frames = size >>> 12;
            long blocks = Math.min(1024, firstPfnBeyondPhysicalLimit() / frames);
            return random.nextInt((int) blocks) * frames;
        }

        private PageMapping find(long va) {
            for (long s : sizes) {
                PageMapping m = model.get(va & -s);
                if (m != null && m.contains(va)) {
                    return m;
                }
            }
            return null;
        }

        private boolean overlaps(long va, long size) {
            if (find(va) != null) {
                return true;
            }
            for (PageMapping m : model.values()) {
                if (Long.compareUnsigned(m.va() - va, size) < 0) {
                    return true;
                }
            }
            return false;
        }

        private void map() {
            long size = randomSize();
            long va = randomPageAddress(size);
            long pfn = randomPfn(size);
            Prot prot = randomProt();
            what = String.format("map(%#x, pfn %#x, size %#x, %s)", va, pfn, size, prot);
            boolean clash = overlaps(va, size);
            SimulationException thrown = attempt(() -> table.map(va, pfn, size, prot));
            if (clash) {
                expectThrown(thrown, InvalidArgumentException.class);
                refused++;
            } else {
                expectThrown(thrown, null);
                model.put(va, new PageMapping(va, pfn, size, expectedProt(prot)));
                mapped++;
                hugeMapped += size > SIZE_4K ? 1 : 0;
            }
        }

        private void badMap() {
            long size = randomSize();
            boolean misaligned = random.nextBoolean();
            long va = misaligned ? randomPageAddress(size) + 0x800 : unmappableAddress();
            what = String.format("map(%#x, pfn 0, size %#x) with a %s address", va, size,
                    misaligned ? "misaligned" : "unmappable");
            expectThrown(attempt(() -> table.map(va, 0, size, Prot.USER_RW)), BadAddressException.class);
        }

        private void unmap() {
            long va = randomAddress();
            what = String.format("unmap(%#x)", va);
            PageMapping m = find(va);
            long got = table.unmap(va);
            long expected = m == null ? PageTable.NOT_MAPPED : m.pfn();
            if (got != expected) {
                fail(describe("returned %#x, model says %#x", got, expected));
            }
            if (m != null) {
                model.remove(m.va());
                unmapped++;
            }
        }

        private void protect() {
            long va = randomAddress();
            Prot prot = randomProt();
            what = String.format("protect(%#x, %s)", va, prot);
            PageMapping m = find(va);
            SimulationException thrown = attempt(() -> table.protect(va, prot));
            if (m == null) {
                expectThrown(thrown, InvalidArgumentException.class);
            } else {
                expectThrown(thrown, null);
                model.put(m.va(), new PageMapping(m.va(), m.pfn(), m.pageSize(), expectedProt(prot)));
                protectedPages++;
            }
        }

        private void translate() {
            long va = randomAddress();
            what = String.format("translate(%#x)", va);
            PageMapping m = find(va);
            long expected = m == null ? PageTable.NOT_MAPPED : m.physicalAddress(va);
            long got = table.translate(va);
            if (got != expected) {
                fail(describe("returned %#x, model says %#x", got, expected));
            }
            hits += m != null ? 1 : 0;
        }

        private void lookup() {
            long va = randomAddress();
            what = String.format("lookup(%#x)", va);
            Optional<PageMapping> expected = Optional.ofNullable(find(va));
            Optional<PageMapping> got = table.lookup(va);
            if (!got.equals(expected)) {
                fail(describe("returned %s, model says %s", got, expected));
            }
        }

        private void compareAll() {
            what = "full comparison of " + model.size() + " pages";
            for (PageMapping m : model.values()) {
                Optional<PageMapping> got = table.lookup(m.va() + m.pageSize() - 1);
                if (!got.equals(Optional.of(m))) {
                    fail(describe("lookup of the last byte of %s returned %s", m, got));
                }
            }
        }

        private SimulationException attempt(Runnable call) {
            try {
                call.run();
                return null;
            } catch (SimulationException e) {
                return e;
            }
        }

        private void expectThrown(SimulationException thrown, Class<? extends SimulationException> expected) {
            if (expected == null && thrown != null) {
                fail(describe("threw %s, the model expected success", thrown));
            }
            if (expected != null && (thrown == null || !expected.isInstance(thrown))) {
                fail(describe("threw %s, the model expected %s", thrown, expected.getSimpleName()));
            }
        }

        private String describe(String template, Object... args) {
            return String.format("seed %d, operation %d, %s: %s", seed, op, what, String.format(template, args));
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
