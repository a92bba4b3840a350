package io.pagelab.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LessonContextTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stepsAreNumberedFromOneWithBothTitles() {
        LessonContext ctx = LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(ctx.step("First", "第一")).isEqualTo(1);
        assertThat(ctx.step("Second", "第二")).isEqualTo(2);

        assertThat(output()).contains("── Step 1 / 第 1 步 · First · 第一 ──")
                .contains("── Step 2 / 第 2 步 · Second · 第二 ──");
        assertThat(ctx.stepsShown()).isEqualTo(2);
    }

    @Test
    void aPlainContextPrintsNoEscapeSequences() {
        LessonContext ctx = LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        ctx.step("Title", "标题");
        ctx.say(Tone.EMPHASIS, "important");
        ctx.diagram("caption", List.of(ctx.paint(Tone.USABLE, "███")));

        assertThat(output()).doesNotContain("\u001b[").contains("│ ███");
    }

    @Test
    void aColourContextWrapsPaintedTextInTheToneAndAReset() {
        LessonContext ctx = new LessonContext(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

        assertThat(ctx.paint(Tone.USABLE, "RAM")).isEqualTo("\u001b[32mRAM\u001b[0m");
    }
}
