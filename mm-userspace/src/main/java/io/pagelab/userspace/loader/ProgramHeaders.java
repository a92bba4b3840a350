package io.pagelab.userspace.loader;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.mm.ProgramImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The program headers of an ELF executable as {@code readelf -lW} prints them: the file type
 * (EXEC or DYN), the PT_LOAD segments the kernel maps, and the PT_GNU_RELRO range the dynamic
 * loader makes read-only after relocation. Lets a learner run the layout of any real binary:
 * {@code readelf -lW /bin/ls > ls.txt}.
 *
 * @param pie        ET_DYN ("DYN (Position-Independent Executable file)")
 * @param loads      the LOAD lines in file order
 * @param relroVaddr p_vaddr of GNU_RELRO, or -1 when there is none
 * @param relroMemsz p_memsz of GNU_RELRO (0 when there is none)
 */
public record ProgramHeaders(boolean pie, List<ProgramImage.Segment> loads, long relroVaddr, long relroMemsz) {

    public ProgramHeaders {
        loads = List.copyOf(loads);
        InvalidArgumentException.check(!loads.isEmpty(), "program headers need at least one LOAD line (got %s)", 0);
    }

    /**
     * Parses {@code readelf -lW} output. Lines other than the file type, LOAD and GNU_RELRO are
     * ignored.
     *
     * @throws InvalidArgumentException naming the line when a LOAD or GNU_RELRO line is malformed,
     *     or when there is no LOAD line
     */
    public static ProgramHeaders parseReadelf(String text) {
        boolean pie = false;
        List<ProgramImage.Segment> loads = new ArrayList<>();
        long relroVaddr = -1;
        long relroMemsz = 0;
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.trim();
            if (line.startsWith("Elf file type is")) {
                pie = line.contains("DYN");
                continue;
            }
            boolean load = line.startsWith("LOAD ");
            boolean relro = line.startsWith("GNU_RELRO ");
            if (!load && !relro) {
                continue;
            }
            String[] f = line.split("\\s+");
            // Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align; Flg may be "R E" (two words)
            if (f.length < 8) {
                throw new InvalidArgumentException("readelf line " + n + " has too few columns for a program header"
                        + " (Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align): " + raw);
            }
            try {
                long offset = Long.decode(f[1]);
                long vaddr = Long.decode(f[2]);
                long filesz = Long.decode(f[4]);
                long memsz = Long.decode(f[5]);
                StringBuilder flg = new StringBuilder();
                for (int i = 6; i < f.length - 1; i++) {
                    flg.append(f[i]);
                }
                int flags = (flg.indexOf("R") >= 0 ? ProgramImage.PF_R : 0) | (flg.indexOf("W") >= 0 ? ProgramImage.PF_W : 0)
                        | (flg.indexOf("E") >= 0 ? ProgramImage.PF_X : 0);
                if (load) {
                    loads.add(new ProgramImage.Segment(offset, vaddr, filesz, memsz, flags));
                } else {
                    relroVaddr = vaddr;
                    relroMemsz = memsz;
                }
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("readelf line " + n + ": " + e.getMessage()
                        + " is not a number (readelf prints 0x-hex): " + raw);
            }
        }
        if (loads.isEmpty()) {
            throw new InvalidArgumentException("no LOAD line: is this the output of readelf -lW?");
        }
        return new ProgramHeaders(pie, loads, relroVaddr, relroMemsz);
    }

    /** The image execve() maps, for the file at {@code path} on device major:minor, inode {@code ino}. */
    public ProgramImage image(String path, int major, int minor, long ino) {
        return new ProgramImage(path, major, minor, ino, pie, loads, 1);
    }
}
