package io.pagelab.kernel.boot.setup;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Reply;
import java.util.Objects;
import java.util.function.Function;

/**
 * The real-mode kernel setup code: arch/x86/boot/main.c: main() and arch/x86/boot/memory.c:
 * detect_memory_e820() (Linux 6.x), run on a {@link SetupStage}.
 *
 * <p>The memory map is probed here, and only here, because INT 0x15 is a real-mode BIOS service:
 * it must happen before go_to_protected_mode(). The result travels to the kernel proper in the zero
 * page: {@code boot_params.e820_entries} and {@code boot_params.e820_table[]}, at most 128 entries.
 *
 * <p>Differs from Linux on purpose: detect_memory() tries only E820, not the older E801 and 88h
 * services.
 */
public final class SetupMain {

    private SetupMain() {
    }

    /** main(): every setup step in the kernel's order, ending in protected mode. */
    public static void main(SetupStage setup) {
        Objects.requireNonNull(setup, "setup");
        setup.copyBootParams();
        setup.consoleInit();
        setup.initHeap();
        setup.validateCpu();
        setup.setBiosMode();
        detectMemory(setup);
        setup.keyboardInit();
        setup.queryIst();
        setup.queryEdd();
        setup.setVideo();
        setup.goToProtectedMode();
    }

    /**
     * detect_memory() → detect_memory_e820(): the E820 loop, each entry stored straight into the
     * zero page, then e820_entries.
     *
     * @return the number of entries stored
     */
    public static int detectMemory(SetupStage setup) {
        Objects.requireNonNull(setup, "setup");
        ZeroPage zeroPage = setup.zeroPage();
        int count = e820Loop(setup::int15E820, zeroPage);
        zeroPage.putU8(ZeroPage.E820_ENTRIES, count);
        return count;
    }

    /**
     * The detect_memory_e820() loop against any INT 0x15 gateway, writing slots of the zero page's
     * e820_table; shared with {@link Bootloader#grub2} (GRUB's own loop follows the same rules).
     */
    static int e820Loop(Function<E820Call, E820Reply> int15, ZeroPage zeroPage) {
        int count = 0;
        int next = 0;
        do {
            E820Reply reply = int15.apply(new E820Call(Bios.E820, next, E820Entry.BYTES, Bios.SMAP));
            next = reply.ebx();
            if (reply.carry()) {
                break;
            }
            if (reply.eax() != Bios.SMAP) {
                count = 0; // a BIOS that forgets 'SMAP' mid-way cannot be trusted at all
                break;
            }
            E820Entry entry = reply.entry().orElseThrow(
                    () -> new IllegalStateException("BIOS reported success without an entry: " + reply));
            zeroPage.putE820Entry(count++, entry);
        } while (next != 0 && count < ZeroPage.E820_MAX_ENTRIES_ZEROPAGE);
        return count;
    }
}
