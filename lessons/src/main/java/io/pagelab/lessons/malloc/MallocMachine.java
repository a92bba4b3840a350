package io.pagelab.lessons.malloc;

import io.pagelab.api.error.MemoryCorruptionException;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.userspace.malloc.Ptmalloc;
import java.util.ArrayList;
import java.util.List;

/**
 * What the malloc lessons share: one process of a 256 MiB machine with ASLR off (as under
 * {@code setarch -R} or gdb, so the addresses are the ones a learner sees on Debian 12 with glibc
 * 2.36), the glibc model running in it, and a few formatting helpers.
 */
final class MallocMachine {

    final Task task;
    final Mm mm;
    final Ptmalloc malloc;

    private MallocMachine(Task task) {
        this.task = task;
        this.mm = task.mm();
        this.malloc = new Ptmalloc(mm);
    }

    /** A fresh "hello" process with glibc's malloc, tcache key from seed 0. */
    static MallocMachine start() {
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
        return new MallocMachine(k.exec(ProgramImage.hello()));
    }

    /** A view of this process's malloc metadata. */
    HeapView heap() {
        return new HeapView(mm, malloc);
    }

    /**
     * The /proc/pid/maps lines for the heap and the anonymous mappings, trailing blanks removed.
     * Left out: the program's file lines, [vvar], [vdso], [stack], [vsyscall], and the page pagelab
     * maps to hold main_arena (on a real system it is inside libc's .data, a file line).
     */
    List<String> heapMaps() {
        String arenaPage = Long.toHexString(malloc.arenaAddress() & ~0xfffL) + "-";
        List<String> out = new ArrayList<>();
        for (String line : mm.maps().split("\n")) {
            boolean anon = line.matches("[0-9a-f]+-[0-9a-f]+ \\S+ 00000000 00:00 0\\s*");
            if (line.endsWith("[heap]") || anon && !line.startsWith(arenaPage)) {
                out.add(line.stripTrailing());
            }
        }
        return out;
    }

    /** Runs {@code call}, which must hit a malloc check, and prints what the shell would show. */
    static void abort(LessonContext ctx, Runnable call) {
        try {
            call.run();
            throw new IllegalStateException("the malloc check this lesson shows did not fire");
        } catch (MemoryCorruptionException e) {
            ctx.say(Tone.EMPHASIS, e.getMessage());
            ctx.say(Tone.EMPHASIS, "Aborted (core dumped)");
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
