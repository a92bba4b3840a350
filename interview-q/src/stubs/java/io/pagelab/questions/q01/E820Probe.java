package io.pagelab.questions.q01;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;

/**
 * Q1 如何知道计算机内存布局？内存空间有多少？ How does the machine learn its memory layout, and how
 * much memory is there?
 *
 * <p>At power-on the firmware knows which address ranges hold RAM and which belong to ROMs,
 * devices or itself. The kernel's real-mode setup code asks for that map with the BIOS service
 * INT 0x15, AX=0xE820, which answers ONE entry per call. You write the loop Linux runs in
 * arch/x86/boot/memory.c: detect_memory_e820(), then count the usable RAM.
 * 内核在实模式下通过 INT 0x15/E820 逐条向 BIOS 询问内存布局：每次调用只返回一项。
 *
 * <p>Calling the BIOS: {@code bios.int15E820(new E820Call(eax, ebx, ecx, edx))} returns an
 * {@link io.pagelab.hardware.firmware.E820Reply} with the output registers, the carry flag and the
 * entry. Load the registers as the kernel does:
 * <ul>
 *   <li>EAX = 0xE820 ({@code Bios.E820}), the function number;</li>
 *   <li>EBX = the continuation value: 0 on the first call, afterwards exactly the EBX the previous
 *       reply returned (it is the BIOS's private cursor; do not compute it);</li>
 *   <li>ECX = 20 ({@code E820Entry.BYTES}), the size of one entry;</li>
 *   <li>EDX = 'SMAP' = 0x534D4150 ({@code Bios.SMAP}), a signature.</li>
 * </ul>
 *
 * <p>After each call, in this order (read the kernel function to see why):
 * <ol>
 *   <li>carry flag set: stop, keeping the entries read so far;</li>
 *   <li>EAX is not 'SMAP': the firmware is broken; stop and return NO entries;</li>
 *   <li>otherwise keep the entry;</li>
 *   <li>go on while the returned EBX is not 0 and fewer than 128 entries were read
 *       (E820_MAX_ENTRIES_ZEROPAGE, the size of boot_params.e820_table).</li>
 * </ol>
 *
 * <p>Run {@code ./pagelab grade q01} to check your work.
 */
public final class E820Probe {

    /** The size of boot_params.e820_table[]: detect_memory_e820() never reads more. */
    public static final int E820_MAX_ENTRIES_ZEROPAGE = 128;

    private E820Probe() {
    }

    /**
     * Runs the E820 query loop against this BIOS.
     *
     * @param bios the firmware to ask; {@code bios.callCount()} will show how often you called it
     * @return the entries in the order the BIOS returned them, or an empty list if the BIOS
     *         misbehaved in a way that makes the map untrustworthy
     */
    public static List<E820Entry> detectMemory(Bios bios) {
        throw new Todo("q01/E820Probe.java");
    }

    /**
     * How much RAM the kernel may use: the total size of the entries of type usable
     * ({@code E820Type.RAM}, code 1).
     *
     * @param table a firmware table whose entries do not overlap
     * @return the usable bytes
     */
    public static long usableBytes(List<E820Entry> table) {
        throw new Todo("q01/E820Probe.java");
    }
}
