package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepTraceTest {

    private static final String SHORT = "4096\n2\n4\n1\na 0 24\na 1 100\nr 0 500\nf 1\n";

    @Test
    void theFourHeaderNumbersAreHeapSizeIdsOperationsAndWeight() {
        RepTrace t = RepTrace.parse("t.rep", SHORT);
        assertThat(t.suggestedHeapSize()).isEqualTo(4096);
        assertThat(t.numIds()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(4);
        assertThat(t.weight()).isEqualTo(1);
    }

    @Test
    void eachOperationKeepsItsKindIdSizeAndLine() {
        RepTrace t = RepTrace.parse("t.rep", SHORT);
        // header on lines 1-4, so "r 0 500" is line 7
        assertThat(t.ops().get(2)).isEqualTo(new TraceOp(TraceOp.Kind.REALLOC, 0, 500, 7));
        assertThat(t.ops().get(3)).isEqualTo(new TraceOp(TraceOp.Kind.FREE, 1, 0, 8));
    }

    @Test
    void toRepWritesBackWhatParseReads() {
        assertThat(RepTrace.parse("t.rep", SHORT).toRep()).isEqualTo(SHORT);
    }

    @Test
    void blankLinesAreSkippedButCountedInLineNumbers() {
        RepTrace t = RepTrace.parse("t.rep", "4096\n1\n2\n1\n\na 0 8\n\nf 0\n");
        assertThat(t.ops()).extracting(TraceOp::line).containsExactly(6, 8);
    }

    @Test
    void anUnknownOperationNamesTheLineAndTheAllowedOnes() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n1\n1\nx 0 8\n"))
                .isInstanceOf(RepTraceException.class)
                .hasMessage("t.rep:5: \"x 0 8\": unknown operation 'x'; allowed: 'a id size', 'f id', 'r id size'")
                .extracting(e -> ((RepTraceException) e).line()).isEqualTo(5);
    }

    @Test
    void freeingAnIdThatIsNotLiveIsAnError() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n2\n2\n1\na 0 8\nf 1\n"))
                .hasMessage("t.rep:6: \"f 1\": id 1 is not allocated here; 'f' needs a live id");
    }

    @Test
    void allocatingALiveIdAgainIsAnError() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n2\n1\na 0 8\na 0 16\n"))
                .hasMessageContaining("t.rep:6:").hasMessageContaining("id 0 is still allocated");
    }

    @Test
    void reallocToZeroFreesTheId() {
        // glibc 2.36 realloc(p, 0) frees p (REALLOC_ZERO_BYTES_FREES), so the id may be allocated again
        RepTrace t = RepTrace.parse("t.rep", "0\n1\n3\n1\na 0 8\nr 0 0\na 0 8\n");
        assertThat(t.size()).isEqualTo(3);
    }

    @Test
    void anIdOutsideTheDeclaredRangeIsRejectedWithTheRange() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n2\n1\n1\na 2 8\n"))
                .hasMessage("t.rep:5: \"a 2 8\": id 2 is out of range; allowed: 0 to 1");
    }

    @Test
    void aNegativeOrNonNumericSizeIsRejected() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n1\n1\na 0 -8\n"))
                .hasMessageContaining("size -8 is out of range; allowed: 0 to 2147483647");
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n1\n1\na 0 1k\n"))
                .hasMessageContaining("size '1k' is not a decimal number");
    }

    @Test
    void aWrongNumberOfFieldsIsRejected() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n1\n1\na 0\n"))
                .hasMessageContaining("'a' takes 2 number(s): 'a id size'");
    }

    @Test
    void fewerOperationsThanAnnouncedIsAnErrorAtTheEnd() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n3\n1\na 0 8\nf 0\n"))
                .hasMessage("t.rep:7: the header announces 3 operations but the trace has 2");
    }

    @Test
    void moreOperationsThanAnnouncedIsAnErrorAtTheFirstExtraLine() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n1\n1\na 0 8\nf 0\n"))
                .hasMessage("t.rep:6: \"f 0\": more operations than the 1 the header announces");
    }

    @Test
    void aTruncatedHeaderSaysWhichNumberIsMissing() {
        assertThatThrownBy(() -> RepTrace.parse("t.rep", "0\n1\n"))
                .hasMessage("t.rep:3: the trace ends before its header line 'number of operations'");
    }

    @Test
    void everyBundledTraceParsesAndTheIndexListsShortFirst() {
        assertThat(RepTrace.bundled().keySet()).startsWith("short.rep")
                .contains("small.rep", "realloc.rep", "coalesce.rep", "binary.rep", "random.rep", "large.rep");
        for (String name : RepTrace.bundled().keySet()) {
            assertThat(RepTrace.bundled(name).name()).isEqualTo(name);
        }
    }

    @Test
    void aBundledTraceCanBeNamedWithoutItsExtension() {
        assertThat(RepTrace.bundled("short").size()).isEqualTo(10);
    }

    @Test
    void anUnknownBundledTraceListsTheBundledOnes() {
        assertThatThrownBy(() -> RepTrace.bundled("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no bundled trace 'nope'; bundled: [short.rep, small.rep");
    }
}
