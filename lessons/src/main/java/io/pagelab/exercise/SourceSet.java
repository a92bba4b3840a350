package io.pagelab.exercise;

/** Which version of an exercise's sources is compiled and graded. */
public enum SourceSet {
    /** The learner's copies in {@code <repo>/workspace/<id>/}. */
    WORKSPACE("workspace", "your code in workspace/"),
    /** The pristine stubs: every grader test must fail on them. */
    STUBS("stubs", "the untouched stubs"),
    /** The reference solutions: every grader test must pass on them. */
    REFERENCE("reference", "the reference solutions");

    private final String label;
    private final String description;

    SourceSet(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Lower-case name used in reports: {@code workspace}, {@code stubs}, {@code reference}. */
    public String label() {
        return label;
    }

    /** Plain words for headings: "your code in workspace/". */
    public String description() {
        return description;
    }

    /** The set labelled {@code label}, or an exception listing the labels. */
    public static SourceSet ofLabel(String label) {
        for (SourceSet set : values()) {
            if (set.label.equals(label)) {
                return set;
            }
        }
        throw new IllegalArgumentException("unknown source set '" + label
                + "': expected workspace, stubs or reference");
    }
}
