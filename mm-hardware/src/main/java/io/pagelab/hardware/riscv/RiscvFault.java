package io.pagelab.hardware.riscv;

import io.pagelab.api.error.PageFault;

/**
 * A RISC-V page fault as the hart reports it: scause (12 instruction, 13 load, 15 store/AMO page
 * fault) and stval (the faulting address), plus why the walk failed, which the hart does not
 * report but a learner wants to see. {@link #message()} follows Linux 6.x
 * arch/riscv/mm/fault.c: no_context() / die_kernel_fault() for S-mode:
 *
 * <pre>
 * Unable to handle kernel paging request at virtual address ffffffd800001000
 * badaddr: ffffffd800001000 cause: 000000000000000d (load page fault: no valid PTE at level 0)
 * </pre>
 *
 * do_page_fault() first reports any S-mode fault on a user-half address with sstatus.SUM clear as
 * "access to user memory without uaccess routines" (so a kernel NULL dereference in process
 * context reads that way too); otherwise "NULL pointer dereference" below 4 KiB, else "paging
 * request". Differs from Linux:
 * the second line is the badaddr/cause part of __show_regs() with the reason added; U-mode faults
 * are described in pagelab's words (Linux would deliver SIGSEGV after consulting the VMAs).
 *
 * @param address stval, the faulting virtual address
 * @param scause 12, 13 or 15
 * @param mode the translation scheme (its user half ends at TASK_SIZE = 2^(VA bits - 1))
 * @param userMode the access came from U-mode
 * @param sum sstatus.SUM at the time of the access
 * @param reason why the walk failed
 * @param level the level the walk stopped at (-1 when the address itself was invalid)
 */
public record RiscvFault(long address, int scause, SvMode mode, boolean userMode, boolean sum, Reason reason, int level) {
    /** scause of an instruction page fault. */
    public static final int INSTRUCTION_PAGE_FAULT = 12;
    /** scause of a load page fault. */
    public static final int LOAD_PAGE_FAULT = 13;
    /** scause of a store/AMO page fault. */
    public static final int STORE_PAGE_FAULT = 15;

    /** Why a walk failed; all raise the same page fault. */
    public enum Reason {
        /** Upper address bits do not repeat the top implemented bit. */
        NOT_CANONICAL("address bits above the scheme's width are not a sign extension"),
        /** V = 0 (an empty PTE, or a PROT_NONE page). */
        NOT_VALID("no valid PTE"),
        /** W=1 with R=0, or reserved bits 63:54 set, or a pointer at level 0. */
        RESERVED("reserved encoding in the PTE"),
        /** U, R, W, X, SUM or MXR forbid the access. */
        PERMISSION("the PTE's permissions forbid the access"),
        /** A superpage whose PPN is not aligned to its size. */
        MISALIGNED_SUPERPAGE("misaligned superpage"),
        /** A = 0, or D = 0 on a store, without Svadu. */
        ACCESSED_DIRTY("A or D clear and the hart does not set them (Svade)");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** "load page fault", "store/AMO page fault" or "instruction page fault". */
    public String causeName() {
        return scause == INSTRUCTION_PAGE_FAULT ? "instruction page fault"
                : scause == STORE_PAGE_FAULT ? "store/AMO page fault" : "load page fault";
    }

    /** The same facts as an x86-style page-fault error code: P unless the PTE was not valid, W, U, I, RSVD. */
    public int x86ErrorCode() {
        int code = reason == Reason.NOT_VALID || reason == Reason.NOT_CANONICAL ? 0 : PageFault.PF_PROT;
        if (reason == Reason.RESERVED) {
            code |= PageFault.PF_RSVD;
        }
        if (scause == STORE_PAGE_FAULT) {
            code |= PageFault.PF_WRITE;
        }
        if (scause == INSTRUCTION_PAGE_FAULT) {
            code |= PageFault.PF_INSTR;
        }
        return code | (userMode ? PageFault.PF_USER : 0);
    }

    /** The report (see the class comment). */
    public String message() {
        String why = reason.text() + (level >= 0 ? " at level " + level : "");
        if (userMode) {
            return String.format("U-mode %s at virtual address %016x (scause %d: %s)", causeName(), address, scause, why);
        }
        long taskSize = 1L << (mode.virtualAddressBits() - 1);
        String what = Long.compareUnsigned(address, taskSize) < 0 && !sum
                ? "access to user memory without uaccess routines"
                : Long.compareUnsigned(address, 4096) < 0 ? "NULL pointer dereference" : "paging request";
        return String.format("Unable to handle kernel %s at virtual address %016x\nbadaddr: %016x cause: %016x (%s: %s)",
                what, address, address, scause, causeName(), why);
    }

    /** The exception mm-api code catches. */
    public PageFault toPageFault() {
        return new PageFault(address, x86ErrorCode(), userMode, message());
    }
}
