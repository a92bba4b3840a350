package io.pagelab.api.error;

/**
 * The x86 general-protection exception (#GP, vector 13). In memory management it means an access
 * to a non-canonical address: x86-64 raises #GP, not #PF, when bits 63..47 (4-level paging) are
 * not all equal to bit 47 (Documentation/arch/x86/x86_64/mm.rst). The kernel then prints, from
 * arch/x86/kernel/traps.c: exc_general_protection() (Linux 6.x):
 *
 * <pre>
 * general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP
 * </pre>
 *
 * Differs from Linux: the CPU does not report an address with #GP (the kernel decodes the
 * instruction to guess it); the simulator knows it and keeps it in {@link #address()}.
 */
public final class GeneralProtectionFault extends SimulationException {
    private final long address;
    private final int errorCode;

    /**
     * @param address the address the access used
     * @param errorCode the selector error code (0 for a non-canonical access)
     * @param message what was wrong and what is allowed
     */
    public GeneralProtectionFault(long address, int errorCode, String message) {
        super(message);
        this.address = address;
        this.errorCode = errorCode;
    }

    /**
     * The #GP of an access to a non-canonical address with {@code virtualAddressBits} implemented
     * bits (48 for 4-level paging, 57 for 5-level).
     */
    public static GeneralProtectionFault nonCanonical(long address, int virtualAddressBits) {
        int top = virtualAddressBits - 1;
        long userEnd = (1L << top) - 1;
        long kernelStart = -1L << top;
        return new GeneralProtectionFault(address, 0, String.format(
                "general protection fault, probably for non-canonical address %#x: 0000; with %d-bit virtual"
                        + " addresses bits 63..%d must all equal bit %d (user %#018x-%#018x, kernel %#018x-%#018x)",
                address, virtualAddressBits, top, top, 0L, userEnd, kernelStart, -1L));
    }

    /** The address of the faulting access. */
    public long address() {
        return address;
    }

    /** The error code the CPU pushed (a segment selector, 0 for most memory faults). */
    public int errorCode() {
        return errorCode;
    }
}
