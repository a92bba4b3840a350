package io.pagelab.kernel.kaslr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the KASLR code reads from the kernel command line (arch/x86/boot/compressed/kaslr.c,
 * Linux 6.x: {@code cmdline_find_option_bool("nokaslr")} and handle_mem_options()):
 *
 * <pre>
 *  nokaslr            no randomization at all: the kernel stays where it was decompressed
 *  mem=nn[KMGTPE]     memory above nn is not used for the kernel (mem_limit)
 *  memmap=nn[KMG]#ss  (also $ss, !ss) a region to avoid, at most 4 (MAX_MEMMAP_REGIONS);
 *                     a fifth in the same option makes physical KASLR give up
 *  memmap=nn[KMG]@ss  usable memory: ignored here
 *  memmap=nn[KMG]     like mem=nn
 *  memmap=exactmap    ends the memmap parsing of that option
 * </pre>
 *
 * <p>Differs from Linux: words are split on blanks without the kernel's quote handling, and the
 * 1 GiB hugepages= reservation (process_gb_huge_pages()) is not modelled.
 *
 * @param nokaslr "nokaslr" is one of the words
 * @param memLimit the mem_limit: -1 (ULLONG_MAX, unsigned) when no option set it
 * @param memmapAvoid the memmap= regions to avoid, in the order given
 * @param memmapTooLarge more than 4 memmap= regions in one option: physical KASLR is off
 */
public record KaslrCmdline(boolean nokaslr, long memLimit, List<MemVector> memmapAvoid, boolean memmapTooLarge) {
    /** MAX_MEMMAP_REGIONS. */
    public static final int MAX_MEMMAP_REGIONS = 4;

    public KaslrCmdline {
        memmapAvoid = List.copyOf(memmapAvoid);
    }

    /** Reads a command line such as {@code "root=/dev/sda1 ro nokaslr mem=4G"}. */
    public static KaslrCmdline parse(String cmdline) {
        boolean nokaslr = false;
        long memLimit = -1L;
        List<MemVector> avoid = new ArrayList<>();
        boolean tooLarge = false;
        boolean memOptionsOn = cmdline.contains("memmap=") || cmdline.contains("mem=") || cmdline.contains("hugepages");
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.equals("nokaslr")) {
                nokaslr = true;
            }
            if (!memOptionsOn) {
                continue;
            }
            if (word.equals("--")) {
                break;
            }
            int eq = word.indexOf('=');
            String param = eq < 0 ? word : word.substring(0, eq);
            String val = eq < 0 ? null : word.substring(eq + 1);
            if (param.equals("memmap") && val != null) {
                if (avoid.size() >= MAX_MEMMAP_REGIONS) {
                    continue; // kaslr.c: mem_avoid_memmap() returns at once when the table is full
                }
                String[] items = val.split(",", -1);
                int next = 0;
                while (next < items.length && avoid.size() < MAX_MEMMAP_REGIONS) {
                    long[] parsed = parseMemmap(items[next]);
                    if (parsed == null) {
                        break;
                    }
                    String item = items[next++];
                    if (parsed[0] == 0) {
                        if (parsed[1] > 0) {
                            memLimit = parsed[1];
                        }
                        continue;
                    }
                    avoid.add(new MemVector("memmap=" + item, parsed[0], parsed[1]));
                }
                if (avoid.size() >= MAX_MEMMAP_REGIONS && next < items.length) {
                    tooLarge = true; // kaslr.c: "More than 4 memmaps, fail kaslr"
                }
            } else if (param.equals("mem") && val != null) {
                if (val.equals("nopentium")) {
                    continue;
                }
                long size = memparse(val, new int[1]);
                if (size == 0) {
                    break; // kaslr.c: goto out
                }
                memLimit = size;
            }
        }
        return new KaslrCmdline(nokaslr, memLimit, avoid, tooLarge);
    }

    /** kaslr.c: parse_memmap(): {start, size}, or null for -EINVAL. */
    private static long[] parseMemmap(String p) {
        if (p.startsWith("exactmap")) {
            return null;
        }
        int[] pos = {0};
        long size = memparse(p, pos);
        if (pos[0] == 0) {
            return null;
        }
        if (pos[0] >= p.length()) {
            return new long[] {0, size};
        }
        char c = p.charAt(pos[0]);
        if (c == '#' || c == '$' || c == '!') {
            return new long[] {memparse(p.substring(pos[0] + 1), new int[1]), size};
        }
        if (c == '@') {
            return new long[] {0, 0}; // usable region: skipped
        }
        return new long[] {0, size};
    }

    /**
     * lib/cmdline.c: memparse(): a number in C notation (0x hex, 0 octal, decimal) with an optional
     * K, M, G, T, P or E suffix; {@code pos[0]} is set to the first character not used.
     */
    static long memparse(String s, int[] pos) {
        int i = 0;
        int radix = 10;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            i = 2;
        } else if (s.startsWith("0") && s.length() > 1 && Character.isDigit(s.charAt(1))) {
            radix = 8;
            i = 1;
        }
        int digitsStart = i;
        long value = 0;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
            value = value * radix + Character.digit(s.charAt(i), radix);
            i++;
        }
        if (i == digitsStart && radix == 10) {
            pos[0] = 0;
            return 0;
        }
        if (i < s.length()) {
            int shift = "KMGTPE".indexOf(s.substring(i, i + 1).toUpperCase(Locale.ROOT));
            if (shift >= 0) {
                value <<= 10 * (shift + 1);
                i++;
            }
        }
        pos[0] = i;
        return value;
    }
}
