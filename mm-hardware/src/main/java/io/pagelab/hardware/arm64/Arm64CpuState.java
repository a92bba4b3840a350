package io.pagelab.hardware.arm64;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The CPU state an arm64 translation depends on, besides the two TTBRs: the exception level and
 * the controls Linux 6.x programs at boot (arch/arm64/mm/proc.S: __cpu_setup, and
 * arch/arm64/kernel/cpufeature.c):
 *
 * <pre>
 *  el0                 the access comes from EL0 (user) rather than EL1 (kernel)
 *  pan                 PSTATE.PAN: EL1 data accesses to EL0-accessible pages fault (CONFIG_ARM64_PAN)
 *  hardwareAccessFlag  TCR_EL1.HA: the CPU sets AF instead of raising an access flag fault (ARMv8.1)
 *  hardwareDirty       TCR_EL1.HD: a write to a page with DBM set clears AP[2] instead of faulting
 *  topByteIgnore0      TCR_EL1.TBI0: bits 63..56 of a TTBR0 address are ignored (tagged pointers)
 *  physicalAddressBits TCR_EL1.IPS: output addresses at or above 2^bits are an address size fault
 * </pre>
 *
 * Differs from hardware: no EPAN, WXN, E0PD, MTE or permission indirection/overlays.
 *
 * @param el0 true for an access from EL0
 * @param pan PSTATE.PAN
 * @param hardwareAccessFlag TCR_EL1.HA
 * @param hardwareDirty TCR_EL1.HD
 * @param topByteIgnore0 TCR_EL1.TBI0
 * @param physicalAddressBits the output-address size: 32, 36, 40, 42, 44 or 48
 */
public record Arm64CpuState(boolean el0, boolean pan, boolean hardwareAccessFlag, boolean hardwareDirty,
        boolean topByteIgnore0, int physicalAddressBits) {

    /**
     * @throws InvalidArgumentException for a physical-address size TCR_EL1.IPS cannot encode
     *     with 48-bit descriptors
     */
    public Arm64CpuState {
        if (physicalAddressBits != 32 && physicalAddressBits != 36 && physicalAddressBits != 40
                && physicalAddressBits != 42 && physicalAddressBits != 44 && physicalAddressBits != 48) {
            throw new InvalidArgumentException(String.format("physical-address size %d bits is not allowed:"
                    + " TCR_EL1.IPS encodes 32, 36, 40, 42, 44 or 48 (52 needs FEAT_LPA2, not modelled)",
                    physicalAddressBits));
        }
    }

    /** Linux on an ARMv8.2+ CPU, running the kernel (EL1): PAN on, hardware AF and dirty, TBI0, 48-bit PA. */
    public static Arm64CpuState linuxKernel() {
        return new Arm64CpuState(false, true, true, true, true, 48);
    }

    /** The same CPU running user code (EL0). */
    public static Arm64CpuState linuxUser() {
        return linuxKernel().atEl0(true);
    }

    /** An ARMv8.0 CPU: no PAN, no hardware AF or dirty management (every first access and write faults). */
    public static Arm64CpuState armv80Kernel() {
        return new Arm64CpuState(false, false, false, false, true, 48);
    }

    public Arm64CpuState atEl0(boolean on) {
        return new Arm64CpuState(on, pan, hardwareAccessFlag, hardwareDirty, topByteIgnore0, physicalAddressBits);
    }

    public Arm64CpuState withPan(boolean on) {
        return new Arm64CpuState(el0, on, hardwareAccessFlag, hardwareDirty, topByteIgnore0, physicalAddressBits);
    }

    public Arm64CpuState withHardwareAccessFlag(boolean on) {
        return new Arm64CpuState(el0, pan, on, hardwareDirty, topByteIgnore0, physicalAddressBits);
    }

    public Arm64CpuState withHardwareDirty(boolean on) {
        return new Arm64CpuState(el0, pan, hardwareAccessFlag, on, topByteIgnore0, physicalAddressBits);
    }

    public Arm64CpuState withTopByteIgnore0(boolean on) {
        return new Arm64CpuState(el0, pan, hardwareAccessFlag, hardwareDirty, on, physicalAddressBits);
    }

    public Arm64CpuState withPhysicalAddressBits(int bits) {
        return new Arm64CpuState(el0, pan, hardwareAccessFlag, hardwareDirty, topByteIgnore0, bits);
    }

    @Override
    public String toString() {
        return String.format("%s%s%s%s%s, %d-bit PA", el0 ? "EL0" : "EL1", pan ? " PAN" : "",
                hardwareAccessFlag ? " HA" : "", hardwareDirty ? " HD" : "", topByteIgnore0 ? " TBI0" : "",
                physicalAddressBits);
    }
}
