package io.pagelab.questions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real /proc samples the Q57-Q59 graders compare with: test resources in
 * {@code io/pagelab/questions/q58/}, captured on Linux 6.18 (x86-64) by {@code pagelab_capture.c}
 * through {@code capture.sh} in the same folder. The program's own regions (priv, idle, cow, file,
 * shm, cowf) and their addresses are listed in {@code layout.txt}; its comment tells the state of
 * every page.
 */
public final class ProcSamples {
    private static final String DIR = "/io/pagelab/questions/q58/";

    private ProcSamples() {
    }

    /** A whole captured file: smaps.txt, smaps_rollup.txt, numa_maps.txt, status.txt, stat.txt. */
    public static String text(String name) {
        try (InputStream in = ProcSamples.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + DIR + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The capture program's regions: name to {start, end}. */
    public static Map<String, long[]> layout() {
        Map<String, long[]> regions = new LinkedHashMap<>();
        for (String line : text("layout.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(" ");
            regions.put(f[0], new long[] {Long.parseUnsignedLong(f[1], 16), Long.parseUnsignedLong(f[2], 16)});
        }
        return regions;
    }

    /** Start address of one of the capture program's regions. */
    public static long start(String region) {
        long[] r = layout().get(region);
        if (r == null) {
            throw new IllegalStateException("no region " + region + " in layout.txt");
        }
        return r[0];
    }

    /** The smaps entries of smaps.txt, each from its maps line to its VmFlags line, newlines kept. */
    public static List<String> smapsEntries() {
        List<String> entries = new ArrayList<>();
        StringBuilder entry = new StringBuilder();
        for (String line : text("smaps.txt").split("\n")) {
            entry.append(line).append('\n');
            if (line.startsWith("VmFlags:")) {
                entries.add(entry.toString());
                entry.setLength(0);
            }
        }
        return entries;
    }

    /** The smaps entry whose VMA starts at {@code start}. */
    public static String smapsEntry(long start) {
        String prefix = String.format("%08x-", start);
        return smapsEntries().stream().filter(e -> e.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no smaps entry starts at " + prefix));
    }

    /** The numa_maps line of the VMA that starts at {@code start}, without its newline. */
    public static String numaMapsLine(long start) {
        String prefix = String.format("%08x ", start);
        for (String line : text("numa_maps.txt").split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("no numa_maps line starts at " + prefix);
    }
}
