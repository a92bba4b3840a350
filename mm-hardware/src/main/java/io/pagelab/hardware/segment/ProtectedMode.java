package io.pagelab.hardware.segment;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * Loading segment registers in protected mode, with the checks the CPU makes on {@code mov ds, ax}
 * and {@code mov ss, ax} (Intel SDM vol. 2, MOV "Protected Mode Exceptions"; vol. 3A §5.7):
 *
 * <pre>
 *  DS, ES, FS, GS  null selector          loads (any later access faults)
 *                  index beyond the GDT   #GP(selector)
 *                  not data / readable code  #GP(selector)
 *                  data or non-conforming code with max(CPL, RPL) &gt; DPL   #GP(selector)
 *                  not present            #NP(selector)
 *  SS              null selector          #GP(0)
 *                  RPL != CPL, DPL != CPL, or not writable data   #GP(selector)
 *                  not present            #SS(selector)
 * </pre>
 *
 * <p>This is where segmentation protects anything at all: ring 3 cannot load a DPL 0 data
 * segment. Linux's user segments have DPL 3 and the same flat 4 GiB as the kernel's, so the check
 * passes and page tables do the real protection.
 *
 * <p>Differs from hardware: #NP and #SS are reported as {@link GeneralProtectionFault} whose
 * message names the real exception; the accessed bit is not written back to the GDT.
 */
public final class ProtectedMode {

    private ProtectedMode() {
    }

    /**
     * {@code mov ds/es/fs/gs, selector} at privilege level {@code cpl}.
     *
     * @throws GeneralProtectionFault when the CPU would refuse the load
     */
    public static SegmentRegister loadDataSegment(GlobalDescriptorTable gdt, int selectorValue, int cpl) {
        checkCpl(cpl);
        SegmentSelector selector = SegmentSelector.of(selectorValue);
        if (selector.isNull()) {
            return new SegmentRegister(selector, SegmentDescriptor.NULL);
        }
        SegmentDescriptor d = gdt.descriptor(selector);
        if (!d.isReadable()) {
            throw fault(selector, "cannot go into a data segment register: its type is " + d.typeName()
                    + " (needs data, or code with the readable bit)");
        }
        if (!d.isConforming()) {
            int effective = Math.max(cpl, selector.rpl());
            if (effective > d.dpl()) {
                throw fault(selector, String.format(
                        "privilege check failed: max(CPL %d, RPL %d) = %d is above the descriptor's DPL %d", cpl,
                        selector.rpl(), effective, d.dpl()));
            }
        }
        if (!d.present()) {
            throw fault(selector, "segment not present (the CPU raises #NP, vector 11)");
        }
        return new SegmentRegister(selector, d);
    }

    /**
     * {@code mov ss, selector} at privilege level {@code cpl}: the stack must be a writable data
     * segment of exactly the current privilege level.
     *
     * @throws GeneralProtectionFault when the CPU would refuse the load
     */
    public static SegmentRegister loadStackSegment(GlobalDescriptorTable gdt, int selectorValue, int cpl) {
        checkCpl(cpl);
        SegmentSelector selector = SegmentSelector.of(selectorValue);
        if (selector.isNull()) {
            throw new GeneralProtectionFault(0, 0,
                    "general protection fault: SS cannot hold the null selector (error_code 0x0000)");
        }
        SegmentDescriptor d = gdt.descriptor(selector);
        if (selector.rpl() != cpl || d.dpl() != cpl) {
            throw fault(selector, String.format(
                    "a stack segment needs RPL = DPL = CPL: RPL %d, DPL %d, CPL %d", selector.rpl(), d.dpl(), cpl));
        }
        if (!d.isWritable()) {
            throw fault(selector, "a stack segment must be writable data, this one is " + d.typeName());
        }
        if (!d.present()) {
            throw fault(selector, "stack segment not present (the CPU raises #SS, vector 12)");
        }
        return new SegmentRegister(selector, d);
    }

    private static void checkCpl(int cpl) {
        if (cpl < 0 || cpl > 3) {
            throw new InvalidArgumentException(String.format("CPL %d is out of range: privilege levels are 0..3", cpl));
        }
    }

    private static GeneralProtectionFault fault(SegmentSelector selector, String why) {
        return new GeneralProtectionFault(selector.value(), selector.errorCode(), String.format(
                "general protection fault: selector %s: %s (error_code %#06x)", selector, why, selector.errorCode()));
    }
}
