package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunksTest {
    @Test
    void request2sizeRoundsUpToSixteenWithEightBytesOfOverheadAndAMinimumOf32() {
        // linux-reference.md §5.1: malloc(0..24) -> 0x20; 25..40 -> 0x30; 41..56 -> 0x40; 1032 -> 0x410; 1033 -> 0x420
        assertThat(Chunks.request2size(0)).isEqualTo(0x20);
        assertThat(Chunks.request2size(24)).isEqualTo(0x20);
        assertThat(Chunks.request2size(25)).isEqualTo(0x30);
        assertThat(Chunks.request2size(40)).isEqualTo(0x30);
        assertThat(Chunks.request2size(41)).isEqualTo(0x40);
        assertThat(Chunks.request2size(1032)).isEqualTo(0x410);
        assertThat(Chunks.request2size(1033)).isEqualTo(0x420);
    }

    @Test
    void checkedRequest2sizeRefusesRequestsAbovePtrdiffMax() {
        // checked_request2size: req > PTRDIFF_MAX fails (ENOMEM); a negative long is such a size_t
        assertThat(Chunks.checkedRequest2size(-1)).isEqualTo(-1);
        assertThat(Chunks.checkedRequest2size(Long.MIN_VALUE)).isEqualTo(-1);
    }

    @Test
    void tcacheIndexCoversChunkSizes0x20To0x410() {
        // csize2tidx(x) = (x - 32 + 15) / 16: 0x20 -> 0, 0x30 -> 1, 0x410 -> 63 (§5.3)
        assertThat(Chunks.csize2tidx(0x20)).isZero();
        assertThat(Chunks.csize2tidx(0x30)).isEqualTo(1);
        assertThat(Chunks.csize2tidx(0x410)).isEqualTo(63);
        assertThat(Chunks.csize2tidx(0x420)).isEqualTo(64);
    }

    @Test
    void fastbinAndSmallbinIndicesFollowTheSizeInSixteenByteSteps() {
        // fastbin_index(sz) = (sz >> 4) - 2: 0x20 -> 0, 0x80 -> 6; smallbin_index(sz) = sz >> 4: 0x20 -> 2, 0x3f0 -> 63
        assertThat(Chunks.fastbinIndex(0x20)).isZero();
        assertThat(Chunks.fastbinIndex(0x80)).isEqualTo(6);
        assertThat(Chunks.smallbinIndex(0x20)).isEqualTo(2);
        assertThat(Chunks.smallbinIndex(0x3f0)).isEqualTo(63);
        assertThat(Chunks.inSmallbinRange(0x3f0)).isTrue();
        assertThat(Chunks.inSmallbinRange(0x400)).isFalse();
    }

    @Test
    void largebinIndexUsesGeometricSpacing() {
        // largebin_index_64 (§5.5): 1024 -> 64 (48 + 16), 3135 -> 96, 3136 -> 97 (91 + 6),
        // 10752 -> 112 (110 + 2), 45056 -> 120 (119 + 1), 163840 -> 124 (124 + 0), 786432 -> 126
        assertThat(Chunks.largebinIndex(1024)).isEqualTo(64);
        assertThat(Chunks.largebinIndex(3135)).isEqualTo(96);
        assertThat(Chunks.largebinIndex(3136)).isEqualTo(97);
        assertThat(Chunks.largebinIndex(10752)).isEqualTo(112);
        assertThat(Chunks.largebinIndex(45056)).isEqualTo(120);
        assertThat(Chunks.largebinIndex(163840)).isEqualTo(124);
        assertThat(Chunks.largebinIndex(786432)).isEqualTo(126);
        assertThat(Chunks.largebinIndex(1L << 40)).isEqualTo(126);
    }

    @Test
    void defaultMaxFastIs0x80() {
        // set_max_fast(DEFAULT_MXFAST = 64 * 8 / 4 = 128) = (128 + 8) & ~15 = 0x80 (§5.2)
        assertThat(new MallocPar().globalMaxFast).isEqualTo(0x80);
        assertThat(MallocPar.setMaxFast(0)).isEqualTo(0x10);
        assertThat(MallocPar.setMaxFast(160)).isEqualTo(0xa0);
    }
}
