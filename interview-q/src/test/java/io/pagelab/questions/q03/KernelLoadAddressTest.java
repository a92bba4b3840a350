package io.pagelab.questions.q03;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.questions.q03.KernelLoadAddress.Header;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q3 kernel会加载到何处呢？由什么决定它的位置？ Where is the kernel loaded, and what decides it?
 *
 * <p>Header offsets from Documentation/arch/x86/boot.rst; the images are synthetic bzImage headers
 * written here byte by byte. Expected addresses are worked out by hand next to each case.
 */
@Grader(id = "q03")
@DisplayName("Q3 LOAD_PHYSICAL_ADDR, the setup header, head_64.S's decompression address")
class KernelLoadAddressTest {

    /** A bzImage header as a Linux 6.x x86-64 build writes it (init_size synthetic). */
    static byte[] image(long code32Start, long kernelAlignment, int relocatable, long prefAddress, long initSize) {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 0x1b); // setup_sects
        b.putShort(0x1fe, (short) 0xAA55);
        b.put(0x202, "HdrS".getBytes(StandardCharsets.US_ASCII));
        b.putShort(0x206, (short) 0x020f);
        b.putInt(0x214, (int) code32Start);
        b.putInt(0x230, (int) kernelAlignment);
        b.put(0x234, (byte) relocatable);
        b.put(0x235, (byte) 21); // min_alignment
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        return b.array();
    }

    static Header header(long kernelAlignment, boolean relocatable) {
        return new Header(0xAA55, "HdrS", 0x020f, 0x100000, kernelAlignment, relocatable, 0x1000000L, 0x304c000L);
    }

    @Test
    @Points(2)
    @Hint("ALIGN(x, a) for a power of two a is (x + a - 1) & ~(a - 1): round up, never down.")
    void loadPhysicalAddrRoundsPhysicalStartUpToTheAlignment() {
        // defaults: 16 MiB is already a multiple of 2 MiB
        assertThat(KernelLoadAddress.loadPhysicalAddr(0x1000000L, 0x200000L)).as("ALIGN(0x1000000, 0x200000)")
                .isEqualTo(0x1000000L);
        // 0x1000001 -> next multiple of 0x200000 is 0x1200000
        assertThat(KernelLoadAddress.loadPhysicalAddr(0x1000001L, 0x200000L)).as("ALIGN(0x1000001, 0x200000)")
                .isEqualTo(0x1200000L);
        // 20 MiB with 16 MiB alignment -> 32 MiB
        assertThat(KernelLoadAddress.loadPhysicalAddr(0x1400000L, 0x1000000L)).as("ALIGN(0x1400000, 0x1000000)")
                .isEqualTo(0x2000000L);
    }

    @Test
    @Points(3)
    @Hint("Every field is little-endian: the byte at the lowest offset is the least significant. "
            + "code32_start 0x100000 is stored as 00 00 10 00.")
    void theSetupHeaderFieldsAreReadLittleEndian() {
        Header h = KernelLoadAddress.parseSetupHeader(image(0x100000L, 0x200000L, 1, 0x1000000L, 0x304c000L));
        assertThat(h).as("setup header of a default x86-64 bzImage")
                .isEqualTo(new Header(0xAA55, "HdrS", 0x020f, 0x100000L, 0x200000L, true, 0x1000000L, 0x304c000L));
    }

    @Test
    @Points(2)
    @Hint("pref_address is a u64 (8 bytes at 0x258); init_size and code32_start are u32 and must come out "
            + "unsigned.")
    void wideAndHighValuesKeepAllTheirBits() {
        Header h = KernelLoadAddress.parseSetupHeader(image(0x100000L, 0x1000000L, 0, 0x0000000123456000L, 0xfedc0000L));
        assertThat(h.prefAddress()).as("pref_address above 4 GiB").isEqualTo(0x123456000L);
        assertThat(h.initSize()).as("init_size with bit 31 set, as unsigned").isEqualTo(0xfedc0000L);
        assertThat(h.relocatable()).as("relocatable_kernel = 0").isFalse();
        assertThat(h.kernelAlignment()).as("kernel_alignment").isEqualTo(0x1000000L);
    }

    @Test
    @Points(2)
    @Hint("Check the image length first, then boot_flag (0xAA55 at 0x1fe), then \"HdrS\" at 0x202; throw "
            + "InvalidArgumentException naming the field.")
    void aBrokenImageIsRefusedNamingWhatIsWrong() {
        byte[] noMagic = image(0x100000L, 0x200000L, 1, 0x1000000L, 0x304c000L);
        noMagic[0x202] = 'X';
        assertThatThrownBy(() -> KernelLoadAddress.parseSetupHeader(noMagic)).as("wrong magic")
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("HdrS");
        byte[] noFlag = image(0x100000L, 0x200000L, 1, 0x1000000L, 0x304c000L);
        noFlag[0x1fe] = 0;
        assertThatThrownBy(() -> KernelLoadAddress.parseSetupHeader(noFlag)).as("wrong boot_flag")
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("boot_flag");
        assertThatThrownBy(() -> KernelLoadAddress.parseSetupHeader(new byte[0x200])).as("too short")
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(3)
    @Hint("head_64.S: out = ALIGN(loaded address, kernel_alignment); if out < LOAD_PHYSICAL_ADDR use "
            + "LOAD_PHYSICAL_ADDR. A kernel that is not relocatable ignores where it was loaded.")
    void aBzImageLoadedAt1MiBIsDecompressedAt16MiB() {
        // ALIGN(0x100000, 2 MiB) = 0x200000 < 0x1000000
        assertThat(KernelLoadAddress.decompressionAddress(0x100000L, header(0x200000L, true), 0x1000000L))
                .as("loaded at code32_start 1 MiB").isEqualTo(0x1000000L);
        // ALIGN(0x5001000, 2 MiB) = 0x5200000, above 16 MiB: the kernel runs where it was put
        assertThat(KernelLoadAddress.decompressionAddress(0x5001000L, header(0x200000L, true), 0x1000000L))
                .as("relocatable, loaded at 0x5001000").isEqualTo(0x5200000L);
        // ALIGN(0x5001000, 16 MiB) = 0x6000000
        assertThat(KernelLoadAddress.decompressionAddress(0x5001000L, header(0x1000000L, true), 0x1000000L))
                .as("relocatable with 16 MiB alignment").isEqualTo(0x6000000L);
        assertThat(KernelLoadAddress.decompressionAddress(0x5001000L, header(0x200000L, false), 0x1000000L))
                .as("not relocatable").isEqualTo(0x1000000L);
    }

    @Test
    @Points(3)
    @Hint("Only entries of type RAM (usable) count, and the whole range must fit in a single entry: "
            + "entry.addr <= addr and addr + size <= entry.addr + entry.size.")
    void theKernelsMemoryMustLieInOneUsableRange() {
        // seed-digest App. D.1: usable [0, 0x9fc00) and [0x100000, 0x7fe0000)
        List<E820Entry> d1 = SampleFirmware.qemu128M().entries();
        assertThat(KernelLoadAddress.fitsInUsableRam(d1, 0x1000000L, 0x304c000L)).as("16 MiB + init_size").isTrue();
        assertThat(KernelLoadAddress.fitsInUsableRam(d1, 0x7000000L, 0x1000000L))
                .as("[0x7000000, 0x8000000) runs past the end of RAM 0x7fe0000").isFalse();
        assertThat(KernelLoadAddress.fitsInUsableRam(d1, 0x9f000L, 0x2000L)).as("across the legacy hole").isFalse();
        assertThat(KernelLoadAddress.fitsInUsableRam(d1, 0xf0000L, 0x1000L)).as("in a reserved entry").isFalse();
        // QEMU 4 GiB (linux-reference.md §2.4 (a)): RAM above 4 GiB is usable too
        assertThat(KernelLoadAddress.fitsInUsableRam(SampleFirmware.qemu4G().entries(), 0x100000000L, 0x40000000L))
                .as("exactly the usable range [4 GiB, 5 GiB)").isTrue();
    }
}
