package io.pagelab.cli;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.Lessons;
import io.pagelab.lessons.Tone;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pagelab lessons}: every lesson, in curriculum order, with its titles and questions. */
@Command(name = "lessons", mixinStandardHelpOptions = true, versionProvider = Pagelab.Version.class,
        description = {"List the lessons (id, Chinese and English title, interview questions).", "列出所有课程。"})
final class LessonsCommand implements Callable<Integer> {

    @ParentCommand
    private Pagelab parent;

    @Override
    public Integer call() {
        printList(parent.terminal(), Lessons.all());
        parent.terminal().out().println();
        parent.terminal().out().println("Run one with / 运行一课: pagelab run <id>");
        return 0;
    }

    /**
     * Prints the lesson list:
     * <pre>
     * Lessons / 课程
     *   e820  内存从哪里来？e820 与 memblock
     *         Where does memory come from? e820 and memblock   [q01 q02 q05 q06 q07]
     * </pre>
     */
    static void printList(Terminal terminal, List<Lesson> lessons) {
        PrintStream out = terminal.out();
        int width = lessons.stream().mapToInt(lesson -> lesson.id().length()).max().orElse(4);
        out.println(paint(terminal, Tone.HEADING, "Lessons / 课程 (" + lessons.size() + ")"));
        for (Lesson lesson : lessons) {
            String pad = " ".repeat(width - lesson.id().length());
            out.println("  " + paint(terminal, Tone.EMPHASIS, lesson.id()) + pad + "  " + lesson.titleZh());
            String questions = lesson.questions().isEmpty() ? "" : "   [" + String.join(" ", lesson.questions()) + "]";
            out.println("  " + " ".repeat(width) + "  " + lesson.titleEn() + paint(terminal, Tone.DIM, questions));
        }
    }

    private static String paint(Terminal terminal, Tone tone, String text) {
        return terminal.colour() ? tone.apply(text) : text;
    }
}
