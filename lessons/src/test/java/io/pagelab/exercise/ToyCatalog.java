package io.pagelab.exercise;

import java.nio.file.Path;

/** The toy exercises t01 and t02 of the pipeline tests; sources under a test's home directory. */
final class ToyCatalog extends TsvCatalog {
    ToyCatalog() {
        this("toy");
    }

    /** The toy exercises under another catalog name ("interview-q" to stand in for the questions). */
    ToyCatalog(String name) {
        super(name, "Toy exercises 玩具练习", "toy-catalog.tsv", "io.pagelab.fixture", Path.of("stubs"),
                Path.of("reference"));
    }
}
