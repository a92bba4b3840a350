package io.pagelab.questions.q56;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Q56 如何查看进程内存映射信息？ How to view a process's mappings? (reference solution)
 *
 * <p>Models fs/proc/task_mmu.c (Linux 6.x): show_vma_header_prefix() prints
 * {@code "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu "} (lower-case hex, at least 8 or 2 digits; the
 * fourth flag is 's' for VM_MAYSHARE, else 'p'; the offset is vm_pgoff in bytes for a file, 0 for
 * anonymous memory; device and inode 0 for anonymous memory); show_map_vma() set the width to
 * {@code 25 + sizeof(void *) * 6 - 1} with seq_setwidth() and, when there is a name, seq_pad() fills
 * up to that width and adds one space, so a name starts at column 73 on 64-bit and 49 on 32-bit.
 * get_vma_name(): the file's path first, then a special mapping's name ([vdso], [vvar], [vsyscall]),
 * then [heap] for an area overlapping [start_brk, brk) (vma_is_initial_heap, strict since Linux 6.11),
 * then [stack] for the area holding start_stack (vma_is_initial_stack), then [anon:NAME]. parse()
 * reads a line back the way procps's pmap does.
 *
 * <p>Differs from Linux on purpose: no " (deleted)" suffix, no [anon_shmem:NAME], and a name is a
 * stored value rather than vm_ops->name().
 */
public final class ProcPidMaps {

    public static final int VM_READ = 0x1;
    public static final int VM_WRITE = 0x2;
    public static final int VM_EXEC = 0x4;
    public static final int VM_SHARED = 0x8;
    public static final int VM_MAYSHARE = 0x80;
    public static final int VM_GROWSDOWN = 0x100;
    public static final int PAGE_SHIFT = 12;

    private static final Pattern LINE = Pattern.compile(
            "([0-9a-f]{8,16})-([0-9a-f]{8,16}) ([r-][w-][x-][sp]) ([0-9a-f]{8,16}) ([0-9a-f]{2,3}):([0-9a-f]{2,5}) "
                    + "([0-9]+) ?(.*)");

    private ProcPidMaps() {
    }

    /**
     * The file behind a mapping (given complete, no need to edit).
     *
     * @param path absolute path
     * @param major device major number
     * @param minor device minor number
     * @param ino inode number
     */
    public record MappedFile(String path, int major, int minor, long ino) {
        public MappedFile {
            if (path == null || !path.startsWith("/")) {
                throw new InvalidArgumentException("a mapped file's path must be absolute, got " + path);
            }
        }
    }

    /**
     * One VMA as /proc/pid/maps sees it (given complete, no need to edit).
     *
     * @param start first byte, page aligned
     * @param end one past the last byte
     * @param flags VM_* bits of this class
     * @param pgoff vm_pgoff: offset in pages into the file (for anonymous memory, start >> 12)
     * @param file the mapped file or null
     * @param specialName name of a special mapping ("[vdso]", "[vvar]", "[vsyscall]") or null
     * @param anonName name set with prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) or null
     */
    public record Area(long start, long end, int flags, long pgoff, MappedFile file, String specialName,
                       String anonName) {
        /** An anonymous area without names. */
        public static Area anonymous(long start, long end, int flags) {
            return new Area(start, end, flags, start >>> PAGE_SHIFT, null, null, null);
        }
    }

    /**
     * The mm fields get_vma_name() reads (given complete, no need to edit).
     *
     * @param startBrk mm->start_brk
     * @param brk mm->brk
     * @param startStack mm->start_stack, an address inside the main thread's stack
     */
    public record MmLayout(long startBrk, long brk, long startStack) {
    }

    /**
     * One parsed line, the fields proc(5) documents (given complete, no need to edit).
     *
     * @param start start address
     * @param end end address
     * @param perms the four permission characters, such as "r-xp"
     * @param offset file offset in bytes
     * @param major device major
     * @param minor device minor
     * @param inode inode number
     * @param pathname the name column, "" when there is none
     */
    public record MapsLine(long start, long end, String perms, long offset, int major, int minor, long inode,
                           String pathname) {
    }

    // ---- the learner's part ----

    /** get_vma_name(): the name shown for {@code area}, or null for none. */
    public static String vmaName(Area area, MmLayout mm) {
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(mm, "mm");
        if (area.file() != null) {
            return area.file().path();
        }
        if (area.specialName() != null) {
            return area.specialName();
        }
        if (Long.compareUnsigned(area.start(), mm.brk()) < 0 && Long.compareUnsigned(area.end(), mm.startBrk()) > 0) {
            return "[heap]";
        }
        if (Long.compareUnsigned(area.start(), mm.startStack()) <= 0
                && Long.compareUnsigned(area.end(), mm.startStack()) >= 0) {
            return "[stack]";
        }
        if (area.anonName() != null) {
            return "[anon:" + area.anonName() + "]";
        }
        return null;
    }

    /**
     * One line of /proc/pid/maps, newline included.
     *
     * @param pointerSize sizeof(void *): 8 on 64-bit, 4 on 32-bit
     */
    public static String line(Area area, MmLayout mm, int pointerSize) {
        InvalidArgumentException.check(pointerSize == 4 || pointerSize == 8,
                "pointer size %s: allowed 4 (32-bit) or 8 (64-bit)", pointerSize);
        MappedFile f = area.file();
        int fl = area.flags();
        StringBuilder sb = new StringBuilder(128);
        sb.append(hex(area.start(), 8)).append('-').append(hex(area.end(), 8)).append(' ')
                .append((fl & VM_READ) != 0 ? 'r' : '-')
                .append((fl & VM_WRITE) != 0 ? 'w' : '-')
                .append((fl & VM_EXEC) != 0 ? 'x' : '-')
                .append((fl & VM_MAYSHARE) != 0 ? 's' : 'p')
                .append(' ').append(hex(f == null ? 0 : area.pgoff() << PAGE_SHIFT, 8))
                .append(' ').append(hex(f == null ? 0 : f.major(), 2))
                .append(':').append(hex(f == null ? 0 : f.minor(), 2))
                .append(' ').append(f == null ? "0" : Long.toUnsignedString(f.ino()))
                .append(' ');
        String name = vmaName(area, mm);
        if (name != null) {
            int width = 25 + pointerSize * 6 - 1;
            while (sb.length() < width) {
                sb.append(' ');
            }
            sb.append(' ').append(name);
        }
        return sb.append('\n').toString();
    }

    /**
     * Reads one line back (a trailing newline is allowed).
     *
     * @throws InvalidArgumentException if the line does not have the maps format
     */
    public static MapsLine parse(String line) {
        Objects.requireNonNull(line, "line");
        String l = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        Matcher m = LINE.matcher(l);
        if (!m.matches()) {
            throw new InvalidArgumentException("not a /proc/pid/maps line: \"" + l + "\"; expected "
                    + "start-end perms offset major:minor inode [pathname]");
        }
        return new MapsLine(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                m.group(3), Long.parseUnsignedLong(m.group(4), 16), Integer.parseInt(m.group(5), 16),
                Integer.parseInt(m.group(6), 16), Long.parseUnsignedLong(m.group(7)), m.group(8).strip());
    }

    private static String hex(long v, int minDigits) {
        String s = Long.toHexString(v);
        return s.length() >= minDigits ? s : "0".repeat(minDigits - s.length()) + s;
    }
}
