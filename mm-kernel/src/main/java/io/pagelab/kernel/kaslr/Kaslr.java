package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kernel image randomization, arch/x86/boot/compressed/kaslr.c (Linux 6.x): choose_random_location()
 * picks a random physical address and, on x86-64, an independent random virtual offset.
 *
 * <pre>
 *  "nokaslr"           -&gt; stay at output, virt_addr = LOAD_PHYSICAL_ADDR, no KASLR_FLAG
 *  min_addr            = min(output, 512 MiB)
 *  physical            = find_random_phys_addr(min_addr, output_size):
 *                        slots in usable RAM (PhysicalSlots), slot = random % slot_max;
 *                        no slot -&gt; "Physical KASLR disabled: no suitable memory region!"
 *  virtual (x86-64)    = find_random_virt_addr(LOAD_PHYSICAL_ADDR, output_size):
 *                        slots = (KERNEL_IMAGE_SIZE - minimum - ALIGN(image)) / align + 1
 *                        virt_addr = (random % slots) * align + minimum
 * </pre>
 *
 * <p>With the defaults (16 MiB minimum, 2 MiB alignment, 1 GiB KERNEL_IMAGE_SIZE) a 40 MiB image
 * has (1024 - 16 - 40) / 2 + 1 = 485 virtual slots (linux-reference.md §14.1).
 *
 * <p>Random numbers are drawn from the {@link RandomSource} in the kernel's order: "Physical" (only
 * when there is at least one slot), then "Virtual". Differs from Linux: no EFI memory map, no
 * identity-mapping page tables.
 */
public final class Kaslr {
    private static final Logger log = LoggerFactory.getLogger(Kaslr.class);

    /** The highest minimum choose_random_location() starts from: 512 MiB. */
    public static final long MIN_ADDR_CAP = 512L << 20;

    private Kaslr() {
    }

    /**
     * find_random_phys_addr(): a random slot's address, or 0 when there is none (or when more than
     * four memmap= regions were given).
     */
    public static long findRandomPhysAddr(SlotTable slots, boolean memmapTooLarge, RandomSource random) {
        if (memmapTooLarge) {
            log.debug("Aborted memory entries scan (more than 4 memmap= args)!");
            return 0;
        }
        long max = slots.total();
        if (max == 0) {
            return 0;
        }
        long slot = Long.remainderUnsigned(random.nextLong(), max);
        return slots.address(slot);
    }

    /** The number of virtual slots find_random_virt_addr() chooses from. */
    public static long virtualSlots(long minimum, long imageSize, KaslrConfig config) {
        long min = config.align(minimum);
        long image = config.align(imageSize);
        if (min + image > config.kernelImageSize()) {
            throw new InvalidArgumentException(String.format(
                    "an image of %#x bytes from %#x does not fit in KERNEL_IMAGE_SIZE %#x", image, min,
                    config.kernelImageSize()));
        }
        return (config.kernelImageSize() - min - image) / config.physicalAlign() + 1;
    }

    /** find_random_virt_addr(): a random CONFIG_PHYSICAL_ALIGN step at or above {@code minimum}. */
    public static long findRandomVirtAddr(long minimum, long imageSize, KaslrConfig config, RandomSource random) {
        long slots = virtualSlots(minimum, imageSize, config);
        long slot = Long.remainderUnsigned(random.nextLong(), slots);
        return slot * config.physicalAlign() + config.align(minimum);
    }

    /** choose_random_location() for an x86-64 kernel. */
    public static KaslrResult chooseRandomLocation(KaslrRequest request, RandomSource random) {
        KaslrConfig config = request.config();
        long loadPhysicalAddr = config.loadPhysicalAddr();
        KaslrCmdline cmdline = KaslrCmdline.parse(request.cmdline());
        List<String> warnings = new ArrayList<>();
        if (cmdline.nokaslr()) {
            warnings.add("KASLR disabled: 'nokaslr' on cmdline.");
            log.info("KASLR disabled: 'nokaslr' on cmdline.");
            return new KaslrResult(request.output(), loadPhysicalAddr, 0, 0, false, warnings);
        }
        long minAddr = Math.min(request.output(), MIN_ADDR_CAP);
        SlotTable slots = PhysicalSlots.scan(request.e820(), minAddr, request.outputSize(), request.memAvoid(),
                cmdline.memLimit(), config);
        long physical = findRandomPhysAddr(slots, cmdline.memmapTooLarge(), random);
        long output = request.output();
        if (physical == 0) {
            warnings.add("Physical KASLR disabled: no suitable memory region!");
            log.info("Physical KASLR disabled: no suitable memory region!");
        } else {
            output = physical;
        }
        long virtSlots = virtualSlots(loadPhysicalAddr, request.outputSize(), config);
        long virt = findRandomVirtAddr(loadPhysicalAddr, request.outputSize(), config, random);
        log.debug("KASLR: physical {} (of {} slots), virtual offset {} (of {} slots)", hex(output), slots.total(),
                hex(virt), virtSlots);
        return new KaslrResult(output, virt, cmdline.memmapTooLarge() ? 0 : slots.total(), virtSlots, true, warnings);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
