package io.pagelab.kernel.mm;

import java.util.Objects;

/**
 * /proc/pid/maps, byte for byte as fs/proc/task_mmu.c prints it (show_vma_header_prefix, show_map_vma,
 * get_vma_name, Linux 6.6, 64-bit): {@code "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu "} then, when
 * there is a name, {@code seq_pad(m, ' ')} with width {@code 25 + sizeof(void *) * 6 - 1 = 72} so the
 * name starts at column 73 (0-based), then the name and a newline. Unnamed lines end in "0 \n".
 * Offset, device and inode are printed as 0 for anonymous areas; the offset is in bytes
 * ({@code vm_pgoff << PAGE_SHIFT}); the fourth flag is 's' for VM_MAYSHARE, else 'p'.
 *
 * <p>Differs from Linux on purpose: the name comes from {@link Vma#name()} (or the file path) rather
 * than being derived from mm->brk/start_stack; no " (deleted)" suffix.
 */
public final class ProcMaps {
    /** {@code 25 + sizeof(void *) * 6 - 1} on 64-bit. */
    static final int PAD_WIDTH = 25 + 8 * 6 - 1;

    private ProcMaps() {
    }

    /** One line of /proc/pid/maps including its trailing newline. */
    public static String line(Vma vma) {
        Objects.requireNonNull(vma, "vma");
        MappedFile f = vma.file();
        int fl = vma.flags();
        StringBuilder sb = new StringBuilder(128);
        sb.append(hex(vma.start(), 8)).append('-').append(hex(vma.end(), 8)).append(' ')
                .append((fl & Vma.VM_READ) != 0 ? 'r' : '-')
                .append((fl & Vma.VM_WRITE) != 0 ? 'w' : '-')
                .append((fl & Vma.VM_EXEC) != 0 ? 'x' : '-')
                .append((fl & Vma.VM_MAYSHARE) != 0 ? 's' : 'p')
                .append(' ').append(hex(f == null ? 0 : vma.pgoff() << Vma.PAGE_SHIFT, 8))
                .append(' ').append(hex(f == null ? 0 : f.major(), 2))
                .append(':').append(hex(f == null ? 0 : f.minor(), 2))
                .append(' ').append(f == null ? "0" : Long.toUnsignedString(f.ino()))
                .append(' ');
        String name = f != null ? f.path() : vma.name();
        if (name != null) {
            while (sb.length() < PAD_WIDTH) {
                sb.append(' ');
            }
            sb.append(' ').append(name);
        }
        return sb.append('\n').toString();
    }

    /** The whole file for {@code vmas} in ascending order. */
    public static String render(VmaSet vmas) {
        StringBuilder sb = new StringBuilder();
        for (Vma v : vmas.list()) {
            sb.append(line(v));
        }
        return sb.toString();
    }

    private static String hex(long v, int minDigits) {
        String s = Long.toHexString(v);
        return s.length() >= minDigits ? s : "0".repeat(minDigits - s.length()) + s;
    }
}
