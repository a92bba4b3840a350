package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.mm.MmCounters;

/**
 * /proc/pid/statm, as fs/proc/array.c: proc_pid_statm prints what fs/proc/task_mmu.c: task_statm
 * returns (Linux 6.18): seven page counts separated by spaces,
 * {@code size resident shared text lib data dt}, where size = total_vm, resident = anon + file + shmem,
 * shared = file + shmem (pages that could be shared, not pages that are), text = the code range in
 * pages, lib = 0 and dt = 0 (unused since 2.6), data = data_vm + stack_vm.
 */
public final class Statm {
    private Statm() {
    }

    /** The whole file, e.g. {@code "1667 1360 293 1 0 1125 0\n"}. */
    public static String render(MmCounters c) {
        requireNonNull(c, "counters");
        long shared = c.filePages() + c.shmemPages();
        long text = TaskMem.textKb(c) >>> 2;
        return c.totalVm() + " " + (shared + c.anonPages()) + " " + shared + " " + text + " 0 "
                + (c.dataVm() + c.stackVm()) + " 0\n";
    }
}
