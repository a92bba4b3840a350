package io.pagelab.kernel.kaslr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The mem_avoid[] table of arch/x86/boot/compressed/kaslr.c: mem_avoid_init() (Linux 6.x), the
 * physical ranges the kernel must not be decompressed over:
 *
 * <pre>
 *  MEM_AVOID_ZO_RANGE    [input, output + init_size): the compressed kernel (ZO) and the
 *                        decompression buffer it runs from
 *  MEM_AVOID_INITRD      the initrd the boot loader loaded (ramdisk_image/ramdisk_size)
 *  MEM_AVOID_CMDLINE     the command line, its length counted with the terminating NUL
 *  MEM_AVOID_BOOTPARAMS  the zero page, sizeof(struct boot_params) = 4096
 *  MEM_AVOID_MEMMAP_*    up to 4 memmap= regions from the command line
 * </pre>
 */
public final class MemAvoid {
    /** sizeof(struct boot_params). */
    public static final long BOOT_PARAMS_SIZE = 4096;

    private MemAvoid() {
    }

    /**
     * The table mem_avoid_init() builds.
     *
     * @param input where the compressed payload starts (input_data)
     * @param output where the kernel would be decompressed without KASLR
     * @param initSize hdr.init_size: the linear memory the decompressor needs from {@code output}
     * @param initrdStart the initrd's address (0 with its size for none)
     * @param initrdSize the initrd's size
     * @param cmdlineAddr where the command line is
     * @param cmdline the command line (its length + 1 is avoided)
     * @param bootParamsAddr where the zero page is
     */
    public static List<MemVector> init(long input, long output, long initSize, long initrdStart, long initrdSize,
                                       long cmdlineAddr, String cmdline, long bootParamsAddr) {
        List<MemVector> avoid = new ArrayList<>();
        avoid.add(new MemVector("ZO range", input, output + initSize - input));
        avoid.add(new MemVector("initrd", initrdStart, initrdSize));
        avoid.add(new MemVector("cmdline", cmdlineAddr, cmdline.getBytes(StandardCharsets.US_ASCII).length + 1L));
        avoid.add(new MemVector("boot_params", bootParamsAddr, BOOT_PARAMS_SIZE));
        avoid.addAll(KaslrCmdline.parse(cmdline).memmapAvoid());
        return List.copyOf(avoid);
    }
}
