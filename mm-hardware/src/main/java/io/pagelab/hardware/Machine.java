package io.pagelab.hardware;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import java.util.Objects;

/**
 * A simulated PC at power-on: its firmware memory map, the BIOS that reports it through
 * INT 0x15 E820, and the RAM that answers at the map's addresses. The kernel side of pagelab boots
 * on it the way arch/x86/boot/memory.c: detect_memory_e820() and arch/x86/kernel/e820.c (Linux
 * 6.x) do: ask the BIOS for the map, sanitize it, hand RAM to memblock.
 *
 * <pre>
 * Machine m = Machine.qemu4G();
 * E820Reply first = m.bios().int15E820(E820Call.first());   // entry 0: usable 0-0x9fbff
 * m.ram().writeLong(0x1000, 42);
 * </pre>
 *
 * @param firmware the table the BIOS reports, in BIOS order
 * @param bios the INT 0x15 E820 service over that table
 * @param ram physical memory present wherever the table has an entry
 */
public record Machine(FirmwareMemoryMap firmware, Bios bios, SimulatedRam ram) {

    public Machine {
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(bios, "bios");
        Objects.requireNonNull(ram, "ram");
    }

    /** A machine with a correct BIOS reporting this map and RAM built from it. */
    public static Machine withFirmware(FirmwareMemoryMap firmware) {
        return withBios(Bios.of(firmware));
    }

    /** A machine with this BIOS (possibly one with a {@link Bios.Quirk}) and RAM built from its map. */
    public static Machine withBios(Bios bios) {
        return new Machine(bios.memoryMap(), bios, new SimulatedRam(bios.memoryMap()));
    }

    /** The QEMU/KVM 4 GiB guest of linux-reference.md §2.4 (a). */
    public static Machine qemu4G() {
        return withFirmware(SampleFirmware.qemu4G());
    }

    /** The synthetic 128 MiB QEMU-style machine of seed-digest.md App. D.1. */
    public static Machine qemu128M() {
        return withFirmware(SampleFirmware.qemu128M());
    }

    /** The Fedora 32 VirtualBox VM of linux-reference.md §2.4 (c). */
    public static Machine fedoraVirtualBox() {
        return withFirmware(SampleFirmware.fedoraVirtualBox());
    }

    /** A QEMU-shaped machine with this much RAM (see {@link SampleFirmware#qemu(long)}). */
    public static Machine qemu(long ramBytes) {
        return withFirmware(SampleFirmware.qemu(ramBytes));
    }

    /** The RAM seen through the SDK interface. */
    public PhysicalMemory memory() {
        return ram;
    }
}
