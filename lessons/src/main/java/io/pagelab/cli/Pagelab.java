package io.pagelab.cli;

import io.pagelab.exercise.Exercises;
import io.pagelab.exercise.PagelabHome;
import io.pagelab.exercise.Style;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Lessons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code pagelab} command: without arguments, the tour (the list of lessons, then the first
 * lesson); with a subcommand, lessons, graded exercises, interview questions and an e820 tool.
 *
 * <pre>
 *   pagelab                  tour: list the lessons and run the first
 *   pagelab lessons          list the lessons
 *   pagelab run ID           run one lesson
 *   pagelab e820 [FILE|-]    sanitize a BIOS-e820 table from dmesg and show the boot report
 *   pagelab grade ...        grade your exercises
 *   pagelab questions ...    the 59 interview questions
 *   pagelab malloc-trace ... replay malloc-lab traces on an allocator
 * </pre>
 *
 * <p>Exit codes: 0 success, 1 bad input or a failed run, 2 usage error (unknown option, unknown
 * lesson). Errors are one line on stderr, without a stack trace unless {@code --verbose}.
 *
 * <p>Logging: WARN and above only (lessons/src/main/resources/logback.xml), on stderr so that
 * stdout stays clean. {@code -v} turns on DEBUG for all of pagelab, {@code --debug LOGGER} for one
 * logger, for example {@code --debug io.pagelab.kernel.e820}. Both must be read before the first
 * logger exists, so {@link #main} scans for them before picocli runs.
 */
@Command(name = "pagelab",
        mixinStandardHelpOptions = true,
        versionProvider = Pagelab.Version.class,
        sortOptions = false,
        header = "pagelab: Linux memory management you can run / 可以运行的 Linux 内存管理",
        description = {
            "Without a command: the tour. It lists the lessons and runs the first one.",
            "不带命令：导览，列出所有课程并运行第一课。"},
        subcommands = {
            LessonsCommand.class,
            RunCommand.class,
            E820Command.class,
            ProcScriptCommand.class,
            MallocTraceCommand.class
            // grade and questions are added in commandLine(), built on the same streams
        },
        footer = {"", "Colour is used on a terminal only, never when NO_COLOR is set."})
public final class Pagelab implements Callable<Integer> {

    /** Exit code for input that could not be used (a malformed e820 table, a missing file). */
    public static final int EXIT_BAD_INPUT = 1;
    /** Exit code for a usage error, the same as picocli's. */
    public static final int EXIT_USAGE = 2;

    static final String VERBOSE_PROPERTY = "pagelab.log.level";
    static final String DEBUG_PROPERTY = "pagelab.debug";

    private final Terminal terminal;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log at DEBUG for all of pagelab (on stderr), and show stack traces of errors.")
    boolean verbose;

    @Option(names = "--debug", paramLabel = "LOGGER", scope = ScopeType.INHERIT,
            description = "Log at DEBUG for this logger only, e.g. io.pagelab.kernel.e820.")
    String debugLogger;

    /** A command writing to the process's own streams. */
    public Pagelab() {
        this(Terminal.system());
    }

    /** A command writing to these streams (tests capture them). */
    public Pagelab(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        return terminal;
    }

    /** The tour: the list of lessons, then the first lesson. */
    @Override
    public Integer call() {
        List<Lesson> lessons = Lessons.all();
        if (lessons.isEmpty()) {
            terminal.err().println("pagelab: no lessons are registered (META-INF/services/io.pagelab.lessons.Lesson"
                    + " is missing from the class path)");
            return EXIT_BAD_INPUT;
        }
        LessonsCommand.printList(terminal, lessons);
        terminal.out().println();
        terminal.out().println("Starting the first lesson / 开始第一课: " + lessons.get(0).id());
        terminal.out().println();
        lessons.get(0).run(new LessonContext(terminal.out(), terminal.colour()));
        terminal.out().println();
        terminal.out().println("Next / 接下来: pagelab lessons · pagelab run <id> · pagelab questions · pagelab grade"
                + " · pagelab --help");
        return 0;
    }

    /**
     * The picocli command line for these streams: help and errors go to them, colour as the
     * terminal says, and errors from a command print as one line.
     */
    public static CommandLine commandLine(Terminal terminal) {
        Pagelab pagelab = new Pagelab(terminal);
        CommandLine cmd = new CommandLine(pagelab);
        Style style = terminal.colour() ? Style.colour() : Style.plain();
        Supplier<Exercises> exercises = () -> Exercises.load(PagelabHome.resolve());
        cmd.addSubcommand("grade", new GradeCommand(exercises, terminal.out(), terminal.err(), style));
        cmd.addSubcommand("questions", new QuestionsCommand(exercises, terminal.out(), style));
        cmd.setOut(new PrintWriter(new OutputStreamWriter(terminal.out(), StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(terminal.err(), StandardCharsets.UTF_8), true));
        cmd.setColorScheme(Help.defaultColorScheme(terminal.colour() ? Help.Ansi.ON : Help.Ansi.OFF));
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("pagelab: " + ex.getMessage());
            if (pagelab.verbose) {
                ex.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("pagelab: run again with -v for the stack trace");
            }
            commandLine.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        return cmd;
    }

    /** Runs pagelab with these arguments on the process's streams and exits with its code. */
    public static void main(String[] args) {
        configureLogging(args);
        Terminal terminal = Terminal.system();
        int code = commandLine(terminal).execute(args);
        terminal.out().flush();
        terminal.err().flush();
        System.exit(code);
    }

    /**
     * Sets the system properties lessons/src/main/resources/logback.xml reads, from -v/--verbose
     * and --debug LOGGER, before any logger is created. picocli validates the same options later.
     */
    static void configureLogging(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("-v") || arg.equals("--verbose")) {
                System.setProperty(VERBOSE_PROPERTY, "DEBUG");
            } else if (arg.equals("--debug") && i + 1 < args.length) {
                System.setProperty(DEBUG_PROPERTY, args[i + 1]);
            } else if (arg.startsWith("--debug=")) {
                System.setProperty(DEBUG_PROPERTY, arg.substring("--debug=".length()));
            }
        }
    }

    /** "pagelab 0.1.0-SNAPSHOT", read from the Maven descriptor in the lessons jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = "(development build)";
            try (InputStream in = Pagelab.class.getResourceAsStream("/META-INF/maven/io.pagelab/lessons/pom.properties")) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    version = properties.getProperty("version", version);
                }
            } catch (IOException e) {
                // keep "(development build)": the version is informative only
            }
            return new String[] {
                "pagelab " + version,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
