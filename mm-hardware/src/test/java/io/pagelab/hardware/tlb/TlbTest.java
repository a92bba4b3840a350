package io.pagelab.hardware.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Skylake-shaped TLB: dTLB 4K 64 entries 4-way = 16 sets (set = vpn &amp; 15), STLB 4K+2M 1536
 * entries 12-way = 128 sets (set = vpn &amp; 127), 1G arrays of 4 entries 4-way (one set) and 16
 * entries 4-way (4 sets).
 */
class TlbTest {
    private static final long K4 = 4096;
    private static final long M2 = 2L << 20;
    private static final long G1 = 1L << 30;

    private final Tlb tlb = new Tlb(TlbConfig.skylake());

    private static long page4k(long phys) {
        return Translation.of(phys, Translation.SIZE_4K, Translation.WRITABLE | Translation.USER, 0);
    }

    @Test
    void aFilledTranslationHitsInL1ForEveryByteOfThePage() {
        long t = page4k(0x777000L);
        tlb.fill(0x601000L, 1, t);
        assertThat(tlb.lookup(0x601abcL, 1)).isEqualTo(t);
        assertThat(Translation.physicalAddress(t, 0x601abcL)).isEqualTo(0x777abcL);
        assertThat(tlb.lookup(0x602000L, 1)).as("next page").isZero();
        assertThat(tlb.stats()).hasToString("dTLB hits 1, STLB hits 0, misses 1 (hit rate 50.0%), evictions 0");
    }

    @Test
    void entriesAreTaggedWithTheirPcidUnlessGlobal() {
        tlb.fill(0x601000L, 1, page4k(0x777000L));
        assertThat(tlb.lookup(0x601000L, 2)).as("another PCID").isZero();
        long global = page4k(0x100000L) | Translation.GLOBAL;
        tlb.fill(0xffff888000100000L, 1, global);
        assertThat(tlb.lookup(0xffff888000100000L, 2)).as("global: any PCID").isEqualTo(global);
    }

    @Test
    void aFifthPageInAFourWaySetEvictsTheLeastRecentlyUsedFromL1ButNotFromL2() {
        // vpns 0x10..0x50 all have vpn & 15 == 0: the same dTLB set; in the STLB (vpn & 127) five different sets
        for (long vpn = 0x10; vpn <= 0x50; vpn += 0x10) {
            tlb.fill(vpn << 12, 0, page4k(vpn << 16));
        }
        assertThat(tlb.stats().evictions()).isEqualTo(1);
        assertThat(tlb.lookup(0x10000L, 0)).isEqualTo(page4k(0x100000L));
        assertThat(tlb.hits(0)).as("gone from the dTLB").isZero();
        assertThat(tlb.hits(1)).as("found in the STLB").isEqualTo(1);
        tlb.lookup(0x10000L, 0);
        assertThat(tlb.hits(0)).as("copied back into the dTLB on the STLB hit").isEqualTo(1);
    }

    @Test
    void touchingAnEntryProtectsItFromEviction() {
        for (long vpn = 0x10; vpn <= 0x40; vpn += 0x10) {
            tlb.fill(vpn << 12, 0, page4k(vpn << 16));
        }
        tlb.lookup(0x10000L, 0); // 0x10 is now the most recently used; 0x20 the least
        tlb.fill(0x50000L, 0, page4k(0x500000L));
        tlb.resetCounters();
        tlb.lookup(0x10000L, 0);
        tlb.lookup(0x20000L, 0);
        assertThat(tlb.hits(0)).as("0x10 stayed in the dTLB").isEqualTo(1);
        assertThat(tlb.hits(1)).as("0x20 was evicted to the STLB only").isEqualTo(1);
    }

    @Test
    void twoMegabyteTranslationsLiveInTheirOwnArrayAndCoverTheWholePage() {
        long t = Translation.of(0x800000L, Translation.SIZE_2M, Translation.USER, 0);
        tlb.fill(0x40000000L, 0, t);
        assertThat(tlb.lookup(0x401fffffL, 0)).isEqualTo(t);
        assertThat(Translation.physicalAddress(t, 0x401fffffL)).isEqualTo(0x9fffffL);
        assertThat(tlb.lookup(0x40200000L, 0)).isZero();
        assertThat(tlb.entries()).extracting(TlbEntry::level).containsExactly("dTLB", "STLB");
    }

