package io.pagelab.kernel.boot.setup;

import java.util.Objects;

/**
 * One thing the setup stage did, in order: a step of arch/x86/boot/main.c: main() named after its
 * kernel function ({@code "detect_memory"} is not a step of its own: its BIOS calls appear as
 * {@code "int 0x15 ax=0xe820"} events), with a detail such as the registers of a BIOS call.
 *
 * @param name the kernel function or the BIOS call
 * @param detail extra information, may be empty
 */
public record SetupEvent(String name, String detail) {
    /** The name of every E820 BIOS call event. */
    public static final String INT15_E820 = "int 0x15 ax=0xe820";

    public SetupEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? name : name + " (" + detail + ")";
    }
}
