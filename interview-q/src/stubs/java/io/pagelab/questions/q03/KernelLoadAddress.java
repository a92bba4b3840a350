package io.pagelab.questions.q03;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;

/**
 * Q3 kernel会加载到何处呢？由什么决定它的位置？ Where is the kernel loaded, and what decides it?
 *
 * <p>Three parties decide. The build: {@code LOAD_PHYSICAL_ADDR} is CONFIG_PHYSICAL_START (16 MiB)
 * rounded up to CONFIG_PHYSICAL_ALIGN (2 MiB), and the bzImage's setup header
 * (arch/x86/boot/header.S, Documentation/arch/x86/boot.rst) advertises where it wants to go. The
 * boot loader: it loads the protected-mode kernel at {@code code32_start} (1 MiB) or, for a
 * relocatable kernel, somewhere with {@code init_size} bytes of usable RAM. The kernel itself:
 * arch/x86/boot/compressed/head_64.S decides where to decompress. (KASLR may then move it: Q4.)
 * 内核的位置由编译配置、setup 头部字段、引导程序和解压代码共同决定，之后 KASLR 还可能再移动它。
 *
 * <p>Your task:
 * <ul>
 *   <li>{@link #loadPhysicalAddr}: {@code ALIGN(physicalStart, physicalAlign)}, rounding up
 *       (arch/x86/include/asm/page_types.h).</li>
 *   <li>{@link #parseSetupHeader}: read the boot-protocol fields from a bzImage. All are
 *       little-endian, at these byte offsets from the start of the file:
 *       <pre>
 *       0x1fe u16 boot_flag          must be 0xAA55
 *       0x202 4 bytes header         must be the ASCII magic "HdrS"
 *       0x206 u16 version            boot protocol, e.g. 0x020f for 2.15
 *       0x214 u32 code32_start       where a loader puts the protected-mode kernel (0x100000)
 *       0x230 u32 kernel_alignment   CONFIG_PHYSICAL_ALIGN
 *       0x234 u8  relocatable_kernel non-zero if the kernel may run elsewhere
 *       0x258 u64 pref_address       preferred load address, LOAD_PHYSICAL_ADDR
 *       0x260 u32 init_size          bytes of memory needed from the start address while booting
 *       </pre>
 *       Throw {@link io.pagelab.api.error.InvalidArgumentException} when the image is too short to
 *       hold these fields, or when boot_flag or the magic is wrong; the message names the field and
 *       the value expected.</li>
 *   <li>{@link #decompressionAddress}: what head_64.S computes. A relocatable kernel runs at the
 *       address it was loaded at rounded up to {@code kernel_alignment}, but never below
 *       {@code loadPhysicalAddr}; a non-relocatable kernel always runs at {@code loadPhysicalAddr}.</li>
 *   <li>{@link #fitsInUsableRam}: whether {@code [addr, addr + size)} lies entirely inside one
 *       usable (type RAM) e820 entry, as a boot loader must check before using it.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q03} to check your work.
 */
public final class KernelLoadAddress {

    private KernelLoadAddress() {
    }

    /** The setup-header fields this exercise reads (given complete, no need to edit). */
    public record Header(int bootFlag, String magic, int version, long code32Start, long kernelAlignment,
                         boolean relocatable, long prefAddress, long initSize) {
    }

    /** {@code LOAD_PHYSICAL_ADDR}: physicalStart rounded up to a multiple of physicalAlign (a power of two). */
    public static long loadPhysicalAddr(long physicalStart, long physicalAlign) {
        throw new Todo("q03/KernelLoadAddress.java");
    }

    /** The boot-protocol fields of a bzImage file. */
    public static Header parseSetupHeader(byte[] image) {
        throw new Todo("q03/KernelLoadAddress.java");
    }

    /**
     * Where head_64.S decompresses the kernel.
     *
     * @param loadedAt where the boot loader put the protected-mode kernel
     * @param header the image's setup header (relocatable_kernel, kernel_alignment)
     * @param loadPhysicalAddr LOAD_PHYSICAL_ADDR of the build
     */
    public static long decompressionAddress(long loadedAt, Header header, long loadPhysicalAddr) {
        throw new Todo("q03/KernelLoadAddress.java");
    }

    /** True when {@code [addr, addr + size)} is inside one usable e820 entry. */
    public static boolean fitsInUsableRam(List<E820Entry> e820, long addr, long size) {
        throw new Todo("q03/KernelLoadAddress.java");
    }
}
