package io.pagelab.api.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExceptionMessagesTest {

    @Test
    void aNonCanonicalAccessNamesTheAddressAndTheCanonicalRanges() {
        // linux-reference.md §1.2: with 48-bit VAs bits 63..47 must equal bit 47;
        // user 0..0x00007fffffffffff, kernel 0xffff800000000000..
        GeneralProtectionFault gp = GeneralProtectionFault.nonCanonical(0xdead000000000100L, 48);
        assertThat(gp.getMessage())
                .startsWith("general protection fault, probably for non-canonical address 0xdead000000000100: 0000")
                .contains("bits 63..47 must all equal bit 47")
                .contains("user 0x0000000000000000-0x00007fffffffffff")
                .contains("kernel 0xffff800000000000-0xffffffffffffffff");
        assertThat(gp.address()).isEqualTo(0xdead000000000100L);
    }

    @Test
    void aMisalignedAddressNamesTheAlignmentAndTheNearestAlignedValues() {
        BadAddressException e = BadAddressException.misaligned("pfn address", 0x201000L, 0x200000L);
        assertThat(e.getMessage()).isEqualTo("pfn address 0x201000 is not aligned: it must be a multiple of 0x200000"
                + " (2097152 bytes); nearest aligned values are 0x200000 and 0x400000");
    }

    @Test
    void segfaultMessageFollowsShowSignalMsg() {
        SegmentationFault s = new SegmentationFault("a.out", 1234, 0, 6, SegmentationFault.SEGV_MAPERR);
        assertThat(s.getMessage()).isEqualTo("a.out[1234]: segfault at 0 error 6"
                + " (SEGV_MAPERR: no mapping covers the address)");
    }

    @Test
    void invalidArgumentChecksFormatOnlyOnFailure() {
        InvalidArgumentException.check(true, "never %s", 1);
        try {
            InvalidArgumentException.check(false, "order %s above MAX_PAGE_ORDER %s", 11, 10);
        } catch (InvalidArgumentException e) {
            assertThat(e).hasMessage("order 11 above MAX_PAGE_ORDER 10");
            return;
        }
        throw new AssertionError("check(false, ...) did not throw");
    }

    @Test
    void syscallFailureNamesTheCallTheErrnoAndTheRule() {
        // strerror(ENOMEM) in glibc's C locale is "Cannot allocate memory"; ENOMEM is 12 on x86-64.
        SyscallException e = new SyscallException("mmap", Errno.ENOMEM, "no gap of 0x1000 bytes");
        assertThat(e).hasMessage("mmap: ENOMEM (Cannot allocate memory): no gap of 0x1000 bytes");
        assertThat(e.errno().number()).isEqualTo(12);
        assertThat(Errno.EINVAL.number()).isEqualTo(22);
        assertThat(Errno.EEXIST.number()).isEqualTo(17);
    }

    @Test
    void everyKindIsASimulationException() {
        assertThat(SimulationException.class.getPermittedSubclasses()).hasSize(9);
    }
}
