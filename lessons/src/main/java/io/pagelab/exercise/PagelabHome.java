package io.pagelab.exercise;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository root, where {@code workspace/} and the exercise sources are. The {@code ./pagelab}
 * script and Surefire pass it as {@code -Dpagelab.home}; otherwise {@code PAGELAB_HOME}, otherwise
 * the nearest directory at or above the working directory that holds {@code interview-q/}.
 */
public final class PagelabHome {
    /** The system property naming the repository root. */
    public static final String PROPERTY = "pagelab.home";

    private PagelabHome() {
    }

    public static Path resolve() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        String env = System.getenv("PAGELAB_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("interview-q")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        return dir;
    }
}
