package io.pagelab.kernel.kaslr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadAddressTest {

    private final KaslrConfig defaults = KaslrConfig.defaults();
    /** seed-digest App. D.1: usable 0x0-0x9fbff and 0x100000-0x7fdffff. */
    private final List<E820Entry> d1 = SampleFirmware.qemu128M().entries();

    @Test
    void loadPhysicalAddrIsPhysicalStartRoundedUpToTheAlignment() {
        // page_types.h: LOAD_PHYSICAL_ADDR = ALIGN(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN)
        assertThat(defaults.loadPhysicalAddr()).isEqualTo(0x1000000L);
        // 0x1000001 rounded up to 2 MiB: 0x1200000
        assertThat(new KaslrConfig(0x1000001L, 0x200000L, 1L << 30).loadPhysicalAddr()).isEqualTo(0x1200000L);
        // with 16 MiB alignment, a 20 MiB start becomes 32 MiB
        assertThat(new KaslrConfig(0x1400000L, 0x1000000L, 1L << 30).loadPhysicalAddr()).isEqualTo(0x2000000L);
    }

    @Test
    void aBzImageLoadedAt1MiBIsDecompressedAt16MiB() {
        // head_64.S: ALIGN(0x100000, 0x200000) = 0x200000 < LOAD_PHYSICAL_ADDR -> 0x1000000
        assertThat(LoadAddress.decompressionAddress(0x100000L, 0x200000L, true, defaults)).isEqualTo(0x1000000L);
    }

    @Test
    void aRelocatableKernelLoadedHigherRunsAtItsAlignedLoadAddress() {
        // 0x5001000 rounded up to 2 MiB: 0x5200000
        assertThat(LoadAddress.decompressionAddress(0x5001000L, 0x200000L, true, defaults)).isEqualTo(0x5200000L);
        assertThat(LoadAddress.decompressionAddress(0x5001000L, 0x200000L, false, defaults))
                .as("a non-relocatable kernel always runs at LOAD_PHYSICAL_ADDR").isEqualTo(0x1000000L);
    }

    @Test
    void theLoaderNeedsInitSizeBytesOfUsableRamInOneEntry() {
        assertThat(LoadAddress.usableEntryHolding(d1, 0x1000000L, 0x2000000L)).hasValue(d1.get(3));
        // 0x7000000 + 16 MiB = 0x8000000 passes the end of RAM 0x7fe0000
        assertThat(LoadAddress.usableEntryHolding(d1, 0x7000000L, 0x1000000L)).isEmpty();
        // the legacy hole 0xa0000-0xfffff is not RAM
        assertThat(LoadAddress.usableEntryHolding(d1, 0x9f000L, 0x2000L)).isEmpty();
    }

    @Test
    void badAlignmentsAreRefused() {
        assertThatThrownBy(() -> new KaslrConfig(0x1000000L, 0x300000L, 1L << 30))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("0x300000");
        assertThatThrownBy(() -> new KaslrConfig(0x1000000L, 0x1000L, 1L << 30))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("2 MiB");
        assertThatThrownBy(() -> LoadAddress.decompressionAddress(0x100000L, 3, true, defaults))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
