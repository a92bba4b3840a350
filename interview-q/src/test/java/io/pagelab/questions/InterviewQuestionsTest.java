package io.pagelab.questions;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.ExerciseCatalog;
import io.pagelab.exercise.ExerciseInfo;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InterviewQuestionsTest {
    private final List<ExerciseInfo> questions = new InterviewQuestions().exercises();

    @Test
    void catalogHoldsTheFiftyNineQuestionsQ01ToQ59InOrder() {
        // the seed's list is "59问：内存管理", numbered 1 to 59 (curriculum.md)
        List<String> expected = IntStream.rangeClosed(1, 59).mapToObj(n -> String.format("q%02d", n))
                .collect(Collectors.toList());

        assertThat(questions).extracting(ExerciseInfo::id).containsExactlyElementsOf(expected);
    }

    @Test
    void everyQuestionHasAChineseAndAnEnglishTitleAndATask() {
        assertThat(questions).allSatisfy(q -> {
            assertThat(q.titleZh()).as("%s title zh", q.id()).isNotBlank().matches(".*[\\u4e00-\\u9fff].*");
            assertThat(q.titleEn()).as("%s title en", q.id()).isNotBlank().matches("[ -~]+");
            assertThat(q.task()).as("%s task", q.id()).isNotBlank();
        });
    }

    @Test
    void everyQuestionBelongsToAnIssuePart() {
        assertThat(questions).extracting(ExerciseInfo::part).containsOnly("F", "T", "P", "O", "U", "M", "later");
    }

    @Test
    void questionFiveIsTheE820Sanitizer() {
        ExerciseInfo q05 = questions.get(4);

        // curriculum.md row 5: 探知的e820表如何处理？, issue F, e820__update_table
        assertThat(q05.titleZh()).isEqualTo("探知的e820表如何处理？");
        assertThat(q05.titleEn()).isEqualTo("How is the probed e820 table processed?");
        assertThat(q05.part()).isEqualTo("F");
        assertThat(q05.topic()).isEqualTo("boot");
        assertThat(q05.packageName()).isEqualTo("io.pagelab.questions.q05");
    }

    @Test
    void catalogIsRegisteredWithServiceLoader() {
        assertThat(ServiceLoader.load(ExerciseCatalog.class).stream().map(p -> p.type().getName()))
                .contains(InterviewQuestions.class.getName());
    }
}
