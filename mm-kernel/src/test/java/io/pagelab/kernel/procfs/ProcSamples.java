package io.pagelab.kernel.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the real /proc captures under src/test/resources/io/pagelab/kernel/procfs/samples/
 * (made by src/test/c/capture-proc.sh on Linux 6.18 x86-64; see ENVIRONMENT.txt there).
 */
final class ProcSamples {
    private ProcSamples() {
    }

    /** The whole captured file. */
    static String file(String name) {
        String path = "/io/pagelab/kernel/procfs/samples/" + name;
        try (InputStream in = ProcSamples.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** regions.txt: label to {start, end}. */
    static Map<String, long[]> regions() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (String line : file("regions.txt").split("\n")) {
            String[] t = line.split(" ");
            m.put(t[0], new long[] {Long.decode(t[1]), Long.decode(t[2])});
        }
        return m;
    }

    static long[] region(String label) {
        long[] r = regions().get(label);
        if (r == null) {
            throw new IllegalArgumentException("no region " + label + " in regions.txt");
        }
        return r;
    }

    /** Every smaps entry, each from its maps line through its VmFlags line (newlines kept). */
    static List<String> smapsEntries() {
        List<String> entries = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : file("smaps").split("(?<=\n)")) {
            if (cur == null) {
                cur = new StringBuilder();
            }
            cur.append(line);
            if (line.startsWith("VmFlags:")) {
                entries.add(cur.toString());
                cur = null;
            }
        }
        return entries;
    }

    /** The smaps entry whose VMA starts at {@code start}. */
    static String smapsEntry(long start) {
        String prefix = Long.toHexString(start) + "-";
        for (String e : smapsEntries()) {
            if (e.startsWith(prefix)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no smaps entry starting at " + prefix);
    }

    /** The first line (the maps line, newline included) of an entry. */
    static String firstLine(String entry) {
        return entry.substring(0, entry.indexOf('\n') + 1);
    }

    /** The kB value of field {@code name} in a block of "Name:   N kB" lines. */
    static long kb(String block, String name) {
        for (String line : block.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim());
            }
        }
        throw new IllegalArgumentException("no field " + name);
    }

    /** The line of a file that starts with {@code prefix}, newline included. */
    static String lineStartingWith(String fileName, String prefix) {
        for (String line : file(fileName).split("(?<=\n)")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalArgumentException("no line starting with " + prefix + " in " + fileName);
    }
}
