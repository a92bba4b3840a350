package io.pagelab.kernel.boot.setup;

/**
 * Something that only works in real mode was attempted after the CPU left it: a BIOS call, or a
 * step of the real-mode setup code, after go_to_protected_mode(). The message names the operation
 * and why it needs real mode.
 */
public final class RealModeOnlyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String operation;

    RealModeOnlyException(String operation, String message) {
        super(message);
        this.operation = operation;
    }

    /** What was attempted, for example {@code "int 0x15 ax=0xe820"} or {@code "set_video"}. */
    public String operation() {
        return operation;
    }
}
