package io.pagelab.lessons.diagram;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.List;

/**
 * The BIOS-e820 table of a QEMU/KVM i440FX guest with 4 GiB of RAM, Linux 6.13-rc7, copied by hand
 * from the real dmesg in linux-reference.md §2.4 (a). It is already sorted and free of overlaps.
 */
final class QemuTableA {

    static final List<E820Entry> TABLE = List.of(
            E820Entry.ofInclusive(0x0000000000000000L, 0x000000000009fbffL, E820Type.RAM),
            E820Entry.ofInclusive(0x000000000009fc00L, 0x000000000009ffffL, E820Type.RESERVED),
            E820Entry.ofInclusive(0x00000000000f0000L, 0x00000000000fffffL, E820Type.RESERVED),
            E820Entry.ofInclusive(0x0000000000100000L, 0x00000000bffdffffL, E820Type.RAM),
            E820Entry.ofInclusive(0x00000000bffe0000L, 0x00000000bfffffffL, E820Type.RESERVED),
            E820Entry.ofInclusive(0x00000000feffc000L, 0x00000000feffffffL, E820Type.RESERVED),
            E820Entry.ofInclusive(0x00000000fffc0000L, 0x00000000ffffffffL, E820Type.RESERVED),
            E820Entry.ofInclusive(0x0000000100000000L, 0x000000013fffffffL, E820Type.RAM));

    private QemuTableA() {
    }
}
