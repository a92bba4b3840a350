package io.pagelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PagesTest {

    @Test
    void pfnDownOfTheEndOfLowRamDropsThePartialPage() {
        // linux-reference.md §2.4 (a): memblock ends low RAM at 0x9efff because PFN_DOWN(0x9fc00) = 0x9f
        assertThat(Pages.pfnDown(0x9fc00L)).isEqualTo(0x9fL);
    }

    @Test
    void pfnUpRoundsAPartialPageUp() {
        // 0x9fc00 = 0x9f pages + 0xc00 bytes, so the first frame at or after it is 0xa0
        assertThat(Pages.pfnUp(0x9fc00L)).isEqualTo(0xa0L);
        assertThat(Pages.pfnUp(0x1000L)).isEqualTo(1L);
        assertThat(Pages.pfnUp(0L)).isZero();
    }

    @Test
    void pfnUpOfTheTopOfTheAddressSpaceDoesNotWrap() {
        // 2^64 - 1 lies in frame 2^52 - 1, so the next frame is 2^52
        assertThat(Pages.pfnUp(-1L)).isEqualTo(1L << 52);
        assertThat(Pages.pfnDown(-1L)).isEqualTo((1L << 52) - 1);
    }

    @Test
    void pfnPhysIsTheInverseOfPfnDownForAlignedAddresses() {
        // last_pfn = 0x140000 in the QEMU dmesg is the end of RAM 0x140000000
        assertThat(Pages.pfnPhys(0x140000L)).isEqualTo(0x140000000L);
    }

    @Test
    void alignmentHelpersRoundToPageBoundaries() {
        assertThat(Pages.pageAlignDown(0x12345L)).isEqualTo(0x12000L);
        assertThat(Pages.pageAlignUp(0x12345L)).isEqualTo(0x13000L);
        assertThat(Pages.pageAlignUp(0x12000L)).isEqualTo(0x12000L);
        assertThat(Pages.offsetInPage(0x12345L)).isEqualTo(0x345L);
        assertThat(Pages.isAligned(0x12000L)).isTrue();
        assertThat(Pages.isAligned(0x12001L)).isFalse();
        assertThat(Pages.PAGE_MASK).isEqualTo(0xfffffffffffff000L);
    }

    @Test
    void pageAlignUpOfTheLastPageIsRejected() {
        assertThatThrownBy(() -> Pages.pageAlignUp(0xfffffffffffff001L))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0xfffffffffffff001");
    }

    @Test
    void isAlignedToAPowerOfTwo() {
        assertThat(Pages.isAligned(0x200000L, 0x200000L)).isTrue();
        assertThat(Pages.isAligned(0x201000L, 0x200000L)).isFalse();
        assertThatThrownBy(() -> Pages.isAligned(0x1000L, 3)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("alignment 3 is not allowed: it must be a power of two");
    }

    @Test
    void orderTenIsFourMegabytes() {
        // 2^10 pages * 4 KiB = 4 MiB, the largest buddy block with MAX_PAGE_ORDER 10
        assertThat(Pages.orderToBytes(10)).isEqualTo(4L << 20);
        assertThatThrownBy(() -> Pages.orderToBytes(-1)).isInstanceOf(InvalidArgumentException.class);
    }
}
