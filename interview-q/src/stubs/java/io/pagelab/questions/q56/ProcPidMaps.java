package io.pagelab.questions.q56;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;

/**
 * Q56 如何查看进程内存映射信息？ How to view a process's mappings?
 *
 * <p>{@code cat /proc/<pid>/maps} prints one line per VMA: the address range, the rights, the file
 * offset, device and inode of the mapped file, and a name. It shows what is reserved, not what is in
 * RAM (that is smaps' job). {@code /proc/<pid>/map_files/} holds one link per mapping of a file.
 * /proc/pid/maps 每行一个 VMA：地址范围、权限、文件偏移、设备号、inode 和名字；只反映虚拟地址的占用，
 * 不反映哪些页真正在内存中。
 *
 * <p>Your task: implement the three methods after "the learner's part", as Linux 6.x prints the file
 * (fs/proc/task_mmu.c: show_map_vma, show_vma_header_prefix, get_vma_name) and as a tool reads it back.
 * <ul>
 *   <li>{@link #vmaName}: the mapped file's path if there is a file; else the special name ({@code [vdso]},
 *       {@code [vvar]}, {@code [vsyscall]}...) if any; else {@code [heap]} if the area overlaps the heap
 *       range [start_brk, brk) (start &lt; brk and end &gt; start_brk); else {@code [stack]} if the area
 *       holds start_stack (start &lt;= start_stack &lt;= end); else {@code [anon:NAME]} for an anonymous
 *       name; else null. Addresses are unsigned.</li>
 *   <li>{@link #line}: {@code printf("%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ")}: lower-case hex
 *       without 0x, at least 8 digits for the addresses and the offset, at least 2 for the device
 *       numbers; rights r, w, x or '-', then 's' if VM_MAYSHARE is set, else 'p'; the offset is in
 *       bytes (pgoff pages), and offset, device and inode are 0 for anonymous memory. Note the space
 *       after the inode. If there is a name, pad with spaces up to the width
 *       {@code 25 + pointerSize * 6 - 1} (72 on 64-bit), then add one space and the name: names start
 *       at column 73 (49 on 32-bit); a longer header is not padded. End with a newline.</li>
 *   <li>{@link #parse}: the reverse, for any such line (with or without its newline): the fields of
 *       {@link MapsLine}, the pathname being the rest of the line after the inode without its leading
 *       and trailing spaces ("" if none; it may contain spaces). A line of another shape is refused
 *       with InvalidArgumentException.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q56} to check your work.
 */
public final class ProcPidMaps {

    public static final int VM_READ = 0x1;
    public static final int VM_WRITE = 0x2;
    public static final int VM_EXEC = 0x4;
    public static final int VM_SHARED = 0x8;
    public static final int VM_MAYSHARE = 0x80;
    public static final int VM_GROWSDOWN = 0x100;
    public static final int PAGE_SHIFT = 12;

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
        throw new Todo("q56/ProcPidMaps.java");
    }

    /**
     * One line of /proc/pid/maps, newline included.
     *
     * @param pointerSize sizeof(void *): 8 on 64-bit, 4 on 32-bit
     */
    public static String line(Area area, MmLayout mm, int pointerSize) {
        throw new Todo("q56/ProcPidMaps.java");
    }

    /**
     * Reads one line back (a trailing newline is allowed).
     *
     * @throws InvalidArgumentException if the line does not have the maps format
     */
    public static MapsLine parse(String line) {
        throw new Todo("q56/ProcPidMaps.java");
    }
}
