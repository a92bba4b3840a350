package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapAllocatorsTest {

    @Test
    void ptmallocIsBuiltInAndTheReferenceAllocatorsComeThroughServiceLoader() {
        assertThat(HeapAllocators.names()).contains("ptmalloc", "implicit", "explicit", "segregated").isSorted();
    }

    @Test
    void eachLookupGivesAFreshInstanceWithThatName() {
        HeapAllocator a = HeapAllocators.byName("ptmalloc");
        assertThat(a.name()).isEqualTo("ptmalloc");
        assertThat(HeapAllocators.byName("ptmalloc")).isNotSameAs(a);
        assertThat(HeapAllocators.byName("segregated")).isNotSameAs(HeapAllocators.byName("segregated"));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> HeapAllocators.byName("buddy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no allocator named 'buddy'; known: [")
                .hasMessageContaining("ptmalloc");
    }

    @Test
    void ptmallocMustBeInitialisedOnceBeforeUse() {
        PtmallocAllocator a = new PtmallocAllocator();
        assertThatThrownBy(() -> a.malloc(8)).isInstanceOf(IllegalStateException.class)
                .hasMessage("ptmalloc is not initialised: call init(process) first");
        a.init(new LabProcess());
        assertThatThrownBy(() -> a.init(new LabProcess())).isInstanceOf(IllegalStateException.class);
    }
}
