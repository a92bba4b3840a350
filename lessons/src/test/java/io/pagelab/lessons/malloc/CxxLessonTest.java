package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the cxx lesson once and checks what it must show. operator new = malloc (libsupc++
 * new_op.cc); the array cookie is sizeof(size_t) = 8 bytes on x86-64, only for types with a
 * non-trivial destructor (Itanium C++ ABI §2.7; seed-digest erratum 29: not 4 bytes); chunk sizes
 * and glibc's messages from linux-reference.md §5.1 and §5.9; the first user chunk at
 * start_brk + 0x2a0 = 0x5555555592a0 (§5.3).
 */
class CxxLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new CxxLesson());
    }

    @Test
    void newIsOperatorNewThenTheConstructor() {
        assertThat(output).contains("operator new(16) = 0x5555555592a0\n")
                .contains("construct 1 x Point at 0x5555555592a0")
                // request2size(16) = 0x20, PREV_INUSE
                .contains("0x555555559290:  0x0000000000000000  0x0000000000000021");
    }

    @Test
    void operatorNewOfZeroReusesTheFreedChunk() {
        // malloc(1) -> 0x20 chunk, popped from tcache[0x20] where delete p put it
        assertThat(output).contains("operator new(0) = 0x5555555592a0");
    }

    @Test
    void anArrayOfATypeWithADestructorHasAnEightByteCookie() {
        // int[10]: 40 bytes, no cookie, chunk 0x30 at 0x290; Widget[10]: 10 * 4 + 8 = 48 -> chunk
        // 0x40 at 0x2c0, user 0x2d0, cookie 10 there, elements from 0x2d8
        assertThat(output).contains("operator new[](40) = 0x5555555592a0")
                .contains("operator new[](48) = 0x5555555592d0")
                .contains("construct 10 x Widget at 0x5555555592d8")
                .contains("0x5555555592c0:  0x0000000000000000  0x0000000000000041")
                .contains("0x5555555592d0:  0x000000000000000a")
                .contains("operator delete[](0x5555555592d0)");
    }

    @Test
    void placementNewAllocatesNothing() {
        assertThat(output).contains("construct 1 x Point at 0x5555555592b0")
                .doesNotContain("operator new(64)");
    }

    @Test
    void deleteOnACookiedArrayAbortsInMunmapChunk() {
        // free(w = raw + 8): the "size field" at w - 8 is the cookie 10, IS_MMAPPED (2) set ->
        // munmap_chunk, whose page-alignment check fails
        assertThat(output).contains("operator delete(0x5555555592a8)")
                .contains("  munmap_chunk(): invalid pointer\n  Aborted (core dumped)");
    }

    @Test
    void deleteArrayOnASingleObjectReadsTheSizeFieldAsItsCount() {
        // o - 8 holds the chunk's size field 0x21 = 33; free(o - 8) is misaligned
        assertThat(output).contains("destroy 33 x Widget at 0x5555555592a0")
                .contains("operator delete[](0x555555559298)")
                .contains("  free(): invalid pointer\n  Aborted (core dumped)");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new CxxLesson())).isEqualTo(output);
    }
}
