package io.pagelab.userspace.loader;

import io.pagelab.api.Prot;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.mm.Vma;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting a program: execve() in the kernel ({@link Kernel#exec}: PT_LOAD segments, bss, stack,
 * vDSO, break), then what the dynamic loader does to the program itself before main(): it makes
 * the PT_GNU_RELRO range read-only once relocations are done (glibc 2.36 elf/dl-reloc.c:
 * _dl_protect_relro — start and end both rounded down to a page, mprotect(PROT_READ) when they
 * differ). That is why a PIE's data shows as two lines in /proc/pid/maps, r--p then rw-p.
 *
 * <p>Differs from a real process on purpose: no shared libraries are mapped (no ld.so, no libc).
 */
public final class Loader {
    private static final Logger LOG = LoggerFactory.getLogger(Loader.class);

    private Loader() {
    }

    /** Runs the program described by {@code headers} as the file {@code path} (device major:minor, inode). */
    public static Task run(Kernel kernel, ProgramHeaders headers, String path, int major, int minor, long ino) {
        Objects.requireNonNull(kernel, "kernel");
        Task t = kernel.exec(headers.image(path, major, minor, ino));
        if (headers.relroVaddr() >= 0) {
            long bias = loadBias(t, headers, path);
            long start = (bias + headers.relroVaddr()) & -4096L;
            long end = (bias + headers.relroVaddr() + headers.relroMemsz()) & -4096L;
            if (start != end) {
                t.mm().mprotect(start, end - start, Prot.USER_R);
                LOG.debug("RELRO: mprotect(0x{}, 0x{}, PROT_READ)", Long.toHexString(start), Long.toHexString(end - start));
            }
        }
        return t;
    }

    /** l_addr: where the first LOAD segment's page landed minus its page-aligned p_vaddr. */
    static long loadBias(Task t, ProgramHeaders headers, String path) {
        for (Vma v : t.mm().vmas()) {
            if (v.file() != null && v.file().path().equals(path)) {
                return v.start() - (headers.loads().get(0).vaddr() & -4096L);
            }
        }
        throw new IllegalStateException("execve mapped no segment of " + path);
    }
}
