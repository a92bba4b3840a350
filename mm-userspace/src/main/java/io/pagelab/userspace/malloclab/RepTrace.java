package io.pagelab.userspace.malloclab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A malloc-lab trace ({@code .rep}), the format of CS:APP's {@code mdriver.c: read_trace}:
 *
 * <pre>
 *   20000        suggested heap size (ignored by the driver, kept for compatibility)
 *   3            number of ids: blocks are named 0 .. ids-1
 *   5            number of operations that follow
 *   1            weight (1: counted in the total, 0: not)
 *   a 0 512      blocks[0] = malloc(512)
 *   a 1 128
 *   r 0 640      blocks[0] = realloc(blocks[0], 640)
 *   f 1          free(blocks[1])
 *   f 0
 * </pre>
 *
 * <p>Differs from mdriver.c on purpose: a trace must be well formed as a program, so {@code a}
 * needs an id that is not live, {@code f} and {@code r} a live one (mdriver would pass a stale or
 * uninitialised pointer), the operation count must match, and sizes are in
 * {@code [0, Integer.MAX_VALUE]} (mdriver reads them as {@code int}). {@code r id 0} frees the
 * block, as glibc 2.36's realloc does. Blank lines are skipped. Errors are
 * {@link RepTraceException}s naming the line.
 *
 * @param name the trace's name (file name without directory)
 * @param suggestedHeapSize the first header number
 * @param numIds the second header number
 * @param weight the fourth header number
 * @param ops the operations, in order
 */
public record RepTrace(String name, long suggestedHeapSize, int numIds, int weight, List<TraceOp> ops) {

    private static final String BUNDLED_DIR = "traces/";

    /** Copies {@code ops}. */
    public RepTrace {
        ops = List.copyOf(ops);
    }

