package io.pagelab.questions.q01;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Reply;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Q1 如何知道计算机内存布局？内存空间有多少？ How does the machine learn its memory layout, and how
 * much memory is there? (reference solution)
 *
 * <p>Models arch/x86/boot/memory.c: detect_memory_e820() (Linux 6.x). The real-mode setup code asks
 * the BIOS for the memory map with INT 0x15, AX=0xE820, one entry per call:
 *
 * <pre>
 *   EBX = 0
 *   do   EAX=0xE820  EBX=continuation  ECX=20  EDX='SMAP'   int 0x15
 *        continuation = returned EBX
 *        CF set              -&gt; stop, keep what was read
 *        EAX != 'SMAP'       -&gt; stop, throw the whole map away
 *        keep the entry
 *   while continuation != 0 and entries &lt; 128 (E820_MAX_ENTRIES_ZEROPAGE)
 * </pre>
 *
 * <p>Differs from Linux on purpose: the entries are returned as a list instead of being written
 * into boot_params.e820_table (Q2 does that), and the older e801/88 fallbacks are not tried.
 */
public final class E820Probe {

    /** The size of boot_params.e820_table[]: detect_memory_e820() never reads more. */
    public static final int E820_MAX_ENTRIES_ZEROPAGE = 128;

    private E820Probe() {
    }

    /** The firmware memory map, in the order the BIOS returned it (empty if the BIOS misbehaved). */
    public static List<E820Entry> detectMemory(Bios bios) {
        Objects.requireNonNull(bios, "bios");
        List<E820Entry> entries = new ArrayList<>();
        int continuation = 0;
        do {
            E820Reply reply = bios.int15E820(
                    new E820Call(Bios.E820, continuation, E820Entry.BYTES, Bios.SMAP));
            continuation = reply.ebx();
            if (reply.carry()) {
                break; // some BIOSes end the chain with CF=1 instead of EBX=0
            }
            if (reply.eax() != Bios.SMAP) {
                entries.clear(); // partial map, full map or garbage: nobody knows, so trust none of it
                break;
            }
            entries.add(reply.entry().orElseThrow(
                    () -> new IllegalStateException("BIOS reported success without an entry: " + reply)));
        } while (continuation != 0 && entries.size() < E820_MAX_ENTRIES_ZEROPAGE);
        return List.copyOf(entries);
    }

    /** Bytes of usable RAM (type 1) in a firmware table whose entries do not overlap. */
    public static long usableBytes(List<E820Entry> table) {
        long total = 0;
        for (E820Entry e : table) {
            if (e.type().equals(E820Type.RAM)) {
                total += e.size();
            }
        }
        return total;
    }
}
