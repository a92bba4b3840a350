package io.pagelab.kernel.mm;

import static io.pagelab.kernel.mm.Vma.VM_EXEC;
import static io.pagelab.kernel.mm.Vma.VM_MAYREAD;
import static io.pagelab.kernel.mm.Vma.VM_MAYSHARE;
import static io.pagelab.kernel.mm.Vma.VM_READ;
import static io.pagelab.kernel.mm.Vma.VM_SHARED;
import static io.pagelab.kernel.mm.Vma.VM_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcMapsTest {

    @Test
    void fileLineMatchesTheRealCatSample() {
        // linux-reference.md 6.6, Ubuntu 22.04 /proc/self/maps: libc text at file offset 0x28000 = page 0x28
        MappedFile libc = new MappedFile("/usr/lib/x86_64-linux-gnu/libc.so.6", 9, 0, 533580);
        Vma v = Vma.fileBacked(0x7f5822cb4000L, 0x7f5822e49000L, VM_READ | VM_EXEC, 0x28, libc);
        assertThat(ProcMaps.line(v)).isEqualTo("7f5822cb4000-7f5822e49000 r-xp 00028000 09:00 533580"
                + "                     /usr/lib/x86_64-linux-gnu/libc.so.6\n");
    }

    @Test
    void heapLineIsPaddedSoTheNameStartsAtColumn73() {
        // 6.6 sample: "5644e9081000-5644e90a2000 rw-p 00000000 00:00 0" + 26 spaces + "[heap]"
        Vma heap = Vma.anonymous(0x5644e9081000L, 0x5644e90a2000L, VM_READ | VM_WRITE, "[heap]");
        String line = ProcMaps.line(heap);
        assertThat(line).isEqualTo("5644e9081000-5644e90a2000 rw-p 00000000 00:00 0"
                + "                          [heap]\n");
        assertThat(line.indexOf('[')).isEqualTo(73);
    }

    @Test
    void vsyscallLineWithSixteenDigitAddresses() {
        // 6.6 sample: the name still starts at column 73
        Vma v = Vma.anonymous(0xffffffffff600000L, 0xffffffffff601000L, VM_EXEC, "[vsyscall]");
        assertThat(ProcMaps.line(v)).isEqualTo("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
                + "                  [vsyscall]\n");
    }

    @Test
    void unnamedAnonymousLineEndsWithZeroAndASpace() {
        // 6.6: unnamed anonymous lines end in "0 " + newline (the sample strips the trailing space)
        Vma v = Vma.anonymous(0x7f582297e000L, 0x7f58229a0000L, VM_READ | VM_WRITE, null);
        assertThat(ProcMaps.line(v)).isEqualTo("7f582297e000-7f58229a0000 rw-p 00000000 00:00 0 \n");
    }

    @Test
    void shortAddressesArePaddedToEightHexDigitsAndSharedShowsS() {
        // %08lx: 0x400000 prints as 00400000; VM_MAYSHARE -> 's'
        Vma v = Vma.anonymous(0x400000, 0x401000, VM_READ | VM_MAYREAD | VM_SHARED | VM_MAYSHARE, null);
        assertThat(ProcMaps.line(v)).isEqualTo("00400000-00401000 r--s 00000000 00:00 0 \n");
    }
}