    /** Parses trace text. */
    public static RepTrace parse(String name, String text) {
        try {
            return parse(name, new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a StringReader
        }
    }

    /** Reads and parses a trace file; its name is the file name. */
    public static RepTrace read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return parse(file.getFileName().toString(), in);
        }
    }

    /**
     * One of the traces shipped with pagelab (see {@link #bundled()}), by name with or without
     * {@code .rep}.
     *
     * @throws IllegalArgumentException naming the bundled traces if there is none by that name
     */
    public static RepTrace bundled(String name) {
        String file = name.endsWith(".rep") ? name : name + ".rep";
        InputStream in = RepTrace.class.getResourceAsStream(BUNDLED_DIR + file);
        if (in == null) {
            throw new IllegalArgumentException("no bundled trace '" + name + "'; bundled: " + bundled().keySet());
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.US_ASCII)) {
            return parse(file, r);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled trace " + file, e);
        }
    }

    /** The bundled traces' names (with {@code .rep}) and one-line descriptions, in suite order. */
    public static Map<String, String> bundled() {
        Map<String, String> index = new LinkedHashMap<>();
        InputStream in = RepTrace.class.getResourceAsStream(BUNDLED_DIR + "index.txt");
        if (in == null) {
            throw new IllegalStateException("the bundled trace index " + BUNDLED_DIR + "index.txt is missing");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+", 2);
                index.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled trace index", e);
        }
        return Collections.unmodifiableMap(index);
    }

    /** Parses a trace from {@code in} (not closed). */
    public static RepTrace parse(String name, Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
        Lines lines = new Lines(name, r);
        long heap = lines.header("suggested heap size", 0, Long.MAX_VALUE);
        int ids = (int) lines.header("number of ids", 0, Integer.MAX_VALUE);
        int count = (int) lines.header("number of operations", 0, Integer.MAX_VALUE);
        int weight = (int) lines.header("weight", 0, Integer.MAX_VALUE);
        List<TraceOp> ops = new ArrayList<>(Math.min(count, 1 << 20));
        BitSet live = new BitSet(ids);
        for (String text = lines.next(); text != null; text = lines.next()) {
            if (ops.size() == count) {
                throw lines.error(text, "more operations than the " + count + " the header announces");
            }
            TraceOp op = parseOp(lines, text, ids);
            checkLiveness(lines, text, op, live);
            ops.add(op);
        }
        if (ops.size() != count) {
            throw lines.error(null, "the header announces " + count + " operations but the trace has " + ops.size());
        }
        return new RepTrace(name, heap, ids, weight, ops);
    }

    private static TraceOp parseOp(Lines lines, String text, int ids) {
        String[] f = text.trim().split("\\s+");
        TraceOp.Kind kind;
        switch (f[0]) {
            case "a":
                kind = TraceOp.Kind.ALLOC;
                break;
            case "f":
                kind = TraceOp.Kind.FREE;
                break;
            case "r":
                kind = TraceOp.Kind.REALLOC;
                break;
            default:
                throw lines.error(text, "unknown operation '" + f[0] + "'; allowed: 'a id size', 'f id', 'r id size'");
        }
        int want = kind == TraceOp.Kind.FREE ? 2 : 3;
        if (f.length != want) {
            throw lines.error(text, "'" + f[0] + "' takes " + (want - 1) + " number(s): "
                    + (kind == TraceOp.Kind.FREE ? "'f id'" : "'" + f[0] + " id size'"));
        }
        long id = lines.number(text, f[1], "id", 0, ids - 1L);
        long size = want == 3 ? lines.number(text, f[2], "size", 0, Integer.MAX_VALUE) : 0;
        return new TraceOp(kind, (int) id, size, lines.lineNo);
    }

    private static void checkLiveness(Lines lines, String text, TraceOp op, BitSet live) {
        boolean isLive = live.get(op.id());
        switch (op.kind()) {
            case ALLOC:
                if (isLive) {
                    throw lines.error(text, "id " + op.id() + " is still allocated; 'a' needs an id that is free (use 'r' to resize)");
                }
                live.set(op.id());
                break;
            case FREE:
                if (!isLive) {
                    throw lines.error(text, "id " + op.id() + " is not allocated here; 'f' needs a live id");
                }
                live.clear(op.id());
                break;
            default:
                if (!isLive) {
                    throw lines.error(text, "id " + op.id() + " is not allocated here; 'r' needs a live id");
                }
                live.set(op.id(), op.size() != 0);
                break;
        }
    }

    /** The number of malloc/free/realloc calls. */
    public int size() {
        return ops.size();
    }

    /** The trace in .rep format, exactly as {@link #parse} reads it. */
    public String toRep() {
        StringBuilder sb = new StringBuilder();
        sb.append(suggestedHeapSize).append('\n').append(numIds).append('\n')
                .append(ops.size()).append('\n').append(weight).append('\n');
        for (TraceOp op : ops) {
            sb.append(op).append('\n');
        }
        return sb.toString();
    }

    /** Line reader that counts lines and skips blank ones. */
    private static final class Lines {
        final String name;
        final BufferedReader r;
        int lineNo;

        Lines(String name, BufferedReader r) {
            this.name = name;
            this.r = r;
        }

        String next() throws IOException {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    return line;
                }
            }
            lineNo++;
            return null;
        }

        long header(String what, long min, long max) throws IOException {
            String text = next();
            if (text == null) {
                throw error(null, "the trace ends before its header line '" + what + "'");
            }
            return number(text, text.trim(), what, min, max);
        }

        long number(String text, String token, String what, long min, long max) {
            long v;
            try {
                v = Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw error(text, what + " '" + token + "' is not a decimal number");
            }
            if (v < min || v > max) {
                throw error(text, what + " " + v + " is out of range; allowed: " + min + " to " + max);
            }
            return v;
        }

        RepTraceException error(String text, String reason) {
            return new RepTraceException(name, lineNo, text, reason);
        }
    }
}
