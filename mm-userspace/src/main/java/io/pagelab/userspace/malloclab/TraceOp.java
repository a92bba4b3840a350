package io.pagelab.userspace.malloclab;

/**
 * One line of a malloc-lab trace: {@code a id size} (malloc), {@code f id} (free) or
 * {@code r id size} (realloc), with the line it came from for error messages.
 *
 * @param kind what the line asks for
 * @param id the block's id, in {@code [0, numIds)}
 * @param size requested bytes (0 for a free)
 * @param line 1-based line number in the trace file
 */
public record TraceOp(Kind kind, int id, long size, int line) {

    /** The three operations of malloc-lab's mdriver.c. */
    public enum Kind {
        /** {@code a id size}: {@code blocks[id] = malloc(size)}. */
        ALLOC('a'),
        /** {@code f id}: {@code free(blocks[id])}. */
        FREE('f'),
        /** {@code r id size}: {@code blocks[id] = realloc(blocks[id], size)}. */
        REALLOC('r');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        /** The letter that starts the line. */
        public char letter() {
            return letter;
        }
    }

    /** The line as it appears in a trace file ({@code "a 3 120"}, {@code "f 3"}). */
    @Override
    public String toString() {
        return kind == Kind.FREE ? "f " + id : kind.letter() + " " + id + " " + size;
    }
}
