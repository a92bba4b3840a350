package io.pagelab.userspace.malloc;

import io.pagelab.api.error.MemoryCorruptionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * malloc_printerr (malloc/malloc.c 2.36): glibc prints the message plus a newline to stderr and
 * calls abort(). pagelab throws a {@link MemoryCorruptionException} whose message is exactly
 * glibc's text, so a learner sees the words the real program would die with; the simulated process
 * is not killed (a lesson may show the message and go on, although the heap is as corrupt as it was).
 */
final class MallocError {
    private static final Logger LOG = LoggerFactory.getLogger(MallocError.class);

    private MallocError() {
    }

    /** Throws glibc's message for the check that failed at {@code address}. */
    static MemoryCorruptionException printerr(String message, long address) {
        LOG.debug("malloc_printerr(\"{}\") at {}", message, Chunks.hex(address));
        throw new MemoryCorruptionException(address, message);
    }
}
