package io.pagelab.api.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageFaultTest {

    @Test
    void aUserWriteToAReadOnlyPageIsErrorCodeSevenAPermissionsViolation() {
        // linux-reference.md §1.3: user write to a present read-only page (COW) = 0x7;
        // §14.4: show_fault_oops() prints the #PF lines.
        PageFault f = new PageFault(0x7f0000001000L, 0x7);
        assertThat(f.getMessage()).isEqualTo("BUG: unable to handle page fault for address: 00007f0000001000\n"
                + "#PF: user write access in user mode\n"
                + "#PF: error_code(0x0007) - permissions violation");
        assertThat(f.isProtectionViolation()).isTrue();
        assertThat(f.isWrite()).isTrue();
        assertThat(f.isUser()).isTrue();
        assertThat(f.cr2()).isEqualTo(0x7f0000001000L);
    }

    @Test
    void aUserReadOfAnUnmappedPageIsErrorCodeFourANotPresentPage() {
        // §1.3: user read of an unmapped page = 0x4
        PageFault f = new PageFault(0x1000, 0x4);
        assertThat(f.getMessage()).endsWith("#PF: user read access in user mode\n"
                + "#PF: error_code(0x0004) - not-present page");
        assertThat(f.isNotPresent()).isTrue();
    }

    @Test
    void aKernelReadOfPageZeroIsANullPointerDereference() {
        // show_fault_oops(): address < PAGE_SIZE and !user_mode => "BUG: kernel NULL pointer dereference"
        PageFault f = new PageFault(0x8, 0x0);
        assertThat(f.getMessage()).isEqualTo("BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
                + "#PF: supervisor read access in kernel mode\n"
                + "#PF: error_code(0x0000) - not-present page");
    }

    @Test
    void aSupervisorFetchFromAUserPageIsTheSmepOops() {
        // §14.4 real 6.x sample: "#PF: supervisor instruction fetch in kernel mode", Oops: 0011
        PageFault f = new PageFault(0x10101000L, 0x11);
        assertThat(f.getMessage()).isEqualTo("BUG: unable to handle page fault for address: 0000000010101000\n"
                + "#PF: supervisor instruction fetch in kernel mode\n"
                + "#PF: error_code(0x0011) - permissions violation");
        assertThat(f.isInstructionFetch()).isTrue();
    }

    @Test
    void reservedBitAndProtectionKeyViolationsAreNamed() {
        assertThat(new PageFault(0x1000, 0x9).getMessage()).endsWith("reserved bit violation");
        assertThat(new PageFault(0x1000, 0x27).getMessage()).endsWith("protection keys violation");
        assertThat(new PageFault(0x1000, 0x27).isProtectionKey()).isTrue();
        assertThat(new PageFault(0x1000, 0x9).isReservedBit()).isTrue();
    }

    @Test
    void theKernelTouchingUserMemoryIsAUserAccessInKernelMode() {
        PageFault f = new PageFault(0x400000, 0x6, false);
        assertThat(f.getMessage()).contains("#PF: user write access in kernel mode");
        assertThat(f.isUserMode()).isFalse();
    }

    @Test
    void decodeNamesTheSetBits() {
        assertThat(PageFault.decode(0x15)).isEqualTo("P U I");
        assertThat(PageFault.decode(0)).isEmpty();
    }

    @Test
    void anotherArchitecturesFaultKeepsItsOwnMessageAndTheSameErrorCodeFacts() {
        // an arm64 EL0 write to a read-only page: in x86 terms P|W|U = 0x7, with the arm64 report as message
        PageFault f = new PageFault(0x400000, 0x7, true, "unhandled exception: DABT (lower EL), ...");
        assertThat(f.getMessage()).isEqualTo("unhandled exception: DABT (lower EL), ...");
        assertThat(f.isProtectionViolation()).isTrue();
        assertThat(f.isWrite()).isTrue();
        assertThat(f.isUserMode()).isTrue();
        assertThat(f.address()).isEqualTo(0x400000L);
    }
}
