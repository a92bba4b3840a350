package io.pagelab.hardware.arm64;

import io.pagelab.api.error.PageFault;

/**
 * A translation abort as an arm64 CPU reports it: the faulting address (FAR_EL1) and the syndrome
 * (ESR_EL1, see {@link Esr}). {@link #message()} is what Linux 6.x prints for it:
 * arch/arm64/mm/fault.c: die_kernel_fault() and mem_abort_decode() for a fault taken from EL1,
 * arch/arm64/kernel/traps.c: arm64_show_signal() for one from EL0:
 *
 * <pre>
 * Unable to handle kernel paging request at virtual address ffff000012345000
 * Mem abort info:
 *   ESR = 0x0000000096000007
 *   EC = 0x25: DABT (current EL), IL = 32 bits
 *   FSC = 0x07: level 3 translation fault
 *
 * unhandled exception: DABT (lower EL), ESR 0x0000000092000047, level 3 translation fault
 * </pre>
 *
 * The EL1 first line names the kind of access as __do_kernel_fault() does: "write to read-only
 * memory", "execute from non-executable memory" or "read from unreadable memory" for a permission
 * fault, "NULL pointer dereference" below 4 KiB, otherwise "paging request". An address outside
 * both translation ranges adds show_pte()'s "address between user and kernel address ranges".
 *
 * <p>{@link #toPageFault()} carries the same facts to code written against mm-api's
 * {@link PageFault}: not-present for a translation fault, P for access flag and permission faults,
 * P+RSVD for an address size fault, plus W, U (from EL0) and I (instruction abort). Differs from
 * Linux: the EL0 line lacks the task's comm[pid] (the CPU does not know it) and ends with the
 * address, which Linux prints in the register dump.
 *
 * @param address the faulting virtual address (FAR_EL1)
 * @param esr the syndrome (ESR_EL1)
 */
public record Arm64Fault(long address, long esr) {
    private static final long PAGE_SIZE = 4096;

    /**
     * The fault with status code {@code fscBase + level} ({@link Esr#FSC_TRANSLATION}...) for this
     * access: a data or instruction abort, a write or not, taken from EL0 or EL1.
     */
    public static Arm64Fault of(long address, int fscBase, int level, boolean instruction, boolean write, boolean fromEl0) {
        return new Arm64Fault(address, Esr.of(instruction, fromEl0, write, fscBase | level));
    }

    /** The fault status code (ESR bits 5:0). */
    public int fsc() {
        return Esr.fsc(esr);
    }

    /** The lookup level the walk stopped at. */
    public int level() {
        return Esr.level(esr);
    }

    /** fault_info[] name, for example "level 2 access flag fault". */
    public String name() {
        return Esr.faultName(fsc());
    }

    /** True when the fault was taken from EL0 (user mode). */
    public boolean fromEl0() {
        int ec = Esr.ec(esr);
        return ec == Esr.EC_DABT_LOW || ec == Esr.EC_IABT_LOW;
    }

    public boolean isTranslationFault() {
        return (fsc() & ~3) == Esr.FSC_TRANSLATION;
    }

    public boolean isAccessFlagFault() {
        return (fsc() & ~3) == Esr.FSC_ACCESS_FLAG;
    }

    public boolean isPermissionFault() {
        return (fsc() & ~3) == Esr.FSC_PERMISSION;
    }

    public boolean isAddressSizeFault() {
        return (fsc() & ~3) == Esr.FSC_ADDRESS_SIZE;
    }

    /** The same facts as an x86-style page-fault error code (see the class comment). */
    public int x86ErrorCode() {
        int code = isTranslationFault() ? 0 : PageFault.PF_PROT;
        if (isAddressSizeFault()) {
            code |= PageFault.PF_RSVD;
        }
        if (Esr.isWrite(esr)) {
            code |= PageFault.PF_WRITE;
        }
        if (fromEl0()) {
            code |= PageFault.PF_USER;
        }
        if (Esr.isInstructionAbort(esr)) {
            code |= PageFault.PF_INSTR;
        }
        return code;
    }

    /** The report Linux prints (see the class comment). */
    public String message() {
        if (fromEl0()) {
            return String.format("unhandled exception: %s, ESR %#018x, %s at virtual address %016x",
                    Esr.className(esr), esr, name(), address);
        }
        String what;
        if (isPermissionFault()) {
            what = Esr.isWrite(esr) ? "write to read-only memory"
                    : Esr.isInstructionAbort(esr) ? "execute from non-executable memory" : "read from unreadable memory";
        } else if (Long.compareUnsigned(address, PAGE_SIZE) < 0) {
            what = "NULL pointer dereference";
        } else {
            what = "paging request";
        }
        String text = String.format("Unable to handle kernel %s at virtual address %016x\n"
                + "Mem abort info:\n"
                + "  ESR = %#018x\n"
                + "  EC = 0x%02x: %s, IL = 32 bits\n"
                + "  FSC = 0x%02x: %s", what, address, esr, Esr.ec(esr), Esr.className(esr), fsc(), name());
        if (!Arm64VirtualAddress.isInRange(address)) {
            text += String.format("\n[%016x] address between user and kernel address ranges", address);
        }
        return text;
    }

    /** The exception mm-api code catches: {@link #x86ErrorCode()} with {@link #message()}. */
    public PageFault toPageFault() {
        return new PageFault(address, x86ErrorCode(), fromEl0(), message());
    }

    @Override
    public String toString() {
        return String.format("Arm64Fault[%s at %#x, ESR %#x]", name(), address, esr);
    }
}
