package io.pagelab.userspace.malloclab;

/**
 * An allocator broke the malloc contract while replaying a trace (like CS:APP mdriver.c's
 * "Payload address not aligned", "Payload overlaps another payload", "mm_realloc did not preserve
 * the data from old block"): the message names the trace, the line, the call and what was wrong.
 */
public final class AllocatorFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String trace;
    private final int line;

    AllocatorFault(String allocator, String trace, TraceOp op, String what) {
        super(trace + ":" + op.line() + ": \"" + op + "\": " + allocator + " " + what);
        this.trace = trace;
        this.line = op.line();
    }

    /** The trace being replayed. */
    public String trace() {
        return trace;
    }

    /** The line of the call that went wrong. */
    public int line() {
        return line;
    }
}
