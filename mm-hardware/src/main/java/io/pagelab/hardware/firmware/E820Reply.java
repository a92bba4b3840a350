package io.pagelab.hardware.firmware;

import java.util.Objects;
import java.util.Optional;

/**
 * The output of one INT 0x15, AX=0xE820 call: what detect_memory_e820() (arch/x86/boot/memory.c,
 * Linux 6.x) finds in {@code oreg} and in its 20-byte buffer afterwards.
 *
 * <pre>
 *  success           EAX='SMAP'  EBX=next continuation (0: that was the last)  ECX=20  CF=0  entry
 *  failure           CF=1, AH=0x86 (function not supported), no entry
 * </pre>
 *
 * @param eax 'SMAP' (0x534D4150) on success; a firmware may get this wrong (see {@link Bios.Quirk})
 * @param ebx continuation for the next call, 0 when the map is complete
 * @param ecx bytes written to the buffer (20), 0 on failure
 * @param carry the carry flag: set means the call failed
 * @param entry the entry written to the buffer, empty when nothing was written
 */
public record E820Reply(int eax, int ebx, int ecx, boolean carry, Optional<E820Entry> entry) {
    public E820Reply {
        Objects.requireNonNull(entry, "entry");
    }

    /** True when EAX holds 'SMAP' and the carry flag is clear: the only reply Linux accepts. */
    public boolean ok() {
        return !carry && eax == Bios.SMAP;
    }

    @Override
    public String toString() {
        return String.format("E820Reply[eax=%#x, ebx=%#x, ecx=%d, CF=%d, entry=%s]", eax, ebx, ecx,
                carry ? 1 : 0, entry.map(Object::toString).orElse("none"));
    }
}
