package io.pagelab.kernel.kaslr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KaslrCmdlineTest {

    @Test
    void nokaslrMustBeAWholeWord() {
        assertThat(KaslrCmdline.parse("root=/dev/sda1 ro nokaslr quiet").nokaslr()).isTrue();
        assertThat(KaslrCmdline.parse("root=/dev/sda1 nokaslrx").nokaslr()).isFalse();
    }

    @Test
    void memSetsTheLimitWithSuffixes() {
        assertThat(KaslrCmdline.parse("mem=4G").memLimit()).isEqualTo(4L << 30);
        assertThat(KaslrCmdline.parse("mem=0x8000000").memLimit()).isEqualTo(0x8000000L);
        assertThat(KaslrCmdline.parse("quiet").memLimit()).isEqualTo(-1L);
    }

    @Test
    void memmapHashDollarAndBangAreAvoidedRegionsAndAtIsIgnored() {
        KaslrCmdline c = KaslrCmdline.parse("memmap=64M$0x10000000,16M!0x20000000 memmap=1G@4G memmap=512M");
        assertThat(c.memmapAvoid()).extracting(MemVector::start, MemVector::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0x10000000L, 64L << 20),
                org.assertj.core.groups.Tuple.tuple(0x20000000L, 16L << 20));
        assertThat(c.memLimit()).as("memmap=nn without offset acts as mem=nn").isEqualTo(512L << 20);
        assertThat(c.memmapTooLarge()).isFalse();
    }

    @Test
    void aFifthMemmapRegionInOneOptionMakesPhysicalKaslrGiveUp() {
        assertThat(KaslrCmdline.parse("memmap=1M#16M,1M#32M,1M#48M,1M#64M,1M#80M").memmapTooLarge()).isTrue();
        // in separate options the fifth is silently ignored (mem_avoid_memmap returns early)
        KaslrCmdline separate = KaslrCmdline.parse("memmap=1M#16M memmap=1M#32M memmap=1M#48M memmap=1M#64M memmap=1M#80M");
        assertThat(separate.memmapTooLarge()).isFalse();
        assertThat(separate.memmapAvoid()).hasSize(4);
    }
}
