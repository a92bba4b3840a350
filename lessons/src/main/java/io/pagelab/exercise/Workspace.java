package io.pagelab.exercise;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's editable copies, {@code <repo>/workspace/<id>/<File>.java}, made from the pristine
 * stubs. The directory is git-ignored and never touched by a build: {@link #ensure} only ever
 * creates missing files, so a learner's work is never overwritten.
 */
public final class Workspace {
    private static final Logger log = LoggerFactory.getLogger(Workspace.class);

    /** The workspace directory's name under the repository root. */
    public static final String DIR = "workspace";

    /** The learner's grade report, kept between runs for {@code pagelab questions}. */
    public static final String REPORT = "grade-report.json";

    private static final String README = "README.txt";

    private Workspace() {
    }

    public static Path dir(Path home) {
        return home.resolve(DIR);
    }

    public static Path exerciseDir(Path home, String id) {
        return dir(home).resolve(id);
    }

    /** Where learner runs write and merge their JSON report. */
    public static Path reportFile(Path home) {
        return dir(home).resolve(REPORT);
    }

    /**
     * Creates the workspace copy of every stub of every executable exercise that lacks one,
     * printing each file created to stderr.
     */
    public static List<Path> ensure(Path home) {
        return ensure(home, Exercises.load(home).executable(), System.err);
    }

    /**
     * Creates {@code workspace/<id>/<File>.java} from each exercise's stub when it does not exist
     * yet; existing files are left exactly as they are.
     *
     * @return the files created (empty when everything was there)
     */
    public static List<Path> ensure(Path home, Collection<Exercise> exercises, PrintStream out) {
        List<Path> created = new ArrayList<>();
        try {
            for (Exercise exercise : exercises) {
                for (Path stub : exercise.stubFiles(home)) {
                    Path copy = exercise.workspaceDir(home).resolve(stub.getFileName().toString());
                    if (Files.exists(copy)) {
                        continue;
                    }
                    Files.createDirectories(copy.getParent());
                    Files.copy(stub, copy);
                    created.add(copy);
                    log.debug("workspace: copied {} to {}", stub, copy);
                    out.println("created " + home.relativize(copy) + " from the stub: edit it, then run "
                            + "./pagelab grade " + exercise.id());
                }
            }
            writeReadme(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace under " + dir(home), e);
        }
        return List.copyOf(created);
    }

    private static void writeReadme(Path home) throws IOException {
        Path readme = dir(home).resolve(README);
        if (Files.exists(readme) || !Files.isDirectory(dir(home))) {
            return;
        }
        Files.writeString(readme, String.join(System.lineSeparator(),
                "Your exercise files. Edit workspace/<id>/*.java, then run ./pagelab grade <id>.",
                "pagelab created them from the stubs and never overwrites them; git ignores this directory.",
                "To start an exercise over, delete its directory: the next ./pagelab grade copies the stub again.",
                "你的练习文件：编辑 workspace/<id>/*.java，然后运行 ./pagelab grade <id>。", ""),
                StandardCharsets.UTF_8);
    }
}
