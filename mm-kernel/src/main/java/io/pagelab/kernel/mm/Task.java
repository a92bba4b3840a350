package io.pagelab.kernel.mm;

/**
 * A process as the memory manager sees it: the slice of {@code struct task_struct} that matters
 * here (pid, parent pid, comm) and its {@link Mm}. Threads are not modelled.
 */
public final class Task {
    private final int pid;
    private final int ppid;
    private final String comm;
    private final Mm mm;
    boolean exited;

    Task(int pid, int ppid, String comm, Mm mm) {
        this.pid = pid;
        this.ppid = ppid;
        this.comm = comm;
        this.mm = mm;
    }

    public int pid() {
        return pid;
    }

    public int ppid() {
        return ppid;
    }

    /** The command name (at most 15 characters in Linux's TASK_COMM_LEN). */
    public String comm() {
        return comm;
    }

    /** The address space; also the process's {@link io.pagelab.api.AddressSpace}. */
    public Mm mm() {
        return mm;
    }

    public boolean exited() {
        return exited;
    }

    @Override
    public String toString() {
        return comm + "[" + pid + "]";
    }
}
