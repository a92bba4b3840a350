package io.pagelab.hardware.firmware;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Firmware memory maps of real machines, as their kernels printed them, plus a generator of
 * QEMU-shaped tables of any size.
 *
 * <p>The texts are the {@code BIOS-e820:} lines of real boots (shared/reference/linux-reference.md
 * §2.4) and the compact 128 MiB table of seed-digest.md Appendix D.1; the maps are parsed from them
 * with {@link FirmwareMemoryMap#parse(String)}.
 */
public final class SampleFirmware {
    /**
     * QEMU/KVM i440FX guest with 4 GiB of RAM, Linux 6.13-rc7 (linux-reference.md §2.4 (a)),
     * dmesg verbatim including the header line and timestamps.
     */
    public static final String QEMU_4G_DMESG = ""
            + "[    0.000000] BIOS-provided physical RAM map:\n"
            + "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable\n"
            + "[    0.000000] BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved\n"
            + "[    0.000000] BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
            + "[    0.000000] BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
            + "[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\n";

    /** Fedora 32 VirtualBox VM, Linux 5.6.6, journalctl (linux-reference.md §2.4 (c)). */
    public static final String FEDORA_VIRTUALBOX_DMESG = ""
            + "BIOS-provided physical RAM map:\n"
            + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000000100000-0x00000000dffeffff] usable\n"
            + "BIOS-e820: [mem 0x00000000dfff0000-0x00000000dfffffff] ACPI data\n"
            + "BIOS-e820: [mem 0x00000000fec00000-0x00000000fec00fff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fee00000-0x00000000fee00fff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000100000000-0x00000003373fffff] usable\n";

    /** Synthetic QEMU-style 128 MiB table for unit tests (seed-digest.md Appendix D.1). */
    public static final String QEMU_128M_DMESG = ""
            + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000000100000-0x0000000007fdffff] usable\n"
            + "BIOS-e820: [mem 0x0000000007fe0000-0x0000000007ffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n";

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long FOUR_GIB = 4 * GIB;

    private SampleFirmware() {
    }

    /** The 4 GiB QEMU/KVM guest: 8 entries, RAM up to 0x13fffffff (§2.4 (a)). */
    public static FirmwareMemoryMap qemu4G() {
        return FirmwareMemoryMap.parse(QEMU_4G_DMESG);
    }

    /** The Fedora 32 VirtualBox VM: 9 entries, RAM up to 0x3373fffff (§2.4 (c)). */
    public static FirmwareMemoryMap fedoraVirtualBox() {
        return FirmwareMemoryMap.parse(FEDORA_VIRTUALBOX_DMESG);
    }

    /** The synthetic 128 MiB QEMU-style table: 7 entries, RAM up to 0x7fdffff (App. D.1). */
    public static FirmwareMemoryMap qemu128M() {
        return FirmwareMemoryMap.parse(QEMU_128M_DMESG);
    }

    /**
     * A table shaped like the one SeaBIOS builds for a QEMU i440FX guest with {@code ramBytes} of
     * RAM: below 4 GiB at most 3 GiB of RAM (QEMU puts the rest above 4 GiB when the guest has
     * 3.5 GiB or more), the last 128 KiB below the low-RAM top reserved, the legacy holes at
     * 640 KiB..1 MiB, and the two reserved firmware ranges under 4 GiB. {@code qemu(4 GiB)} equals
     * {@link #qemu4G()} and {@code qemu(128 MiB)} equals {@link #qemu128M()}; {@code qemu(64 GiB)}
     * is a large machine for sparse-memory tests.
     *
     * @param ramBytes RAM size, a multiple of 1 MiB, from 2 MiB to 1 TiB
     * @throws IllegalArgumentException naming the size and the allowed range
     */
    public static FirmwareMemoryMap qemu(long ramBytes) {
        checkArgument(ramBytes >= 2 * MIB && ramBytes <= 1024 * GIB && ramBytes % MIB == 0,
                "RAM size %s bytes not allowed: expected a multiple of 1 MiB from 2 MiB to 1 TiB", ramBytes);
        // QEMU hw/i386/pc_piix.c: with 0xe0000000 bytes or more, low RAM is capped at 3 GiB.
        long lowmem = ramBytes >= 0xe0000000L ? 3 * GIB : ramBytes;
        List<E820Entry> e = new ArrayList<>();
        e.add(E820Entry.of(0, 0x9fc00, E820Type.RAM));
        e.add(E820Entry.of(0x9fc00, 0x400, E820Type.RESERVED));
        e.add(E820Entry.of(0xf0000, 0x10000, E820Type.RESERVED));
        e.add(E820Entry.of(MIB, lowmem - 0x20000 - MIB, E820Type.RAM));
        e.add(E820Entry.of(lowmem - 0x20000, 0x20000, E820Type.RESERVED));
        e.add(E820Entry.of(0xfeffc000L, 0x4000, E820Type.RESERVED));
        e.add(E820Entry.of(0xfffc0000L, 0x40000, E820Type.RESERVED));
        if (ramBytes > lowmem) {
            e.add(E820Entry.of(FOUR_GIB, ramBytes - lowmem, E820Type.RAM));
        }
        return FirmwareMemoryMap.of(e);
    }
}
