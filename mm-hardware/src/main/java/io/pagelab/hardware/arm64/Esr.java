package io.pagelab.hardware.arm64;

/**
 * The Exception Syndrome Register (ESR_EL1) of an instruction or data abort, the fields Linux 6.x
 * decodes in arch/arm64/include/asm/esr.h and arch/arm64/mm/fault.c: mem_abort_decode(), and the
 * fault names of fault.c's {@code fault_info[]} table, indexed by the fault status code.
 *
 * <pre>
 *  63 ... 32  31 ..... 26  25  24 ......... 7   6    5 ..... 0
 *  ISS2       EC           IL  ISS ...          WnR  DFSC/IFSC
 *  EC   0x20 IABT (lower EL)   instruction abort from EL0     0x24 DABT (lower EL)   data abort from EL0
 *       0x21 IABT (current EL) instruction abort from EL1     0x25 DABT (current EL) data abort from EL1
 *  IL   1: 32-bit instruction       WnR  1: the data access was a write (data aborts only)
 *  FSC  0b0000LL address size fault, level LL     0b0001LL translation fault, level LL
 *       0b0010LL access flag fault, level LL      0b0011LL permission fault, level LL
 * </pre>
 *
 * Known values: 0x96000004 is an EL1 read hitting a level 0 translation fault (the classic kernel
 * NULL dereference), 0x92000047 an EL0 write hitting a level 3 translation fault.
 */
public final class Esr {
    /** Exception class: instruction abort taken from a lower exception level (EL0). */
    public static final int EC_IABT_LOW = 0x20;
    /** Exception class: instruction abort taken without a change in exception level (EL1). */
    public static final int EC_IABT_CUR = 0x21;
    /** Exception class: data abort from a lower exception level (EL0). */
    public static final int EC_DABT_LOW = 0x24;
    /** Exception class: data abort from the current exception level (EL1). */
    public static final int EC_DABT_CUR = 0x25;
    /** ESR_ELx_EC_SHIFT. */
    public static final int EC_SHIFT = 26;
    /** ESR_ELx_IL, bit 25: the trapped instruction was 32 bits long. */
    public static final long IL = 1L << 25;
    /** ESR_ELx_WNR, bit 6: write not read. */
    public static final long WNR = 1L << 6;
    /** ESR_ELx_FSC, bits 5:0: the fault status code. */
    public static final int FSC_MASK = 0x3f;
    /** FSC of an address size fault at level 0 (add the level). */
    public static final int FSC_ADDRESS_SIZE = 0x00;
    /** ESR_ELx_FSC_FAULT: translation fault at level 0 (add the level). */
    public static final int FSC_TRANSLATION = 0x04;
    /** ESR_ELx_FSC_ACCESS: access flag fault at level 0 (add the level). */
    public static final int FSC_ACCESS_FLAG = 0x08;
    /** ESR_ELx_FSC_PERM: permission fault at level 0 (add the level). */
    public static final int FSC_PERMISSION = 0x0c;

    private Esr() {
    }

    /** The syndrome of an abort: data or instruction, from EL0 or EL1, with its status code. */
    public static long of(boolean instruction, boolean fromEl0, boolean write, int fsc) {
        int ec = instruction ? (fromEl0 ? EC_IABT_LOW : EC_IABT_CUR) : (fromEl0 ? EC_DABT_LOW : EC_DABT_CUR);
        return ((long) ec << EC_SHIFT) | IL | (write && !instruction ? WNR : 0) | (fsc & FSC_MASK);
    }

    /** The exception class, bits 31:26. */
    public static int ec(long esr) {
        return (int) (esr >>> EC_SHIFT) & 0x3f;
    }

    /** The fault status code, bits 5:0. */
    public static int fsc(long esr) {
        return (int) esr & FSC_MASK;
    }

    /** True for an instruction abort (EC 0x20 or 0x21). */
    public static boolean isInstructionAbort(long esr) {
        int ec = ec(esr);
        return ec == EC_IABT_LOW || ec == EC_IABT_CUR;
    }

    /** True for a data write (WnR set on a data abort). */
    public static boolean isWrite(long esr) {
        return !isInstructionAbort(esr) && (esr & WNR) != 0;
    }

    /** The lookup level the fault happened at: the low two bits of the status code. */
    public static int level(long esr) {
        return fsc(esr) & 3;
    }

    /** esr_get_class_string() for the four abort classes, for example "DABT (lower EL)". */
    public static String className(long esr) {
        switch (ec(esr)) {
            case EC_IABT_LOW:
                return "IABT (lower EL)";
            case EC_IABT_CUR:
                return "IABT (current EL)";
            case EC_DABT_LOW:
                return "DABT (lower EL)";
            case EC_DABT_CUR:
                return "DABT (current EL)";
            default:
                return "UNRECOGNIZED EC";
        }
    }

    /**
     * The name fault_info[] gives this status code, for example "level 3 permission fault", for
     * the sixteen codes a translation produces (0x00-0x0f).
     */
    public static String faultName(int fsc) {
        int level = fsc & 3;
        switch (fsc & ~3) {
            case FSC_ADDRESS_SIZE:
                return level == 0 ? "ttbr address size fault" : "level " + level + " address size fault";
            case FSC_TRANSLATION:
                return "level " + level + " translation fault";
            case FSC_ACCESS_FLAG:
                return "level " + level + " access flag fault";
            case FSC_PERMISSION:
                return "level " + level + " permission fault";
            default:
                return String.format("fault status code 0x%02x (not produced by pagelab's walk)", fsc);
        }
    }
}
