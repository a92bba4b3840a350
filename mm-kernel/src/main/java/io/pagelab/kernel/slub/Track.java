package io.pagelab.kernel.slub;

/**
 * What SLAB_STORE_USER remembers of the last allocation or free of an object: mm/slub.c
 * struct track (Linux 6.x, 64-bit, CONFIG_STACKDEPOT), 32 bytes after the free pointer.
 *
 * <pre>
 *  +0  unsigned long addr     caller (0: never set, print_track() prints nothing)
 *  +8  depot_stack_handle_t   stack trace handle (pagelab: 0)
 *  +12 int cpu
 *  +16 int pid
 *  +20 (padding)
 *  +24 unsigned long when     jiffies
 * </pre>
 *
 * @param addr the caller's address (_RET_IP_)
 * @param cpu the CPU it ran on
 * @param pid the task's pid
 * @param when jiffies at the time
 */
public record Track(long addr, int cpu, int pid, long when) {
    /** No caller recorded: the track is zeroed (init_tracking). */
    public static final Track NONE = new Track(0, 0, 0, 0);

    static final int ADDR = 0;
    static final int HANDLE = 8;
    static final int CPU = 12;
    static final int PID = 16;
    static final int WHEN = 24;
}
