package io.pagelab.api.error;

/**
 * Base of every exception a simulated component throws. Sealed: the permitted kinds are the
 * vocabulary of the simulator, and a grader can tell them apart exhaustively.
 *
 * <pre>
 *  SimulationException
 *   +- PageFault                 CPU exception #PF (vector 14): CR2 + error code
 *   +- GeneralProtectionFault    CPU exception #GP (vector 13), e.g. a non-canonical address
 *   +- SegmentationFault         SIGSEGV delivered to a simulated process
 *   +- BadAddressException       an address outside what a component accepts (hole, alignment, width)
 *   +- DoubleFreeException       freeing what is already free
 *   +- OutOfMemoryException      no memory left for a request
 *   +- MemoryCorruptionException an integrity check found overwritten metadata (glibc abort, SLUB, KASAN)
 *   +- InvalidArgumentException  misuse of an API (EINVAL): order out of range, bad flags...
 *   +- SyscallException          a simulated system call returned -errno (EINVAL, ENOMEM, EEXIST...)
 * </pre>
 *
 * <p>Components throw before changing any state, so the simulation can go on after a caught
 * exception (a lesson shows the message and continues).
 */
public abstract sealed class SimulationException extends RuntimeException
        permits PageFault, GeneralProtectionFault, SegmentationFault, BadAddressException, DoubleFreeException,
                OutOfMemoryException, MemoryCorruptionException, InvalidArgumentException,
                SyscallException {

    protected SimulationException(String message) {
        super(message);
    }

    /**
     * For exceptions that model CPU events thrown on hot paths (a page fault is part of normal
     * demand paging): no Java stack trace is captured, since the simulated CPU state is the story.
     */
    protected SimulationException(String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
    }

    protected SimulationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Hex as the kernel's {@code %#x} prints it: {@code 0x} then lower-case digits, unsigned. */
    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