    @Test
    void theL1OneGigabyteArrayHoldsFourPages() {
        for (long i = 0; i < 5; i++) {
            tlb.fill(i * G1, 0, Translation.of(i * G1, Translation.SIZE_1G, 0, 0));
        }
        // one set of 4 ways in the dTLB: one eviction; the STLB's 4 sets x 4 ways hold all five
        assertThat(tlb.stats().evictions()).isEqualTo(1);
        tlb.lookup(0, 0);
        assertThat(tlb.hits(1)).isEqualTo(1);
    }

    @Test
    void invalidatePageDropsEveryPageSizeOfThatAddressAndGlobalsOnlyWhenAsked() {
        tlb.fill(0x40000000L, 3, Translation.of(0x800000L, Translation.SIZE_2M, 0, 0));
        tlb.fill(0x40001000L, 3, page4k(0x5000L) | Translation.GLOBAL);
        tlb.invalidatePage(0x40001000L, 3, false);
        assertThat(tlb.entries()).as("INVPCID type 0 keeps the global 4K entry")
                .allMatch(e -> e.pageSize() == K4 && e.global());
        tlb.invalidatePage(0x40001000L, 3, true);
        assertThat(tlb.size()).isZero();
    }

    @Test
    void flushesDropWhatTheirInstructionDrops() {
        tlb.fill(0x1000L, 1, page4k(0x1000L));
        tlb.fill(0x2000L, 2, page4k(0x2000L));
        tlb.fill(0xffffffff81000000L, 1, page4k(0x1000000L) | Translation.GLOBAL);
        tlb.flushPcid(1);
        assertThat(tlb.entries()).extracting(TlbEntry::va).containsOnly(0x2000L, 0xffffffff81000000L);
        tlb.flushNonGlobal();
        assertThat(tlb.entries()).extracting(TlbEntry::va).containsOnly(0xffffffff81000000L);
        tlb.flushAll();
        assertThat(tlb.size()).isZero();
    }

    @Test
    void entriesShowFullSignExtendedAddresses() {
        tlb.fill(0xffff888000001000L, 7, page4k(0x1000L));
        assertThat(tlb.entries().get(0))
                .hasToString("dTLB va 0xffff888000001000 pcid 7 -> 4K phys 0x1000 W U pkey 0");
    }

    @Test
    void aSetCountThatIsNotAPowerOfTwoUsesTheRemainder() {
        Tlb odd = new Tlb(TlbConfig.twoLevel(48, 4, 96, 8)); // 12 sets in L1
        for (long vpn = 0; vpn <= 48; vpn += 12) { // vpn mod 12 == 0 for all five
            odd.fill(vpn << 12, 0, page4k(vpn << 12));
        }
        assertThat(odd.stats().evictions()).isEqualTo(1);
    }

    @Test
    void withoutATlbEveryLookupMisses() {
        Tlb none = new Tlb(TlbConfig.none());
        none.fill(0x1000L, 0, page4k(0x1000L));
        assertThat(none.lookup(0x1000L, 0)).isZero();
        assertThat(none.misses()).isEqualTo(1);
    }

    @Test
    void badShapesAreRefusedWithTheRule() {
        assertThatThrownBy(() -> new TlbConfig.Array(10, 4, List.of(K4))).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("a TLB array of 10 entries and 4 ways is not allowed: entries must be a positive multiple of ways");
        assertThatThrownBy(() -> new TlbConfig.Level("L1", List.of(TlbConfig.Array.of(4, 4, K4),
                new TlbConfig.Array(8, 4, List.of(M2, K4))))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("page size 4096 is held by two arrays");
        assertThatThrownBy(() -> TlbConfig.Array.of(4, 4, 8192)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0x2000");
        assertThatThrownBy(() -> tlb.fill(0x1000L, 0, 0)).isInstanceOf(InvalidArgumentException.class);
    }
}
