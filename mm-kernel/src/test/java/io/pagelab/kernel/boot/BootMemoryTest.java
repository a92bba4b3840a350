package io.pagelab.kernel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.memblock.MemblockRegion;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootMemoryTest {

    /**
     * Fedora 44 guest, Linux 6.19.10-300.fc44, QEMU Q35 with 2 GiB, journalctl (a public boot log
     * read through the code search index). Its later lines are quoted in the tests below.
     */
    static final String Q35_2G_DMESG = ""
            + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000000100000-0x000000007ffd5fff] usable\n"
            + "BIOS-e820: [mem 0x000000007ffd6000-0x000000007fffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000b0000000-0x00000000bfffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fed1c000-0x00000000fed1ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n";

    @Test
    void bootingTheQemu4GTableReproducesTheLinux613Dmesg() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        // linux-reference.md §2.4 (a), QEMU/KVM i440FX 4 GiB, Linux 6.13-rc7, timestamps stripped:
        // every line below appears in that dmesg, in this order.
        assertThat(boot.report()).containsSubsequence(
                "BIOS-provided physical RAM map:",
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable",
                "BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved",
                "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable",
                "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
                "e820: remove [mem 0x000a0000-0x000fffff] usable",
                "last_pfn = 0x140000 max_arch_pfn = 0x400000000",
                "Zone ranges:",
                "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
                "  Normal   [mem 0x0000000100000000-0x000000013fffffff]",
                "  Device   empty",
                "Movable zone start for each node",
                "Early memory node ranges",
                "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                "  node   0: [mem 0x0000000000100000-0x00000000bffdffff]",
                "  node   0: [mem 0x0000000100000000-0x000000013fffffff]",
                "Initmem setup node 0 [mem 0x0000000000001000-0x000000013fffffff]",
                "On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                "On node 0, zone Normal: 32 pages in unavailable ranges");
    }

    @Test
    void theQemu4GReportHasExactlyTheModelledLines() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        assertThat(boot.report()).containsExactly(
                "BIOS-provided physical RAM map:",
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable",
                "BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved",
                "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable",
                "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
                "e820: remove [mem 0x000a0000-0x000fffff] usable",
                "last_pfn = 0x140000 max_arch_pfn = 0x400000000",
                // max_pfn is above 4 GiB, so setup_arch() also asks for the end of RAM below 4 GiB:
                // 0xbffdffff -> pfn 0xbffe0. The real Linux 6.6 boot of the same QEMU table prints it.
                "last_pfn = 0xbffe0 max_arch_pfn = 0x400000000",
                "Zone ranges:",
                "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
                "  Normal   [mem 0x0000000100000000-0x000000013fffffff]",
                "  Device   empty",
                "Movable zone start for each node",
                "Early memory node ranges",
                "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                "  node   0: [mem 0x0000000000100000-0x00000000bffdffff]",
                "  node   0: [mem 0x0000000100000000-0x000000013fffffff]",
                "Initmem setup node 0 [mem 0x0000000000001000-0x000000013fffffff]",
                "On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                "On node 0, zone Normal: 32 pages in unavailable ranges",
                // Hand derivation (also printed by the real 6.6 boot of the same table): after
                // trim_bios_range() the entries below 4 GiB end at 0xfffc0000-, 0xfeffc000-0xfeffffff and
                // 0xbffe0000-0xbfffffff; scanning down from 4 GiB the holes are 0xff000000-0xfffbffff
                // (0xfc0000 bytes) and 0xc0000000-0xfeffbfff (0x3effc000 bytes, the biggest).
                "[mem 0xc0000000-0xfeffbfff] available for PCI devices");
    }

    @Test
    void unavailableRangesComeFromThePagesAroundTheHoles() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        // pfn 0 (page 0 reserved by trim_bios_range) -> 1 page; pfns 0x9f..0xff (the partial page at
        // 0x9f000 plus the 640K-1M hole) -> 0x61 = 97 pages; pfns 0xbffe0..0xbffff, the rest of the
        // present 128 MiB section 23 -> 32 pages, given to Normal, the zone above the hole. Sections
        // 24..31 (3 GiB - 4 GiB) hold no memory, have no memmap, and count nothing.
        assertThat(boot.zones().unavailable()).containsExactly(
                new UnavailableRange(0, "DMA", 1),
                new UnavailableRange(0, "DMA", 97),
                new UnavailableRange(0, "Normal", 32));
        assertThat(boot.sections().present(23)).isTrue();
        assertThat(boot.sections().present(24)).isFalse();
        assertThat(boot.sections().count()).isEqualTo(24 + 8); // 0..23 below 3 GiB, 32..39 at 4-5 GiB
    }

    @Test
    void presentPagesMatchTheKernelsMemoryLine() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        // dmesg (a): "Memory: 2871904K/4193784K available" - 4193784K / 4K = 1048446 present pages,
        // also its "Built 1 zonelists, mobility grouping on.  Total pages: 1048446".
        assertThat(boot.zones().presentPages()).isEqualTo(1048446);
        // DMA spans pfns 1..0xfff and misses the 97 pages of the hole: 4095 - 97 = 3998 present
        assertThat(boot.zones().span(0, "DMA")).isEqualTo(new ZoneSpan(0, "DMA", 1, 4095, 3998));
        assertThat(boot.maxPfn()).isEqualTo(0x140000);
        assertThat(boot.maxLowPfn()).as("x86-64 init_mem_mapping() raises max_low_pfn to max_pfn").isEqualTo(0x140000);
    }

    @Test
    void memblockDebugPrintsTheRealMemblockConfigurationAfterTheLastPfnLines() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G(), BootConfig.defaults().withMemblockDebug(true));
        // Linux 6.6.41 QEMU 4 GiB boot with memblock=debug nokaslr; BootConfig.defaults() carries
        // that kernel's image and brk sizes.
        assertThat(boot.report()).containsSubsequence(
                "last_pfn = 0xbffe0 max_arch_pfn = 0x400000000",
                "MEMBLOCK configuration:",
                " memory size = 0x00000000fff7ec00 reserved size = 0x000000000267a000",
                " memory.cnt  = 0x3",
                " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0",
                " memory[0x1]\t[0x0000000000100000-0x00000000bffdffff], 0x00000000bfee0000 bytes flags: 0x0",
                " memory[0x2]\t[0x0000000100000000-0x000000013fffffff], 0x0000000040000000 bytes flags: 0x0",
                " reserved.cnt  = 0x3",
                " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0",
                " reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0",
                " reserved[0x2]\t[0x0000000001000000-0x0000000003608fff], 0x0000000002609000 bytes flags: 0x0",
                "Zone ranges:");
    }

    @Test
    void afterBootTheFirstMebibyteAndTheKernelAreReservedAndTheLimitIsTheEndOfRam() {
        Memblock mb = BootMemory.boot(SampleFirmware.qemu4G()).memblock();
        // reserve_real_mode(): the 28672-byte trampoline at 0x98000 (as the 6.6 boot logged), then
        // memblock_reserve(0, SZ_1M) swallows it and the BIOS area into one region.
        assertThat(mb.reserved().regions()).containsExactly(
                new MemblockRegion(0x0, 0x100000, 0, Memblock.MAX_NUMNODES),
                new MemblockRegion(0x1000000, 0x2609000, 0, Memblock.MAX_NUMNODES));
        assertThat(mb.currentLimit()).isEqualTo(0x140000000L);
        assertThat(mb.memory().nid(0)).isZero();
        // a later top-down allocation comes from the top of RAM
        assertThat(mb.alloc(4096, 4096)).isEqualTo(0x13ffff000L);
    }

    @Test
    void bootingTheQ35TwoGibTableReproducesTheLinux619Dmesg() {
        BootMemoryResult boot = BootMemory.boot(FirmwareMemoryMap.parse(Q35_2G_DMESG),
                BootConfig.defaults().withMaxPhysmemBits(52));
        // Fedora 44, Linux 6.19.10 (5-level capable: max_arch_pfn 0x10000000000). That kernel prints one
        // extra "last_pfn" line before the two e820 edits, which 6.13 does not; the rest is verbatim.
        assertThat(boot.report()).containsSubsequence(
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
                "e820: remove [mem 0x000a0000-0x000fffff] usable",
                "last_pfn = 0x7ffd6 max_arch_pfn = 0x10000000000",
                "Zone ranges:",
                "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                "  DMA32    [mem 0x0000000001000000-0x000000007ffd5fff]",
                "  Normal   empty",
                "  Device   empty",
                "Movable zone start for each node",
                "Early memory node ranges",
                "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                "  node   0: [mem 0x0000000000100000-0x000000007ffd5fff]",
                "Initmem setup node 0 [mem 0x0000000000001000-0x000000007ffd5fff]",
                "On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                // the tail of the last section: pfns 0x7ffd6..0x7ffff = 42 pages, in the last zone DMA32
                "On node 0, zone DMA32: 42 pages in unavailable ranges",
                "[mem 0xc0000000-0xfed1bfff] available for PCI devices");
        // no second last_pfn line: max_pfn is below 4 GiB
        assertThat(boot.report()).filteredOn(l -> l.startsWith("last_pfn")).hasSize(1);
        // "Built 1 zonelists, mobility grouping on.  Total pages: 524148" = 0x9e + (0x7ffd6 - 0x100)
        assertThat(boot.zones().presentPages()).isEqualTo(524148);
    }

    @Test
    void bootingTheVirtualBoxTableGivesTheDerivedLinux6Lines() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.fedoraVirtualBox());
        // linux-reference.md §2.4 (c) is a Linux 5.6.6 journal and shows only the BIOS-e820 lines;
        // the lines after them are derived by hand for a 6.x kernel:
        //  - last_pfn: RAM ends at 0x3373fffff -> 0x337400; below 4 GiB the ACPI entry counts -> 0xe0000
        //  - DMA32 ends at 4 GiB, Normal runs to 0x3373fffff
        //  - holes: pfn 0 (1), 0x9f..0xff (97), 0xdfff0..0xdffff in present section 27 (16, the ACPI
        //    page range, zone Normal above the hole), then the tail of the last section
        //    0x337400..0x337fff (0xc00 = 3072 pages, last zone Normal)
        //  - PCI gap: 0xe0000000-0xfebfffff (0x1ec00000) beats 0xfee01000-0xfffbffff (0x11bf000)
        // 5.6.6 itself printed the holes differently ("Zeroed struct page in unavailable ranges").
        assertThat(boot.report().subList(10, boot.report().size())).containsExactly(
                "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
                "e820: remove [mem 0x000a0000-0x000fffff] usable",
                "last_pfn = 0x337400 max_arch_pfn = 0x400000000",
                "last_pfn = 0xe0000 max_arch_pfn = 0x400000000",
                "Zone ranges:",
                "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
                "  Normal   [mem 0x0000000100000000-0x00000003373fffff]",
                "  Device   empty",
                "Movable zone start for each node",
                "Early memory node ranges",
                "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                "  node   0: [mem 0x0000000000100000-0x00000000dffeffff]",
                "  node   0: [mem 0x0000000100000000-0x00000003373fffff]",
                "Initmem setup node 0 [mem 0x0000000000001000-0x00000003373fffff]",
                "On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                "On node 0, zone Normal: 16 pages in unavailable ranges",
                "On node 0, zone Normal: 3072 pages in unavailable ranges",
                "[mem 0xe0000000-0xfebfffff] available for PCI devices");
    }

    @Test
    void bootingTheSynthetic128MiBTableLeavesNormalEmpty() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu128M());
        // seed-digest D.1: RAM ends at 0x7fdffff -> max_pfn 0x7fe0, DMA32 ends there, Normal is empty,
        // and the last 0x20 pages of the 128 MiB section 0 are unavailable (DMA32).
        assertThat(boot.report()).containsSubsequence(
                "last_pfn = 0x7fe0 max_arch_pfn = 0x400000000",
                "  DMA32    [mem 0x0000000001000000-0x0000000007fdffff]",
                "  Normal   empty",
                "On node 0, zone DMA32: 32 pages in unavailable ranges",
                "[mem 0x08000000-0xfeffbfff] available for PCI devices");
    }

    @Test
    void aKernelOutsideRamIsAddedBackWithTheKernelsWarning() {
        // 16 MiB of RAM: the 38 MiB kernel image at 16 MiB is not in any usable entry
        List<E820Entry> small = List.of(
                E820Entry.of(0, 0x9fc00, E820Type.RAM),
                E820Entry.of(0x100000, 0xf00000, E820Type.RAM));
        BootMemoryResult boot = BootMemory.boot(small);
        assertThat(boot.report()).containsSubsequence(
                ".text .data .bss are not marked as E820_TYPE_RAM!",
                "e820: remove [mem 0x01000000-0x03608fff] ",
                "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved");
        assertThat(boot.e820().mappedAll(0x1000000, 0x3609000, E820Type.RAM)).isTrue();
    }

    @Test
    void aTableTheKernelWouldIgnoreIsRejected() {
        assertThatThrownBy(() -> BootMemory.boot(List.of(E820Entry.of(0, 0x9fc00, E820Type.RAM))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than 2 entries");
        assertThatThrownBy(() -> BootMemory.boot(List.of(E820Entry.of(0, 0x9fc00, E820Type.RAM),
                E820Entry.of(0xfffffffffffff000L, 0x2000, E820Type.RESERVED))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wraps past 2^64");
    }

    @Test
    void theFirmwareTableIsKeptAsPrintedAndTheFinalTableHasTheEdits() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        assertThat(boot.firmwareTable().nrEntries()).isEqualTo(8);
        assertThat(boot.e820().entry(0)).isEqualTo(E820Entry.of(0, 0x1000, E820Type.RESERVED));
        assertThat(boot.e820().nrEntries()).isEqualTo(9);
    }
}
