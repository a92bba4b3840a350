package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Thrown by a learner stub that has not been filled in yet:
 *
 * <pre>
 * public List&lt;E820Entry&gt; sanitize(List&lt;E820Entry&gt; table) {
 *     throw new Todo("q05/E820Sanitizer.java");
 * }
 * </pre>
 *
 * <p>The message names the workspace copy the learner should edit:
 * {@code not implemented yet — edit workspace/q05/E820Sanitizer.java}. The grading runner
 * recognises it and reports the exercise as "not started" rather than as a bug.
 */
public final class Todo extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * @param file the stub's path inside the workspace, {@code <exercise id>/<File>.java}
     */
    public Todo(String file) {
        super("not implemented yet — edit " + Workspace.DIR + "/" + checkFile(file));
        this.file = file;
    }

    /** The file to edit, relative to the workspace: {@code q05/E820Sanitizer.java}. */
    public String file() {
        return file;
    }

    private static String checkFile(String file) {
        checkArgument(file != null && file.matches("[a-z][a-z0-9]*/[A-Za-z0-9_$]+\\.java"),
                "Todo file %s must be <exercise id>/<File>.java, like q05/E820Sanitizer.java", file);
        return file;
    }
}
