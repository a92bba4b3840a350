package io.pagelab.hardware.riscv;

/**
 * The hart state a RISC-V translation depends on besides satp (RISC-V Privileged Architecture,
 * "Memory Privilege in mstatus Register", Svade/Svadu):
 *
 * <pre>
 *  userMode            the access comes from U-mode rather than S-mode
 *  sum                 sstatus.SUM: S-mode loads and stores may touch U pages (Linux sets it only
 *                      inside uaccess routines; never lets S-mode execute U pages)
 *  mxr                 sstatus.MXR: loads from execute-only pages succeed
 *  hardwareAccessDirty Svadu: the hart sets A and D instead of raising a page fault (Svade)
 * </pre>
 *
 * @param userMode U-mode access
 * @param sum sstatus.SUM
 * @param mxr sstatus.MXR
 * @param hardwareAccessDirty Svadu (menvcfg.ADUE) on
 */
public record RiscvCpuState(boolean userMode, boolean sum, boolean mxr, boolean hardwareAccessDirty) {

    /** S-mode with SUM and MXR clear, A/D updates by the hart: the kernel outside uaccess routines. */
    public static RiscvCpuState supervisor() {
        return new RiscvCpuState(false, false, false, true);
    }

    /** U-mode, A/D updates by the hart. */
    public static RiscvCpuState user() {
        return new RiscvCpuState(true, false, false, true);
    }

    public RiscvCpuState withSum(boolean on) {
        return new RiscvCpuState(userMode, on, mxr, hardwareAccessDirty);
    }

    public RiscvCpuState withMxr(boolean on) {
        return new RiscvCpuState(userMode, sum, on, hardwareAccessDirty);
    }

    public RiscvCpuState withHardwareAccessDirty(boolean on) {
        return new RiscvCpuState(userMode, sum, mxr, on);
    }

    @Override
    public String toString() {
        return (userMode ? "U-mode" : "S-mode") + (sum ? " SUM" : "") + (mxr ? " MXR" : "")
                + (hardwareAccessDirty ? " Svadu" : " Svade");
    }
}
