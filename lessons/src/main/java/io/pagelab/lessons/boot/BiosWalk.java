package io.pagelab.lessons.boot;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * The real-mode loop that asks the BIOS for the memory map, one INT 0x15 E820 call at a time, kept
 * with every call so a lesson can show them. It follows arch/x86/boot/memory.c:
 * detect_memory_e820() (Linux 6.x): start with EBX = 0, echo back the EBX each reply returns, stop
 * when it is 0 again or the carry flag is set, throw everything away if EAX is not 'SMAP', and
 * never keep more than E820_MAX_ENTRIES_ZEROPAGE (128) entries.
 *
 * <p>Differs from Linux on purpose: it records each call for display, and it does not clear the
 * 20-byte buffer between calls (the simulated BIOS returns the entry instead of writing memory).
 */
record BiosWalk(List<Step> steps, List<E820Entry> entries, String outcome) {

    /** E820_MAX_ENTRIES_ZEROPAGE: room for 128 entries in boot_params. */
    static final int MAX_ENTRIES = 128;

    /** One call: the continuation sent and the reply. */
    record Step(int number, int ebxIn, E820Reply reply) {
    }

    static BiosWalk run(Bios bios) {
        List<Step> steps = new ArrayList<>();
        List<E820Entry> entries = new ArrayList<>();
        int next = 0;
        String outcome;
        while (true) {
            E820Reply reply = bios.int15E820(E820Call.next(next));
            steps.add(new Step(steps.size() + 1, next, reply));
            if (reply.carry()) {
                outcome = "the BIOS set the carry flag: end of the map";
                break;
            }
            if (reply.eax() != Bios.SMAP) {
                entries.clear();
                outcome = "EAX was not 'SMAP': a broken BIOS, the whole map is thrown away";
                break;
            }
            reply.entry().ifPresent(entries::add);
            next = reply.ebx();
            if (next == 0) {
                outcome = "EBX came back 0: that was the last entry";
                break;
            }
            if (entries.size() >= MAX_ENTRIES) {
                outcome = "128 entries (E820_MAX_ENTRIES_ZEROPAGE): boot_params is full, stop";
                break;
            }
        }
        return new BiosWalk(List.copyOf(steps), List.copyOf(entries), outcome);
    }
}
