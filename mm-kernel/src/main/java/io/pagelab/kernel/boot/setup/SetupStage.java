package io.pagelab.kernel.boot.setup;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine as the real-mode setup code of arch/x86/boot/ sees it (Linux 6.x): a CPU that starts
 * in real mode, the BIOS behind it, and the zero page being filled. Each method is one step of
 * arch/x86/boot/main.c: main(); each records a {@link SetupEvent}, so a lesson or a grader can
 * read back what ran and in which order. The setup code is real-mode code: after
 * {@link #goToProtectedMode()} every step, and above all every BIOS call, is refused with a
 * {@link RealModeOnlyException}.
 *
 * <pre>
 *  main():  copy_boot_params   console_init   init_heap   validate_cpu   set_bios_mode
 *           detect_memory      (INT 0x15 AX=0xE820, one call per entry, into zero page e820_table)
 *           keyboard_init      query_ist      query_edd   set_video      go_to_protected_mode
 * </pre>
 *
 * <p>Differs from Linux on purpose: only the E820 service is really modelled (through
 * {@link Bios}); the other BIOS steps are recorded but do not change the zero page, except
 * copy_boot_params, which writes boot_flag and the "HdrS" magic. init_default_io_ops (Linux 5.19+)
 * and query_apm_bios (32-bit only) are left out.
 */
public final class SetupStage {
    private static final Logger log = LoggerFactory.getLogger(SetupStage.class);

    private final Bios bios;
    private final ZeroPage zeroPage = new ZeroPage();
    private final List<SetupEvent> trace = new ArrayList<>();
    private CpuMode mode = CpuMode.REAL;

    /** A machine just handed to the setup code: real mode, empty zero page. */
    public SetupStage(Bios bios) {
        this.bios = Objects.requireNonNull(bios, "bios");
    }

    /** The zero page being filled ({@code boot_params}). */
    public ZeroPage zeroPage() {
        return zeroPage;
    }

    /** The CPU's current mode. */
    public CpuMode cpuMode() {
        return mode;
    }

    /** What ran so far, in order. */
    public List<SetupEvent> trace() {
        return List.copyOf(trace);
    }

    /**
     * One INT 0x15, AX=0xE820 call through {@code intcall()}.
     *
     * @throws RealModeOnlyException once the CPU is in protected mode
     */
    public E820Reply int15E820(E820Call call) {
        Objects.requireNonNull(call, "call");
        requireRealMode(SetupEvent.INT15_E820, "INT 0x15 is a BIOS service");
        E820Reply reply = bios.int15E820(call);
        record(SetupEvent.INT15_E820, String.format("ebx=%#x -> ebx=%#x%s", call.ebx(), reply.ebx(),
                reply.carry() ? " CF=1" : ""));
        return reply;
    }

    /** copy_boot_params(): copies the setup header of the kernel image into the zero page. */
    public void copyBootParams() {
        step("copy_boot_params", null);
        zeroPage.copySetupHeader();
    }

    /** console_init(): the early serial console (I/O ports, no BIOS). */
    public void consoleInit() {
        step("console_init", null);
    }

    /** init_heap(): the setup code's small heap, up to heap_end_ptr. */
    public void initHeap() {
        step("init_heap", null);
    }

    /** validate_cpu(): CPUID checks that the CPU can run this kernel (long mode for x86-64). */
    public void validateCpu() {
        step("validate_cpu", null);
    }

    /** set_bios_mode(): INT 0x15 AX=0xEC00 BX=2, telling the BIOS the OS will run in long mode. */
    public void setBiosMode() {
        step("set_bios_mode", "INT 0x15 AX=0xEC00 is a BIOS service");
    }

    /** keyboard_init(): INT 0x16, keyboard lock status and repeat rate. */
    public void keyboardInit() {
        step("keyboard_init", "INT 0x16 is a BIOS service");
    }

    /** query_ist(): INT 0x15 AX=0xE980, Intel SpeedStep information. */
    public void queryIst() {
        step("query_ist", "INT 0x15 AX=0xE980 is a BIOS service");
    }

    /** query_edd(): INT 0x13, BIOS enhanced disk drive information (CONFIG_EDD). */
    public void queryEdd() {
        step("query_edd", "INT 0x13 is a BIOS service");
    }

    /** set_video(): INT 0x10, the video mode. */
    public void setVideo() {
        step("set_video", "INT 0x10 is a BIOS service");
    }

    /**
     * go_to_protected_mode() (arch/x86/boot/pm.c): disables interrupts, enables A20, loads a GDT and
     * an empty IDT, sets CR0.PE and jumps to the 32-bit kernel at code32_start. No way back.
     */
    public void goToProtectedMode() {
        step("go_to_protected_mode", null);
        mode = CpuMode.PROTECTED;
        log.debug("CPU now in protected mode; BIOS services are gone");
    }

    private void step(String name, String biosReason) {
        requireRealMode(name, biosReason == null ? name + " is part of the real-mode setup code" : biosReason);
        record(name, "");
    }

    private void record(String name, String detail) {
        SetupEvent event = new SetupEvent(name, detail);
        trace.add(event);
        log.debug("setup: {}", event);
    }

    private void requireRealMode(String operation, String why) {
        if (mode != CpuMode.REAL) {
            throw new RealModeOnlyException(operation, operation + " refused: " + why
                    + ", reachable only in real mode, but the CPU is in protected mode"
                    + " (go_to_protected_mode() already ran)");
        }
    }
}
