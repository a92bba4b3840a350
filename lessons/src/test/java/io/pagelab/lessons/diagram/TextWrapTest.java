package io.pagelab.lessons.diagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextWrapTest {

    @Test
    void wordsAreKeptWholeAndLinesStayWithinTheWidth() {
        // "the quick brown" is 15 characters, adding " fox" would make 19 > 16
        assertThat(TextWrap.wrap("the quick brown fox jumps", 16)).containsExactly("the quick brown", "fox jumps");
    }

    @Test
    void aWordLongerThanTheWidthGetsALineOfItsOwn() {
        assertThat(TextWrap.wrap("a 0xffff888000000000 b", 10)).containsExactly("a", "0xffff888000000000", "b");
    }

    @Test
    void runsOfSpacesCountAsOneAndEmptyTextIsOneEmptyLine() {
        assertThat(TextWrap.wrap("  one   two  ", 20)).containsExactly("one two");
        assertThat(TextWrap.wrap("", 20)).containsExactly("");
    }

    @Test
    void aTinyWidthIsRefusedWithTheRule() {
        assertThatThrownBy(() -> TextWrap.wrap("x", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10");
    }
}
