package io.pagelab.api.error;

/**
 * SIGSEGV delivered to a simulated process: the kernel found no way to resolve a user page fault.
 * arch/x86/mm/fault.c: bad_area() / __bad_area_nosemaphore() (Linux 6.x) sends it with
 * {@code si_code} {@link #SEGV_MAPERR} (no VMA covers the address) or {@link #SEGV_ACCERR} (a VMA
 * does, but forbids the access), and show_signal_msg() logs:
 *
 * <pre>
 * a.out[1234]: segfault at 0 ip 000055d1c3a0113d sp 00007ffd4c3b1e80 error 6 in a.out[...]
 * </pre>
 *
 * Differs from Linux: there are no registers to print, so the message stops after the error code
 * and says in words what the si_code means.
 */
public final class SegmentationFault extends SimulationException {
    /** si_code: address not mapped to an object. */
    public static final int SEGV_MAPERR = 1;
    /** si_code: invalid permissions for a mapped object. */
    public static final int SEGV_ACCERR = 2;

    private final long address;
    private final int errorCode;
    private final int siCode;

    /**
     * @param comm the process name
     * @param pid the process id
     * @param address the faulting address (si_addr)
     * @param errorCode the page-fault error code (see {@link PageFault})
     * @param siCode {@link #SEGV_MAPERR} or {@link #SEGV_ACCERR}
     */
    public SegmentationFault(String comm, int pid, long address, int errorCode, int siCode) {
        super(String.format("%s[%d]: segfault at %x error %x (%s)", comm, pid, address, errorCode,
                siCode == SEGV_MAPERR ? "SEGV_MAPERR: no mapping covers the address"
                        : siCode == SEGV_ACCERR ? "SEGV_ACCERR: the mapping does not allow this access"
                        : "si_code " + siCode));
        this.address = address;
        this.errorCode = errorCode;
        this.siCode = siCode;
    }

    /** si_addr: the faulting address. */
    public long address() {
        return address;
    }

    /** The page-fault error code that led here. */
    public int errorCode() {
        return errorCode;
    }

    /** {@link #SEGV_MAPERR} or {@link #SEGV_ACCERR}. */
    public int siCode() {
        return siCode;
    }
}
