package io.pagelab.kernel.procfs;

/**
 * The {@code VmFlags:} line of /proc/pid/smaps: fs/proc/task_mmu.c: show_smap_vma_flags (Linux 6.18,
 * x86-64). Every set bit of {@code vm_flags} that has a mnemonic prints as two letters and a space, in
 * bit order; a set bit the kernel has no name for prints {@code ??}; the protection-key bits print
 * nothing (they come out on the ProtectionKey line).
 *
 * <p>The {@code VM_*} values below are include/linux/mm.h for 64-bit x86 in 6.18 ({@code vm_flags_t}
 * is 64 bits; bits 32.. are the "high arch" flags). Two mnemonics depend on the kernel build:
 * {@code sd} (VM_SOFTDIRTY) exists only with CONFIG_MEM_SOFT_DIRTY (the captured 6.18 machine does
 * not have it, most distribution kernels do); {@code ss} needs CONFIG_X86_USER_SHADOW_STACK.
 * Older kernels also printed {@code dw} (VM_DENYWRITE, removed in 5.15) and {@code mp} (MPX, 5.6).
 */
public final class SmapVmFlags {
    public static final long VM_READ = 1L;
    public static final long VM_WRITE = 1L << 1;
    public static final long VM_EXEC = 1L << 2;
    public static final long VM_SHARED = 1L << 3;
    public static final long VM_MAYREAD = 1L << 4;
    public static final long VM_MAYWRITE = 1L << 5;
    public static final long VM_MAYEXEC = 1L << 6;
    public static final long VM_MAYSHARE = 1L << 7;
    public static final long VM_GROWSDOWN = 1L << 8;
    public static final long VM_UFFD_MISSING = 1L << 9;
    public static final long VM_PFNMAP = 1L << 10;
    public static final long VM_UFFD_WP = 1L << 12;
    public static final long VM_LOCKED = 1L << 13;
    public static final long VM_IO = 1L << 14;
    public static final long VM_SEQ_READ = 1L << 15;
    public static final long VM_RAND_READ = 1L << 16;
    public static final long VM_DONTCOPY = 1L << 17;
    public static final long VM_DONTEXPAND = 1L << 18;
    public static final long VM_LOCKONFAULT = 1L << 19;
    public static final long VM_ACCOUNT = 1L << 20;
    public static final long VM_NORESERVE = 1L << 21;
    public static final long VM_HUGETLB = 1L << 22;
    public static final long VM_SYNC = 1L << 23;
    /** VM_ARCH_1, on x86 VM_PAT. */
    public static final long VM_PAT = 1L << 24;
    public static final long VM_WIPEONFORK = 1L << 25;
    public static final long VM_DONTDUMP = 1L << 26;
    public static final long VM_SOFTDIRTY = 1L << 27;
    public static final long VM_MIXEDMAP = 1L << 28;
    public static final long VM_HUGEPAGE = 1L << 29;
    public static final long VM_NOHUGEPAGE = 1L << 30;
    public static final long VM_MERGEABLE = 1L << 31;
    /** VM_PKEY_BIT0..3 (VM_HIGH_ARCH_0..3): the protection key, shown on the ProtectionKey line. */
    public static final long VM_PKEY_MASK = 0xfL << 32;
    public static final long VM_SHADOW_STACK = 1L << 37;
    public static final long VM_UFFD_MINOR = 1L << 38;
    public static final long VM_ALLOW_ANY_UNCACHED = 1L << 39;
    public static final long VM_DROPPABLE = 1L << 40;
    public static final long VM_SEALED = 1L << 42;
    /** VM_STACK on x86 (stacks grow down). */
    public static final long VM_STACK = VM_GROWSDOWN;

    private static final String[] MNEMONICS = new String[64];

    static {
        java.util.Arrays.fill(MNEMONICS, "??");
        String[] low = {"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "??", "uw", "lo",
            "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf", "ar", "wf", "dd", "sd", "mm", "hg",
            "nh", "mg"};
        System.arraycopy(low, 0, MNEMONICS, 0, low.length);
        for (int b = 32; b < 36; b++) {
            MNEMONICS[b] = "";
        }
        MNEMONICS[37] = "ss";
        MNEMONICS[38] = "ui";
        MNEMONICS[40] = "dp";
        MNEMONICS[42] = "sl";
    }

    private SmapVmFlags() {
    }

    /**
     * The whole line, e.g. {@code "VmFlags: rd wr mr mw me ac \n"}.
     *
     * @param vmFlags the VMA's {@code vm_flags}, all 64 bits
     * @param memSoftDirty whether the kernel was built with CONFIG_MEM_SOFT_DIRTY; without it VM_SOFTDIRTY
     *        is VM_NONE in the kernel, so a simulated VMA that carries bit 27 prints nothing for it
     */
    public static String line(long vmFlags, boolean memSoftDirty) {
        StringBuilder sb = new StringBuilder("VmFlags: ");
        for (int bit = 0; bit < 64; bit++) {
            if ((vmFlags & (1L << bit)) == 0) {
                continue;
            }
            String m = bit == 27 && !memSoftDirty ? "" : MNEMONICS[bit];
            if (!m.isEmpty()) {
                sb.append(m).append(' ');
            }
        }
        return sb.append('\n').toString();
    }

    /**
     * {@code vm_flags} of a {@link io.pagelab.kernel.mm.Vma}, whose {@code int} holds bits 0..31:
     * widened without sign extension, so VM_MERGEABLE (bit 31) does not leak into the high bits.
     */
    public static long of(int lowFlags) {
        return Integer.toUnsignedLong(lowFlags);
    }
}
