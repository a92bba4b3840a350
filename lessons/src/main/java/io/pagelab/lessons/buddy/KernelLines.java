package io.pagelab.lessons.buddy;

import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel log lines made to fit the lesson width: a line longer than {@link #WIDTH} columns is
 * wrapped at spaces and its continuation lines are indented, as a learner would copy it by hand.
 * Nothing of Linux is modelled here.
 */
final class KernelLines {

    /** What fits after the "  dmesg│ " prefix in 90 columns. */
    static final int WIDTH = 80;

    private KernelLines() {
    }

    static List<String> fit(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (line.length() <= WIDTH) {
                out.add(line);
                continue;
            }
            List<String> parts = TextWrap.wrap(line, WIDTH - 4);
            out.add(parts.get(0));
            for (int i = 1; i < parts.size(); i++) {
                out.add("    " + parts.get(i));
            }
        }
        return out;
    }
}
