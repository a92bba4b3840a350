package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceBuilderTest {

    @Test
    void idsAreFreshAndTheHeaderCarriesThePeakPayload() {
        TraceBuilder t = new TraceBuilder();
        int a = t.malloc(100);
        int b = t.malloc(50);
        t.free(a);
        t.realloc(b, 400);
        t.freeAll();
        // live payload: 100, 150, 50, 400, 0 -> peak 400; two allocations -> two ids
        assertThat(t.build("x.rep").toRep()).isEqualTo("400\n2\n5\n1\na 0 100\na 1 50\nf 0\nr 1 400\nf 1\n");
    }

    @Test
    void freeingABlockTwiceIsRefused() {
        TraceBuilder t = new TraceBuilder();
        int a = t.malloc(8);
        t.free(a);
        assertThatThrownBy(() -> t.free(a)).hasMessage("free of id 0, which is not allocated");
    }
}
