package io.pagelab.hardware.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleFirmwareTest {

    private static long usableBytes(FirmwareMemoryMap map) {
        long total = 0;
        for (E820Entry e : map.entries()) {
            if (e.type().equals(E820Type.RAM)) {
                total += e.size();
            }
        }
        return total;
    }

    @Test
    void qemu4GHasTheEightEntriesOfTheRealBoot() {
        FirmwareMemoryMap map = SampleFirmware.qemu4G();
        assertThat(map.size()).isEqualTo(8);
        // last line of §2.4 (a): [mem 0x0000000100000000-0x000000013fffffff] usable
        assertThat(map.entry(7)).isEqualTo(E820Entry.of(0x100000000L, 0x40000000L, E820Type.RAM));
        // last_pfn = 0x140000 in the same dmesg: the end of RAM is 0x140000 << 12
        assertThat(map.entry(7).end() >>> 12).isEqualTo(0x140000L);
    }

    @Test
    void qemu128MHasTheUsableTotalOfAppendixD1() {
        // seed-digest.md App. D.1: usable total = 0x9fc00 + 0x7ee0000 = 133,692,416 bytes.
        assertThat(usableBytes(SampleFirmware.qemu128M())).isEqualTo(133_692_416L);
        assertThat(SampleFirmware.qemu128M().size()).isEqualTo(7);
    }

    @Test
    void fedoraVirtualBoxEndsAt0x3373fffff() {
        FirmwareMemoryMap map = SampleFirmware.fedoraVirtualBox();
        assertThat(map.entry(map.size() - 1).lastByte()).isEqualTo(0x3373fffffL);
    }

    @Test
    void theQemuGeneratorReproducesTheRealFourGigabyteTable() {
        assertThat(SampleFirmware.qemu(4L << 30)).isEqualTo(SampleFirmware.qemu4G());
    }

    @Test
    void theQemuGeneratorReproducesTheSynthetic128MegabyteTable() {
        assertThat(SampleFirmware.qemu(128L << 20)).isEqualTo(SampleFirmware.qemu128M());
    }

    @Test
    void aSixtyFourGigabyteQemuTableEndsSixtyOneGigabytesAboveFourGigabytes() {
        // 64 GiB = 3 GiB below 4 GiB + 61 GiB above: RAM ends at 4 GiB + 61 GiB = 0x1040000000.
        FirmwareMemoryMap map = SampleFirmware.qemu(64L << 30);
        assertThat(map.entry(map.size() - 1).end()).isEqualTo(0x1040000000L);
    }

    @Test
    void theQemuGeneratorRejectsASizeThatIsNotWholeMegabytes() {
        assertThatThrownBy(() -> SampleFirmware.qemu(3_000_000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3000000")
                .hasMessageContaining("multiple of 1 MiB from 2 MiB to 1 TiB");
    }
}
