package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to grade.
 *
 * @param ids         exercise ids ({@code q05}, {@code 5}, {@code l01}); empty means every executable one
 * @param source      which sources to compile and grade
 * @param timeout     per test (and per lifecycle method): a test still running after it fails
 * @param jsonReport  where to write the JSON report, if anywhere; for {@link SourceSet#WORKSPACE}
 *                    an existing report there is merged (scores of exercises not graded now are kept)
 */
public record GradeRequest(List<String> ids, SourceSet source, Duration timeout, Optional<Path> jsonReport) {
    /** Per-test limit unless a request says otherwise: generous for a simulation, short for a human. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public GradeRequest {
        ids = List.copyOf(ids);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(jsonReport, "jsonReport");
        checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout %s must be positive", timeout);
    }

    /** Grade {@code ids} (all when empty) from {@code source}, default timeout, no JSON file. */
    public static GradeRequest of(SourceSet source, List<String> ids) {
        return new GradeRequest(ids, source, DEFAULT_TIMEOUT, Optional.empty());
    }

    public GradeRequest withTimeout(Duration newTimeout) {
        return new GradeRequest(ids, source, newTimeout, jsonReport);
    }

    public GradeRequest withJsonReport(Path file) {
        return new GradeRequest(ids, source, timeout, Optional.of(file));
    }
}
