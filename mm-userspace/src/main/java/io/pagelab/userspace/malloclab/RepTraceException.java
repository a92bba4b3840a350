package io.pagelab.userspace.malloclab;

/**
 * A malloc-lab trace could not be read: the message names the trace and line, quotes the line,
 * and says what is allowed there, like a compiler error
 * ({@code short.rep:7: "f 9": id 9 is not allocated here; f needs a live id}).
 */
public final class RepTraceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String trace;
    private final int line;

    RepTraceException(String trace, int line, String text, String reason) {
        super(trace + ":" + line + (text == null ? "" : ": \"" + text + "\"") + ": " + reason);
        this.trace = trace;
        this.line = line;
    }

    /** The trace's name (file name or bundled name). */
    public String trace() {
        return trace;
    }

    /** The 1-based line at fault (the line after the last one for a missing line). */
    public int line() {
        return line;
    }
}
