package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A catalog read from a tab-separated resource, one exercise per line:
 *
 * <pre>
 * # id  part  topic  title (zh)  title (en)  what the learner implements
 * q05   F     boot   探知的e820表如何处理？   How is the probed e820 table processed?   e820__update_table (sanitize)
 * </pre>
 *
 * Lines starting with {@code #} and blank lines are ignored. The package of exercise {@code q05}
 * is {@code <packagePrefix>.q05}.
 */
public abstract class TsvCatalog implements ExerciseCatalog {
    private static final int COLUMNS = 6;

    private final String name;
    private final String title;
    private final Path stubRoot;
    private final Path referenceRoot;
    private final List<ExerciseInfo> exercises;

    /**
     * @param resource      resource name, resolved against the subclass ({@link Class#getResourceAsStream})
     * @param packagePrefix package that holds one sub-package per exercise
     */
    protected TsvCatalog(String name, String title, String resource, String packagePrefix,
                         Path stubRoot, Path referenceRoot) {
        this.name = name;
        this.title = title;
        this.stubRoot = stubRoot;
        this.referenceRoot = referenceRoot;
        this.exercises = List.copyOf(read(resource, packagePrefix));
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String title() {
        return title;
    }

    @Override
    public final List<ExerciseInfo> exercises() {
        return exercises;
    }

    @Override
    public final Path stubRoot() {
        return stubRoot;
    }

    @Override
    public final Path referenceRoot() {
        return referenceRoot;
    }

    private List<ExerciseInfo> read(String resource, String packagePrefix) {
        List<ExerciseInfo> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            checkState(in != null, "catalog %s: resource %s not found next to %s", name, resource,
                    getClass().getName());
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                checkArgument(cells.length == COLUMNS, "%s line %s has %s tab-separated cells, expected %s "
                        + "(id, part, topic, title zh, title en, task)", resource, lineNumber, cells.length, COLUMNS);
                String id = cells[0].trim();
                ExerciseInfo info = new ExerciseInfo(id, cells[3].trim(), cells[4].trim(), cells[2].trim(),
                        cells[1].trim(), cells[5].trim(), packagePrefix + "." + id);
                checkArgument(ids.add(id), "%s line %s repeats exercise id %s", resource, lineNumber, id);
                result.add(info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("catalog " + name + ": cannot read " + resource, e);
        }
        return result;
    }
}
