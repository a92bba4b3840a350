package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceSuiteTest {

    @Test
    void theBundledTracesAreExactlyWhatTheGeneratorWrites() {
        // the glibc fixtures were captured from the bundled files; a generator change must be
        // followed by TraceSuite.main and capture.sh, or the fidelity test would compare stale data
        for (RepTrace generated : TraceSuite.generated()) {
            assertThat(RepTrace.bundled(generated.name()).toRep())
                    .as("bundled %s vs TraceSuite (seed %s)", generated.name(), TraceSuite.SEED)
                    .isEqualTo(generated.toRep());
        }
    }

    @Test
    void theGeneratorIsDeterministicForAGivenSeed() {
        assertThat(TraceSuite.random(7).toRep()).isEqualTo(TraceSuite.random(7).toRep());
        assertThat(TraceSuite.random(7).toRep()).isNotEqualTo(TraceSuite.random(8).toRep());
    }

    @Test
    void everyGeneratedTraceEndsWithNothingLive() {
        for (RepTrace t : TraceSuite.generated()) {
            java.util.Map<Integer, Long> sizes = new java.util.HashMap<>();
            for (TraceOp op : t.ops()) {
                if (op.kind() == TraceOp.Kind.FREE) {
                    sizes.remove(op.id());
                } else {
                    sizes.put(op.id(), op.size());
                }
            }
            assertThat(sizes).as("%s leaves blocks live", t.name()).isEmpty();
        }
    }

    @Test
    void theLargeTraceStraddlesTheMmapThreshold() {
        // request2size(131048) = (131048 + 8 + 15) & ~15 = 131056 < 128 KiB: heap;
        // request2size(131064) = 131072 = DEFAULT_MMAP_THRESHOLD: mmap (linux-reference.md §5.1, §5.2)
        RepTrace t = TraceSuite.large(TraceSuite.SEED);
        assertThat(t.ops().subList(0, 3)).extracting(TraceOp::size).containsExactly(131_048L, 131_064L, 131_073L);
        assertThat(t.ops()).extracting(TraceOp::size).contains(40L << 20); // above DEFAULT_MMAP_THRESHOLD_MAX
    }
}
