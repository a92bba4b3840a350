package io.pagelab.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LessonRegistryTest {

    private static final Pattern QUESTION_ID = Pattern.compile("q(0[1-9]|[1-4][0-9]|5[0-9])");

    @Test
    void everyLessonInTheServicesFileIsFoundByServiceLoader() throws IOException {
        List<String> registered;
        try (InputStream in = Lesson.class.getResourceAsStream("/META-INF/services/io.pagelab.lessons.Lesson")) {
            assertThat(in).as("META-INF/services/io.pagelab.lessons.Lesson on the class path").isNotNull();
            registered = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceAll("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .collect(Collectors.toList());
        }

        List<String> loaded = Lessons.all().stream().map(l -> l.getClass().getName()).collect(Collectors.toList());

        assertThat(loaded).as("lessons ServiceLoader finds, in curriculum order").isEqualTo(registered);
        assertThat(loaded).isNotEmpty();
    }

    @Test
    void lessonIdsAreUniqueLowerCaseWords() {
        List<String> ids = Lessons.all().stream().map(Lesson::id).collect(Collectors.toList());

        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids).allMatch(id -> id.matches("[a-z0-9][a-z0-9-]*"), "a short lower-case id usable on the command line");
    }

    @Test
    void everyLessonHasBothTitlesAndValidQuestionIds() {
        for (Lesson lesson : Lessons.all()) {
            assertThat(lesson.titleZh()).as("Chinese title of %s", lesson.id()).isNotBlank();
            assertThat(lesson.titleEn()).as("English title of %s", lesson.id()).isNotBlank();
            assertThat(lesson.questions()).as("questions of %s", lesson.id())
                    .allMatch(q -> QUESTION_ID.matcher(q).matches(), "an id q01..q59");
        }
    }

    @Test
    void theTourStartsWithTheE820Lesson() {
        assertThat(Lessons.all().get(0).id()).isEqualTo("e820");
    }

    @Test
    void findReturnsTheLessonWithThatIdAndNothingForAnUnknownOne() {
        assertThat(Lessons.find("e820")).map(Lesson::id).contains("e820");
        assertThat(Lessons.find("no-such-lesson")).isEmpty();
    }
}
