package io.pagelab.cli;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Lessons;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pagelab run ID}: runs one lesson; an unknown id lists the valid ones and exits with 2. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Pagelab.Version.class,
        description = {"Run one lesson: a live simulation, narrated step by step.", "运行一课。"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private Pagelab parent;

    @Parameters(paramLabel = "ID", description = "The lesson id, as `pagelab lessons` lists it (e.g. e820).")
    private String id;

    @Override
    public Integer call() {
        Terminal terminal = parent.terminal();
        Optional<Lesson> lesson = Lessons.find(id);
        if (lesson.isEmpty()) {
            terminal.err().println("pagelab run: no lesson with id '" + id + "'; valid ids: " + Lessons.ids());
            terminal.err().println("pagelab run: `pagelab lessons` lists them with their titles");
            return Pagelab.EXIT_USAGE;
        }
        lesson.get().run(new LessonContext(terminal.out(), terminal.colour()));
        return 0;
    }
}
