package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemSizeStatsTest {

    @Test
    void pssDividesEachSharedPageByItsMapcount() {
        // the curriculum's smem example (seed digest, 内存管理（三）): one page mapped by 3 processes,
        // one by 2, one private: Pss = 4096/3 + 4096/2 + 4096 = 7509.33 bytes -> 7509 printed as 7 kB.
        // In fixed point: (4096<<12)/3 = 5592405, (4096<<12)/2 = 8388608, 4096<<12 = 16777216.
        MemSizeStats s = new MemSizeStats();
        s.accountPage(PageKind.FILE, 3, true, false, false);
        s.accountPage(PageKind.FILE, 2, true, false, false);
        s.accountPage(PageKind.FILE, 1, true, false, false);
        assertThat(s.pssFixedPoint()).isEqualTo(5592405 + 8388608 + 16777216);
        assertThat(s.pss()).isEqualTo(7509);
        assertThat(s.resident()).isEqualTo(3 * 4096);
        assertThat(s.sharedClean()).isEqualTo(2 * 4096);
        assertThat(s.privateClean()).isEqualTo(4096);
    }

    @Test
    void fixedPointKeepsWhatPerVmaRoundingLoses() {
        // four VMAs, each with one page mapped by 3 processes: each VMA's Pss is 1365 bytes (1 kB),
        // the four lines sum to 4 kB, but the rollup sums 4 * 5592405 = 22369620 >> 12 = 5461 bytes: 5 kB
        MemSizeStats rollup = new MemSizeStats();
        for (int i = 0; i < 4; i++) {
            MemSizeStats vma = new MemSizeStats();
            vma.accountPage(PageKind.ANON, 3, true, true, false);
            assertThat(vma.pss() >> 10).isEqualTo(1);
            rollup.add(vma);
        }
        assertThat(rollup.pss()).isEqualTo(5461);
        assertThat(rollup.pss() >> 10).isEqualTo(5);
    }

    @Test
    void lazyFreePagesCountOnlyWhileClean() {
        // MADV_FREE: anonymous, no longer swap-backed; a later write (dirty) cancels the free
        MemSizeStats s = new MemSizeStats();
        s.accountPage(PageKind.ANON_LAZYFREE, 1, false, false, false);
        s.accountPage(PageKind.ANON_LAZYFREE, 1, true, true, false);
        assertThat(s.lazyfree()).isEqualTo(4096);
        assertThat(s.anonymous()).isEqualTo(2 * 4096);
        assertThat(s.referenced()).isEqualTo(4096);
    }

    @Test
    void ksmPagesAreAnonymousAndSharedByEveryMapper() {
        MemSizeStats s = new MemSizeStats();
        s.accountPage(PageKind.KSM, 4, true, false, false);
        assertThat(s.ksm()).isEqualTo(4096);
        assertThat(s.anonymous()).isEqualTo(4096);
        assertThat(s.sharedClean()).isEqualTo(4096);
        assertThat(s.pssAnonFixedPoint()).isEqualTo((4096L << 12) / 4);
    }

    @Test
    void swapEntriesChargeSwapPssByTheirSwapCount() {
        MemSizeStats s = new MemSizeStats();
        s.accountSwapEntry(1);
        s.accountSwapEntry(2);
        assertThat(s.swap()).isEqualTo(8192);
        assertThat(s.swapPssFixedPoint() >> 12).isEqualTo(4096 + 2048);
        assertThat(s.resident()).isZero();
    }

    @Test
    void aMigrationEntryIsMaybeSharedButChargedWhole() {
        // smaps_account(present = false): private = false, pss = whole size
        MemSizeStats s = new MemSizeStats();
        s.accountMigrationEntry(PageKind.ANON, false, true, false);
        assertThat(s.sharedDirty()).isEqualTo(4096);
        assertThat(s.pss()).isEqualTo(4096);
    }

    @Test
    void aPmdMappedThpAddsTwoMebibytesToAnonHugePages() {
        int[] once = new int[512];
        Arrays.fill(once, 1);
        MemSizeStats s = new MemSizeStats();
        s.accountPmdMappedThp(PageKind.ANON, once, true, true, false);
        assertThat(s.anonymousThp()).isEqualTo(2L << 20);
        assertThat(s.resident()).isEqualTo(2L << 20);
        assertThat(s.privateDirty()).isEqualTo(2L << 20);
    }

    @Test
    void hugetlbPagesStayOutOfRss() {
        MemSizeStats s = new MemSizeStats();
        s.accountHugetlbPage(2L << 20, false);
        s.accountHugetlbPage(1L << 30, true);
        assertThat(s.privateHugetlb()).isEqualTo(2L << 20);
        assertThat(s.sharedHugetlb()).isEqualTo(1L << 30);
        assertThat(s.resident()).isZero();
    }

    @Test
    void badInputIsRejectedWithTheValueAndTheRuleAndLeavesTheCountersIntact() {
        MemSizeStats s = new MemSizeStats();
        assertThatThrownBy(() -> s.accountPage(PageKind.ANON, 0, true, true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapcount 0").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> s.accountPmdMappedThp(PageKind.ANON, new int[3], true, true, false))
                .hasMessageContaining("512");
        assertThatThrownBy(() -> s.accountHugetlbPage(4096, true)).hasMessageContaining("2 MiB or 1 GiB");
        assertThatThrownBy(() -> s.accountSwapEntry(0)).hasMessageContaining("swap count 0");
        assertThat(s.resident()).isZero();
        assertThat(s.pssFixedPoint()).isZero();
    }
}
