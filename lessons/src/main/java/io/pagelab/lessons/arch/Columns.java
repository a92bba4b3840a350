package io.pagelab.lessons.arch;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines up rows of cells into text columns, each as wide as its widest cell, separated by two
 * spaces, so a lesson can print three architectures side by side. Widths count characters, so
 * cells should be ASCII (or other single-column characters).
 */
final class Columns {

    private final List<String[]> rows = new ArrayList<>();

    /** Adds one row; rows may have different numbers of cells. */
    Columns row(String... cells) {
        checkArgument(cells.length > 0, "a row needs at least one cell");
        rows.add(cells.clone());
        return this;
    }

    /** The rows as aligned lines, trailing spaces removed. */
    List<String> lines() {
        int columns = 0;
        for (String[] row : rows) {
            columns = Math.max(columns, row.length);
        }
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    sb.append("  ");
                }
                sb.append(row[c]);
                if (c < row.length - 1) {
                    sb.append(" ".repeat(width[c] - row[c].length()));
                }
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }
}
