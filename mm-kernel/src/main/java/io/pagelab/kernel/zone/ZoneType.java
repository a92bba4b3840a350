package io.pagelab.kernel.zone;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * {@code enum zone_type} of include/linux/mmzone.h with the names of {@code zone_names[]} and the
 * default {@code sysctl_lowmem_reserve_ratio[]} of mm/page_alloc.c (Linux 6.6, x86-64: no HIGHMEM).
 *
 * <pre>
 *  pfn 0        0x1000 (16 MiB)         0x100000 (4 GiB)                  end of RAM
 *  |  DMA       |        DMA32          |            Normal                 |  Movable (kernelcore=/movablecore=)
 * </pre>
 */
public enum ZoneType {
    /** ISA DMA: the first 16 MiB. */
    DMA("DMA", 256),
    /** 32-bit DMA: up to 4 GiB. */
    DMA32("DMA32", 256),
    /** Everything else the kernel maps directly. */
    NORMAL("Normal", 32),
    /** Only movable pages, placed by kernelcore= / movablecore=. */
    MOVABLE("Movable", 0),
    /** Device memory (CONFIG_ZONE_DEVICE); never has free pages at boot. */
    DEVICE("Device", 0);

    private final String zoneName;
    private final int lowmemReserveRatio;

    ZoneType(String zoneName, int lowmemReserveRatio) {
        this.zoneName = zoneName;
        this.lowmemReserveRatio = lowmemReserveRatio;
    }

    /** The name as /proc and dmesg print it ({@code zone_names[]}). */
    public String zoneName() {
        return zoneName;
    }

    /** {@code sysctl_lowmem_reserve_ratio[idx]}: 0 means no reserve against higher zones. */
    public int lowmemReserveRatio() {
        return lowmemReserveRatio;
    }

    /** The zone type named {@code name} ("DMA", "DMA32", "Normal", "Movable", "Device"). */
    public static ZoneType ofName(String name) {
        for (ZoneType t : values()) {
            if (t.zoneName.equals(name)) {
                return t;
            }
        }
        throw new InvalidArgumentException("no zone type is named '" + name
                + "': zone names are DMA, DMA32, Normal, Movable, Device");
    }
}
