package io.pagelab.lessons.diagram;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks a long sentence (an exception message, a document's description) into lines of at
 * most a given width, at spaces, so that lesson output stays inside the terminal. A word longer
 * than the width gets a line of its own.
 */
public final class TextWrap {

    private TextWrap() {
    }

    /**
     * The lines of {@code text}, each at most {@code width} characters unless a single word is longer.
     *
     * @throws IllegalArgumentException when {@code width} is below 10
     */
    public static List<String> wrap(String text, int width) {
        checkArgument(width >= 10, "wrap width %s is too small: at least 10 columns", width);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
