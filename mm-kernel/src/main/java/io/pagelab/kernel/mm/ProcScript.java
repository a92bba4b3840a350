package io.pagelab.kernel.mm;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import io.pagelab.hardware.mmu.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a proc-script: one system call or command a line (docs/proc-script.md), on a simulated
 * process, printing a transcript in the same format as the C program that runs the same script
 * on the real kernel, so the two can be compared line by line.
 *
 * <pre>
 * mmap 0 0x3000 rw- private anon     = 0x7ffff7ff6000
 * munmap $1+0x1000 0x1000            = 0
 * brk +0x21000                       = 0x55555557a000
 * touch $1 w                         = 0
 * maps                               == maps == and the file
 * </pre>
 *
 * {@code $N} is the address the N-th successful mmap or mremap returned. Errors in the script
 * itself (an unknown command, a bad number) name the line; a system call that fails prints
 * {@code -1 ERRNO} and the script goes on, as a C program checking return values would.
 */
public final class ProcScript {
    private static final Logger LOG = LoggerFactory.getLogger(ProcScript.class);
    private final Kernel kernel;
    private Task current;
    private final List<Long> results = new ArrayList<>();
    private final Map<String, Function<Task, String>> procFiles = new LinkedHashMap<>();

    /** A script that starts in {@code task}. */
    public ProcScript(Kernel kernel, Task task) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.current = Objects.requireNonNull(task, "task");
        procFiles.put("maps", t -> t.mm().maps());
    }

    /** Makes {@code name} (e.g. "smaps") printable by the script. */
    public ProcScript withProcFile(String name, Function<Task, String> renderer) {
        procFiles.put(name, renderer);
        return this;
    }

    /** The task commands apply to now. */
    public Task current() {
        return current;
    }

    /** Runs every line of {@code script}; returns the transcript. */
    public String run(String script) {
        StringBuilder out = new StringBuilder();
        String[] lines = script.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim().replaceAll("\\s+", " ");
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.append(runLine(line));
            } catch (ScriptError e) {
                throw new InvalidArgumentException("proc-script line " + (i + 1) + ": " + e.getMessage()
                        + "\n  " + lines[i]);
            }
        }
        return out.toString();
    }

    private static final class ScriptError extends RuntimeException {
        ScriptError(String message) {
            super(message);
        }
    }

    private String runLine(String line) {
        String[] w = line.split(" ");
        String cmd = w[0].toLowerCase(Locale.ROOT);
        if (procFiles.containsKey(cmd)) {
            return "== " + cmd + " ==\n" + procFiles.get(cmd).apply(current);
        }
        Mm mm = current.mm();
        String result;
        try {
            switch (cmd) {
                case "mmap" -> {
                    need(w, 6, "mmap ADDR LEN PROT private|shared anon [fixed] [noreplace] [populate] [noreserve]");
                    int flags = AddressSpace.MAP_ANONYMOUS;
                    if (w[4].equals("private")) {
                        flags |= AddressSpace.MAP_PRIVATE;
                    } else if (w[4].equals("shared")) {
                        flags |= AddressSpace.MAP_SHARED;
                    } else {
                        throw new ScriptError("sharing must be 'private' or 'shared', not '" + w[4] + "'");
                    }
                    if (!w[5].equals("anon")) {
                        throw new ScriptError("only anonymous mappings ('anon') are scriptable, not '" + w[5] + "'");
                    }
                    for (int i = 6; i < w.length; i++) {
                        flags |= switch (w[i]) {
                            case "fixed" -> AddressSpace.MAP_FIXED;
                            case "noreplace" -> AddressSpace.MAP_FIXED_NOREPLACE;
                            case "populate" -> AddressSpace.MAP_POPULATE;
                            case "noreserve" -> AddressSpace.MAP_NORESERVE;
                            default -> throw new ScriptError("unknown mmap flag '" + w[i]
                                    + "' (allowed: fixed, noreplace, populate, noreserve)");
                        };
                    }
                    long a = mm.mmap(addr(w[1]), num(w[2]), prot(w[3]), flags);
                    results.add(a);
                    result = hex(a);
                }
                case "munmap" -> {
                    need(w, 3, "munmap ADDR LEN");
                    mm.munmap(addr(w[1]), num(w[2]));
                    result = "0";
                }
                case "mprotect" -> {
                    need(w, 4, "mprotect ADDR LEN PROT");
                    mm.mprotect(addr(w[1]), num(w[2]), prot(w[3]));
                    result = "0";
                }
                case "mremap" -> {
                    need(w, 4, "mremap ADDR OLDLEN NEWLEN [maymove]");
                    int flags = w.length > 4 && w[4].equals("maymove") ? AddressSpace.MREMAP_MAYMOVE : 0;
                    long a = mm.mremap(addr(w[1]), num(w[2]), num(w[3]), flags);
                    results.add(a);
                    result = hex(a);
                }
                case "madvise" -> {
                    need(w, 4, "madvise ADDR LEN dontneed|willneed|normal|free");
                    int advice = switch (w[3]) {
                        case "dontneed" -> AddressSpace.MADV_DONTNEED;
                        case "willneed" -> AddressSpace.MADV_WILLNEED;
                        case "normal" -> AddressSpace.MADV_NORMAL;
                        case "free" -> AddressSpace.MADV_FREE;
                        default -> throw new ScriptError("unknown advice '" + w[3] + "'");
                    };
                    mm.madvise(addr(w[1]), num(w[2]), advice);
                    result = "0";
                }
                case "brk" -> {
                    need(w, 2, "brk +INC | -DEC | ADDR | 0");
                    long cur = mm.brk(0);
                    long target = w[1].startsWith("+") ? cur + num(w[1].substring(1))
                            : w[1].startsWith("-") ? cur - num(w[1].substring(1)) : addr(w[1]);
                    result = hex(mm.brk(target));
                }
                case "touch" -> {
                    need(w, 3, "touch ADDR r|w [LEN]");
                    long a = addr(w[1]);
                    long len = w.length > 3 ? num(w[3]) : 1;
                    Access access = switch (w[2]) {
                        case "r" -> Access.READ;
                        case "w" -> Access.WRITE;
                        default -> throw new ScriptError("touch needs r or w, not '" + w[2] + "'");
                    };
                    for (long p = a; p < a + len; p = (p & -4096L) + 4096) {
                        // procscript.c writes "*p = *p": a load, then a store of the same byte, so a
                        // fresh anonymous page is first mapped to the zero page, then copied on write
                        if (access == Access.WRITE) {
                            mm.touch(p, Access.READ);
                        }
                        mm.touch(p, access);
                    }
                    result = "0";
                }
                case "mlock", "munlock" -> {
                    need(w, 3, cmd + " ADDR LEN");
                    if (cmd.equals("mlock")) {
                        mm.mlock(addr(w[1]), num(w[2]));
                    } else {
                        mm.munlock(addr(w[1]), num(w[2]));
                    }
                    result = "0";
                }
                case "fork" -> {
                    Task child = kernel.fork(current);
                    result = Integer.toString(child.pid());
                }
                case "switch" -> {
                    need(w, 2, "switch PID");
                    int pid = (int) num(w[1]);
                    current = kernel.task(pid).orElseThrow(() -> new ScriptError("no live process with pid " + pid));
                    result = "0";
                }
                case "exit" -> {
                    Task t = current;
                    kernel.exit(t);
                    current = kernel.tasks().isEmpty() ? t : kernel.tasks().get(0);
                    result = "0";
                }
                default -> throw new ScriptError("unknown command '" + w[0] + "' (allowed: mmap, munmap, mprotect,"
                        + " mremap, madvise, brk, touch, mlock, munlock, fork, switch, exit, " + String.join(", ", procFiles.keySet())
                        + ")");
            }
        } catch (SyscallException e) {
            result = "-1 " + e.errno().name();
        } catch (SegmentationFault e) {
            // docs/proc-script.md and procscript.c print a faulting touch as "-1 SIGSEGV" (the C
            // handler cannot tell more without siginfo); the si_code goes to the debug log
            LOG.debug("{}: SIGSEGV {} at {}", line,
                    e.siCode() == SegmentationFault.SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR", hex(e.address()));
            result = "-1 SIGSEGV";
        }
        return line + " = " + result + "\n";
    }

    private static void need(String[] w, int n, String usage) {
        if (w.length < n) {
            throw new ScriptError("too few arguments; usage: " + usage);
        }
    }

    private long addr(String tok) {
        if (!tok.startsWith("$")) {
            return num(tok);
        }
        int plus = Math.max(tok.indexOf('+'), tok.indexOf('-'));
        String ref = plus > 0 ? tok.substring(1, plus) : tok.substring(1);
        int n;
        try {
            n = Integer.parseInt(ref);
        } catch (NumberFormatException e) {
            throw new ScriptError("'" + tok + "' is not $N, $N+OFF or $N-OFF");
        }
        if (n < 1 || n > results.size()) {
            throw new ScriptError("$" + n + " refers to mmap/mremap result " + n + " but only " + results.size()
                    + " succeeded so far");
        }
        long base = results.get(n - 1);
        if (plus < 0) {
            return base;
        }
        long off = num(tok.substring(plus + 1));
        return tok.charAt(plus) == '+' ? base + off : base - off;
    }

    private static long num(String tok) {
        try {
            return tok.startsWith("0x") || tok.startsWith("0X") ? Long.parseUnsignedLong(tok.substring(2), 16)
                    : Long.parseLong(tok);
        } catch (NumberFormatException e) {
            throw new ScriptError("'" + tok + "' is not a number (decimal or 0x-hex)");
        }
    }

    private static Prot prot(String p) {
        if (p.length() != 3 || "r-".indexOf(p.charAt(0)) < 0 || "w-".indexOf(p.charAt(1)) < 0
                || "x-".indexOf(p.charAt(2)) < 0) {
            throw new ScriptError("protection '" + p + "' must be three characters like rw-, r--, r-x or ---");
        }
        int bits = Prot.USER | (p.charAt(0) == 'r' ? Prot.READ : 0) | (p.charAt(1) == 'w' ? Prot.WRITE : 0)
                | (p.charAt(2) == 'x' ? Prot.EXEC : 0);
        return Prot.of(bits);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
