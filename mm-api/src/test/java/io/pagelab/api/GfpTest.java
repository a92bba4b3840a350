package io.pagelab.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GfpTest {

    @Test
    void gfpKernelIsReclaimPlusIoPlusFs() {
        // include/linux/gfp_types.h: #define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
        assertThat(Gfp.GFP_KERNEL)
                .isEqualTo(Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_KSWAPD_RECLAIM | Gfp.__GFP_IO | Gfp.__GFP_FS);
    }

    @Test
    void gfpAtomicCannotSleep() {
        assertThat(Gfp.GFP_ATOMIC & Gfp.__GFP_DIRECT_RECLAIM).isZero();
    }

    @Test
    void printsTheLargestCompositeThenSingleFlags() {
        // like the kernel's %pGg: "GFP_KERNEL|__GFP_ZERO"
        assertThat(Gfp.toString(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO)).isEqualTo("GFP_KERNEL|__GFP_ZERO");
        assertThat(Gfp.toString(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo("GFP_HIGHUSER_MOVABLE");
        assertThat(Gfp.toString(Gfp.__GFP_DMA)).isEqualTo("__GFP_DMA");
        assertThat(Gfp.toString(0)).isEqualTo("0x0()");
        assertThat(Gfp.toString(1 << 30)).isEqualTo("0x40000000");
    }

    @Test
    void unknownBitsAreInvalid() {
        assertThat(Gfp.isValid(Gfp.GFP_KERNEL)).isTrue();
        assertThat(Gfp.isValid(1 << 30)).isFalse();
    }
}
