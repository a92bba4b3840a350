package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import org.junit.jupiter.api.Test;

/** ptmalloc running in a process of the kernel model: brk, mmap and page faults are the kernel's. */
class PtmallocOnKernelTest {

    @Test
    void theFirstMallocGrowsTheHeapBy0x21000AndFaultsInOnlyWhatItTouches() {
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(128L << 20));
        Task t = k.exec(ProgramImage.hello());
        long rss = t.mm().rssPages();
        Ptmalloc m = new Ptmalloc(t.mm()); // main_arena is set up in libc's .data: a COW copy of that page
        long p = m.malloc(1000);
        // hello's start_brk is 0x555555559000 (ASLR off); the 0x290 tcache chunk comes first
        assertThat(p).isEqualTo(0x555555559000L + 0x2a0);
        assertThat(t.mm().maps()).contains("555555559000-55555557a000 rw-p 00000000 00:00 0"
                + "                          [heap]\n");
        // main_arena (0x7ffff7fa8c60, 0x898 bytes: its bins straddle 0x7ffff7fa9000) makes COW copies
        // of both libc .data pages; the heap's first page holds the tcache and the new chunk
        assertThat(t.mm().rssPages() - rss).isEqualTo(3);
        assertThat(t.mm().maps()).contains("rw-p 001d3000 fe:00 339380                     "
                + "/usr/lib/x86_64-linux-gnu/libc.so.6\n");
    }

    @Test
    void aLargeRequestIsItsOwnMappingThatDoesNotMergeWithLibc() {
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(128L << 20));
        Task t = k.exec(ProgramImage.hello());
        Ptmalloc m = new Ptmalloc(t.mm());
        m.malloc(16);
        long big = m.malloc(200000);
        assertThat(m.isMmapped(big)).isTrue();
        // 200000 + 8 rounded to pages = 0x31000 bytes, its own anonymous line
        long start = m.mappingStart(big);
        String line = Long.toHexString(start) + "-" + Long.toHexString(start + 0x31000) + " rw-p 00000000 00:00 0 \n";
        assertThat(t.mm().maps()).contains(line);
        m.free(big);
        assertThat(t.mm().maps()).doesNotContain(line);
    }
}
