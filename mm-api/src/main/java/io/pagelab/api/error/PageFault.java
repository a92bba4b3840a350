package io.pagelab.api.error;

import java.util.Objects;

/**
 * The x86 page-fault exception (#PF, vector 14): the faulting linear address (CR2) and the error
 * code the CPU pushes, as decoded by arch/x86/include/asm/trap_pf.h: enum x86_pf_error_code
 * (Linux 6.x).
 *
 * <pre>
 *  bit  15   ..  6   5    4     3     2    1     0
 *       SGX      -   PK  INSTR RSVD  USER WRITE PROT
 *  PROT  0: the page was not present       1: a protection check failed on a present page
 *  WRITE 0: read                           1: write
 *  USER  0: supervisor-mode access         1: user-mode access (CPL 3)
 *  RSVD  a reserved bit was set in a paging-structure entry
 *  INSTR the access was an instruction fetch
 *  PK    a protection key forbade the access
 * </pre>
 *
 * Examples (linux-reference.md §1.3): user read of an unmapped page 0x4, user write to an unmapped
 * page 0x6, user write to a present read-only page (COW) 0x7, user fetch from an NX page 0x15.
 *
 * <p>The message is the header arch/x86/mm/fault.c: show_fault_oops() prints:
 *
 * <pre>
 * BUG: unable to handle page fault for address: 00007f0000001000
 * #PF: user write access in user mode
 * #PF: error_code(0x0007) - permissions violation
 * </pre>
 *
 * Differs from Linux: the faults the kernel resolves (demand paging, COW) never print anything;
 * pagelab uses this exception for the fault the simulated CPU raises and lets the simulated kernel
 * catch it. Architectures other than x86 encode the same facts in this error code.
 */
public final class PageFault extends SimulationException {
    /** Error code bit 0: protection violation on a present page (0 = page not present). */
    public static final int PF_PROT = 1;
    /** Error code bit 1: write access. */
    public static final int PF_WRITE = 1 << 1;
    /** Error code bit 2: user-mode access. */
    public static final int PF_USER = 1 << 2;
    /** Error code bit 3: reserved bit set in a paging-structure entry. */
    public static final int PF_RSVD = 1 << 3;
    /** Error code bit 4: instruction fetch. */
    public static final int PF_INSTR = 1 << 4;
    /** Error code bit 5: protection-key violation. */
    public static final int PF_PK = 1 << 5;
    /** Error code bit 15: SGX MMU page fault. */
    public static final int PF_SGX = 1 << 15;

    private static final long PAGE_SIZE = 4096;

    private final long address;
    private final int errorCode;
    private final boolean userMode;

    /** A fault whose CPU mode follows the USER bit of the error code (the usual case). */
    public PageFault(long address, int errorCode) {
        this(address, errorCode, (errorCode & PF_USER) != 0);
    }

    /**
     * A fault with an explicit CPU mode ({@code user_mode(regs)}), which differs from the USER bit
     * for example when the kernel touches user memory on behalf of a process.
     */
    public PageFault(long address, int errorCode, boolean userMode) {
        super(null, false); // demand paging raises millions of these: no stack trace, message built on demand
        this.address = address;
        this.errorCode = errorCode;
        this.userMode = userMode;
    }

    /**
     * A fault raised by another architecture's MMU (arm64, RISC-V): the same facts in the error-code
     * bits above, so code that handles x86 faults handles it too, and that architecture's own
     * report as the message (for arm64 the lines of arch/arm64/mm/fault.c: die_kernel_fault()),
     * so no x86 word reaches a learner working on another architecture.
     *
     * @param message the architecture's report; must not be null
     */
    public PageFault(long address, int errorCode, boolean userMode, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.address = address;
        this.errorCode = errorCode;
        this.userMode = userMode;
    }

    @Override
    public String getMessage() {
        String m = super.getMessage();
        return m != null ? m : describe(address, errorCode, userMode);
    }

    /** The faulting linear address, as CR2 holds it. */
    public long address() {
        return address;
    }

    /** Same as {@link #address()}: the register the CPU leaves it in. */
    public long cr2() {
        return address;
    }

    /** The raw error code (see the class diagram). */
    public int errorCode() {
        return errorCode;
    }

    /** P bit: true for a protection violation on a present page, false for a not-present page. */
    public boolean isProtectionViolation() {
        return (errorCode & PF_PROT) != 0;
    }

    /** True when no page was mapped (P bit clear). */
    public boolean isNotPresent() {
        return (errorCode & PF_PROT) == 0;
    }

    /** W/R bit: the access was a write. */
    public boolean isWrite() {
        return (errorCode & PF_WRITE) != 0;
    }

    /** U/S bit: the access was made at user privilege. */
    public boolean isUser() {
        return (errorCode & PF_USER) != 0;
    }

    /** RSVD bit. */
    public boolean isReservedBit() {
        return (errorCode & PF_RSVD) != 0;
    }

    /** I/D bit: the access was an instruction fetch. */
    public boolean isInstructionFetch() {
        return (errorCode & PF_INSTR) != 0;
    }

    /** PK bit. */
    public boolean isProtectionKey() {
        return (errorCode & PF_PK) != 0;
    }

    /** The CPU was in user mode when it faulted ({@code user_mode(regs)}). */
    public boolean isUserMode() {
        return userMode;
    }

    /** The error code as the letters of the diagram, for example {@code "P W U"} for 0x7. */
    public static String decode(int errorCode) {
        StringBuilder sb = new StringBuilder();
        append(sb, errorCode, PF_PROT, "P");
        append(sb, errorCode, PF_WRITE, "W");
        append(sb, errorCode, PF_USER, "U");
        append(sb, errorCode, PF_RSVD, "RSVD");
        append(sb, errorCode, PF_INSTR, "I");
        append(sb, errorCode, PF_PK, "PK");
        append(sb, errorCode, PF_SGX, "SGX");
        return sb.toString();
    }

    private static void append(StringBuilder sb, int code, int bit, String name) {
        if ((code & bit) != 0) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(name);
        }
    }

    /** The first line of show_fault_oops(): the address printed with %px (16 hex digits). */
    private static String describe(long address, int errorCode, boolean userMode) {
        String px = String.format("%016x", address);
        String first = Long.compareUnsigned(address, PAGE_SIZE) < 0 && !userMode
                ? "BUG: kernel NULL pointer dereference, address: " + px
                : "BUG: unable to handle page fault for address: " + px;
        String access = (errorCode & PF_INSTR) != 0 ? "instruction fetch"
                : (errorCode & PF_WRITE) != 0 ? "write access" : "read access";
        String reason = (errorCode & PF_PROT) == 0 ? "not-present page"
                : (errorCode & PF_RSVD) != 0 ? "reserved bit violation"
                : (errorCode & PF_PK) != 0 ? "protection keys violation" : "permissions violation";
        return first + "\n"
                + "#PF: " + ((errorCode & PF_USER) != 0 ? "user" : "supervisor") + " " + access + " in "
                + (userMode ? "user" : "kernel") + " mode\n"
                + String.format("#PF: error_code(0x%04x) - %s", errorCode, reason);
    }
}
