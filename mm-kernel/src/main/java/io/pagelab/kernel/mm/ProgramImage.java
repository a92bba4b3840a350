package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import java.util.Objects;

/**
 * What execve() needs from an ELF file: its path and identity, whether it is position independent
 * (ET_DYN), and its PT_LOAD program headers (readelf -l). Enough to lay out text, data and bss as
 * load_elf_binary() does; there is no code to run.
 *
 * @param path      the file's path, shown in /proc/pid/maps
 * @param devMajor  the device of its file system (MAJOR), shown in /proc/pid/maps
 * @param devMinor  the device's MINOR number
 * @param ino       its inode number
 * @param pie       ET_DYN (loaded at ELF_ET_DYN_BASE + a random offset) rather than ET_EXEC
 * @param segments  PT_LOAD headers in ascending vaddr order
 * @param argPages  pages of arguments and environment at the top of the stack (1 for a short command line)
 */
public record ProgramImage(String path, int devMajor, int devMinor, long ino, boolean pie, List<Segment> segments,
                           int argPages) {
    /** p_flags bits. */
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    /**
     * One PT_LOAD program header.
     *
     * @param offset p_offset
     * @param vaddr  p_vaddr (relative to the load bias for PIE)
     * @param filesz p_filesz
     * @param memsz  p_memsz (&gt; filesz: the rest is bss)
     * @param flags  PF_R | PF_W | PF_X
     */
    public record Segment(long offset, long vaddr, long filesz, long memsz, int flags) {
        public Segment {
            InvalidArgumentException.check(memsz >= filesz, "p_memsz %s must be >= p_filesz %s", memsz, filesz);
            InvalidArgumentException.check((offset & 0xfff) == (vaddr & 0xfff),
                    "p_offset %s and p_vaddr %s must agree modulo the page size", offset, vaddr);
        }
    }

    /** An image on device 08:01 (the first partition of the first SCSI disk). */
    public ProgramImage(String path, long ino, boolean pie, List<Segment> segments, int argPages) {
        this(path, 8, 1, ino, pie, segments, argPages);
    }

    public ProgramImage {
        Objects.requireNonNull(path, "path");
        InvalidArgumentException.check(!segments.isEmpty(), "an ELF image needs at least one PT_LOAD (got %s)", 0);
        InvalidArgumentException.check(argPages >= 1 && argPages <= 32, "argPages %s out of range 1..32", argPages);
        segments = List.copyOf(segments);
    }

    /**
     * A small PIE as gcc 12 / binutils 2.40 on Debian 12 lays it out ({@code readelf -lW} of a
     * 10-line C program compiled with {@code gcc -O1}): R at 0, RX at 0x1000, R at 0x2000, RW
     * data at 0x3dd0 with 8 bytes of bss.
     */
    public static ProgramImage hello() {
        return new ProgramImage("/usr/bin/hello", 1_234_567, true, List.of(
                new Segment(0x0, 0x0, 0x6f8, 0x6f8, PF_R),
                new Segment(0x1000, 0x1000, 0x27d, 0x27d, PF_R | PF_X),
                new Segment(0x2000, 0x2000, 0x118, 0x118, PF_R),
                new Segment(0x2dd0, 0x3dd0, 0x268, 0x270, PF_R | PF_W)), 1);
    }

    /** The file size the segments imply. */
    public long fileSize() {
        long max = 0;
        for (Segment s : segments) {
            max = Math.max(max, s.offset() + s.filesz());
        }
        return max;
    }
}
