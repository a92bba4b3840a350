package io.pagelab.questions.q02;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Reply;
import io.pagelab.kernel.boot.setup.SetupStage;
import io.pagelab.kernel.boot.setup.ZeroPage;
import java.util.Objects;

/**
 * Q2 何时去探明内存布局？由谁去探明呢？ When is the layout probed, and by whom? (reference solution)
 *
 * <p>Models arch/x86/boot/main.c: main() and arch/x86/boot/memory.c: detect_memory_e820()
 * (Linux 6.x). The kernel's real-mode setup code probes the map while the CPU can still reach the
 * BIOS, i.e. before go_to_protected_mode(), and leaves it in the zero page for the kernel proper:
 *
 * <pre>
 *  boot_params + 0x1e8   u8   e820_entries
 *  boot_params + 0x2d0   e820_table[i] at 0x2d0 + 20*i:  u64 addr | u64 size | u32 type  (little-endian)
 * </pre>
 *
 * <p>With GRUB2 the boot loader does the probing and fills the same fields, then enters the kernel
 * in protected mode; this code does not run at all (see io.pagelab.kernel.boot.setup.Bootloader).
 */
public final class RealModeSetup {

    private RealModeSetup() {
    }

    /** main(): the setup steps in the kernel's order. */
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

    /** detect_memory_e820(): probe with INT 0x15 E820 and store each entry into boot_params. */
    public static void detectMemory(SetupStage setup) {
        ZeroPage zeroPage = setup.zeroPage();
        int count = 0;
        int next = 0;
        do {
            E820Reply reply = setup.int15E820(new E820Call(Bios.E820, next, E820Entry.BYTES, Bios.SMAP));
            next = reply.ebx();
            if (reply.carry()) {
                break;
            }
            if (reply.eax() != Bios.SMAP) {
                count = 0;
                break;
            }
            E820Entry entry = reply.entry().orElseThrow();
            int slot = ZeroPage.E820_TABLE + count * ZeroPage.E820_ENTRY_SIZE;
            zeroPage.putU64(slot, entry.addr());
            zeroPage.putU64(slot + 8, entry.size());
            zeroPage.putU32(slot + 16, entry.type().code());
            count++;
        } while (next != 0 && count < ZeroPage.E820_MAX_ENTRIES_ZEROPAGE);
        zeroPage.putU8(ZeroPage.E820_ENTRIES, count);
    }
}
