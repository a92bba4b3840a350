package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureMessageTest {
    private final FailureMessage words = new FailureMessage(name -> name.startsWith("io.pagelab.questions.q05."),
            Duration.ofSeconds(10));

    @Test
    void thrownTodoIsShownAsItsMessage() {
        Todo todo = new Todo("q05/E820Sanitizer.java");

        assertThat(words.describe(todo)).isEqualTo("not implemented yet — edit workspace/q05/E820Sanitizer.java");
        assertThat(FailureMessage.isTodo(todo)).isTrue();
    }

    @Test
    void todoQuotedByAnAssertionStillCountsAsNotStarted() {
        // what AssertJ says when assertThatThrownBy(...).isInstanceOf(X.class) catches the stub's Todo
        AssertionError caught = new AssertionError("[what detect_memory does in protected mode] \n"
                + "Expecting actual throwable to be an instance of:\n  io.pagelab.kernel.RealModeOnlyException\n"
                + "but was:\n  io.pagelab.exercise.Todo: not implemented yet — edit workspace/q02/RealModeSetup.java\n"
                + "\tat io.pagelab.questions.q02.RealModeSetup.probe(RealModeSetup.java:20)");

        assertThat(FailureMessage.isTodo(caught)).isTrue();
        assertThat(words.describe(caught)).isEqualTo("not implemented yet — edit workspace/q02/RealModeSetup.java");
    }

    @Test
    void learnerExceptionNamesItsTypeMessageAndLine() {
        IllegalStateException thrown = new IllegalStateException("empty table");
        thrown.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.pagelab.questions.q05.E820Sanitizer", "sanitize", "E820Sanitizer.java", 42),
            new StackTraceElement("io.pagelab.questions.q05.E820SanitizerTest", "merges", "E820SanitizerTest.java", 9)});

        assertThat(words.describe(thrown)).isEqualTo("threw IllegalStateException: empty table at E820Sanitizer.java:42");
        assertThat(FailureMessage.isTodo(thrown)).isFalse();
    }
}
