package io.pagelab.kernel.procfs;

import static io.pagelab.kernel.procfs.SmapVmFlags.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmapVmFlagsTest {

    private static String capturedFlags(String name) {
        // the VmFlags line of the captured smaps entry whose maps line ends with this name
        for (String e : ProcSamples.smapsEntries()) {
            if (ProcSamples.firstLine(e).endsWith(name + "\n")) {
                return e.substring(e.indexOf("VmFlags:"));
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String capturedFlagsOf(long start) {
        String e = ProcSamples.smapsEntry(start);
        return e.substring(e.indexOf("VmFlags:"));
    }

    @Test
    void theSpecialMappingsOfTheCapturedProcessPrintAsLinuxPrintsThem() {
        // [stack]: rw, VM_GROWSDOWN, accounted
        assertThat(SmapVmFlags.line(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN
                | VM_ACCOUNT, false)).isEqualTo(capturedFlags("[stack]"));
        // [vvar]: a PFN map of kernel data, never dumped or expanded
        assertThat(SmapVmFlags.line(VM_READ | VM_MAYREAD | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP, false))
                .isEqualTo(capturedFlags("[vvar]"));
        // [vdso]: read + exec, VM_DONTEXPAND
        assertThat(SmapVmFlags.line(VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND, false))
                .isEqualTo(capturedFlags("[vdso]"));
    }

    @Test
    void softDirtyPrintsSdOnlyWhenTheKernelHasIt() {
        long heap = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT | VM_SOFTDIRTY;
        // linux-reference.md §6.7: heap on a soft-dirty kernel is "rd wr mr mw me ac sd"
        assertThat(SmapVmFlags.line(heap, true)).isEqualTo("VmFlags: rd wr mr mw me ac sd \n");
        // without CONFIG_MEM_SOFT_DIRTY the flag does not exist: the captured 6.18 anonymous regions
        assertThat(SmapVmFlags.line(heap, false))
                .isEqualTo(capturedFlagsOf(ProcSamples.region("A")[0]));
    }

    @Test
    void protectionKeyBitsPrintNothingAndUnknownBitsPrintQuestionMarks() {
        // pkey 5 = bits 32 and 34; bit 11 has no mnemonic in 6.18 (VM_DENYWRITE "dw" was removed)
        long flags = VM_READ | (5L << 32) | (1L << 11) | VM_SEALED;
        assertThat(SmapVmFlags.line(flags, false)).isEqualTo("VmFlags: rd ?? sl \n");
    }

    @Test
    void highFlagsFollowInBitOrder() {
        assertThat(SmapVmFlags.line(VM_MERGEABLE | VM_SHADOW_STACK | VM_UFFD_MINOR | VM_DROPPABLE, false))
                .isEqualTo("VmFlags: mg ss ui dp \n");
    }

    @Test
    void widenedIntFlagsDoNotSignExtendMergeable() {
        // VM_MERGEABLE is bit 31, the sign bit of a Java int: widening must not set bits 32..63
        assertThat(SmapVmFlags.of(Integer.MIN_VALUE)).isEqualTo(VM_MERGEABLE);
        assertThat(SmapVmFlags.line(SmapVmFlags.of(Integer.MIN_VALUE | 1), false)).isEqualTo("VmFlags: rd mg \n");
    }
}
