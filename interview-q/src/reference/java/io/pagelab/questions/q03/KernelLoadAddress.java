package io.pagelab.questions.q03;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Q3 kernel会加载到何处呢？由什么决定它的位置？ Where is the kernel loaded, and what decides it?
 * (reference solution)
 *
 * <p>Models arch/x86/include/asm/page_types.h (LOAD_PHYSICAL_ADDR), the setup header of
 * arch/x86/boot/header.S as Documentation/arch/x86/boot.rst lists it, and the choice of the
 * decompression address in arch/x86/boot/compressed/head_64.S (Linux 6.x).
 */
public final class KernelLoadAddress {
    private static final int BOOT_FLAG = 0x1fe;
    private static final int HEADER = 0x202;
    private static final int VERSION = 0x206;
    private static final int CODE32_START = 0x214;
    private static final int KERNEL_ALIGNMENT = 0x230;
    private static final int RELOCATABLE_KERNEL = 0x234;
    private static final int PREF_ADDRESS = 0x258;
    private static final int INIT_SIZE = 0x260;

    private KernelLoadAddress() {
    }

    /** The setup-header fields this exercise reads. */
    public record Header(int bootFlag, String magic, int version, long code32Start, long kernelAlignment,
                         boolean relocatable, long prefAddress, long initSize) {
    }

    public static long loadPhysicalAddr(long physicalStart, long physicalAlign) {
        return (physicalStart + physicalAlign - 1) & -physicalAlign;
    }

    public static Header parseSetupHeader(byte[] image) {
        if (image.length < INIT_SIZE + 4) {
            throw new InvalidArgumentException(String.format(
                    "image of %d bytes is too short: the setup header ends at byte %#x (init_size)", image.length,
                    INIT_SIZE + 4));
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int bootFlag = Short.toUnsignedInt(b.getShort(BOOT_FLAG));
        if (bootFlag != 0xAA55) {
            throw new InvalidArgumentException(String.format(
                    "boot_flag at 0x1fe is %#06x, a bzImage has 0xaa55", bootFlag));
        }
        String magic = new String(image, HEADER, 4, StandardCharsets.US_ASCII);
        if (!magic.equals("HdrS")) {
            throw new InvalidArgumentException(
                    "header magic at 0x202 is \"" + magic + "\", the boot protocol needs \"HdrS\"");
        }
        return new Header(bootFlag, magic, Short.toUnsignedInt(b.getShort(VERSION)),
                Integer.toUnsignedLong(b.getInt(CODE32_START)), Integer.toUnsignedLong(b.getInt(KERNEL_ALIGNMENT)),
                image[RELOCATABLE_KERNEL] != 0, b.getLong(PREF_ADDRESS), Integer.toUnsignedLong(b.getInt(INIT_SIZE)));
    }

    public static long decompressionAddress(long loadedAt, Header header, long loadPhysicalAddr) {
        if (!header.relocatable()) {
            return loadPhysicalAddr;
        }
        long align = header.kernelAlignment();
        long out = (loadedAt + align - 1) & -align;
        return Long.compareUnsigned(out, loadPhysicalAddr) < 0 ? loadPhysicalAddr : out;
    }

    public static boolean fitsInUsableRam(List<E820Entry> e820, long addr, long size) {
        for (E820Entry e : e820) {
            if (e.type() == E820Type.RAM && addr >= e.addr() && addr + size <= e.end()) {
                return true;
            }
        }
        return false;
    }
}
