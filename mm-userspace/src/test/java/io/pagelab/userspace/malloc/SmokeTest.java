package io.pagelab.userspace.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.testkit.NaiveAddressSpace;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void firstMallocIsAfterTheTcacheChunk() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        Ptmalloc pm = new Ptmalloc(as);
        long p = pm.malloc(24);
        assertThat(p).isEqualTo(0x555555559000L + 0x2a0);
        long q = pm.malloc(2000);
        long r = pm.malloc(24);
        pm.free(q);
        assertThat(as.readLong(q)).isEqualTo(0x7ffff7fa8cc0L);
        assertThat(as.brk(0)).isEqualTo(0x555555559000L + 0x21000);
        System.out.println(pm.mallocStats());
    }
}
