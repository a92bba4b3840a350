package io.pagelab.lessons;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The lessons on the class path, found with {@link ServiceLoader}, in curriculum order (the order
 * of {@code META-INF/services/io.pagelab.lessons.Lesson}).
 */
public final class Lessons {

    private Lessons() {
    }

    /** Every registered lesson, first lesson first. */
    public static List<Lesson> all() {
        return ServiceLoader.load(Lesson.class, Lessons.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .collect(ImmutableList.toImmutableList());
    }

    /** The lesson with this id, if one is registered. */
    public static Optional<Lesson> find(String id) {
        return all().stream().filter(lesson -> lesson.id().equals(id)).findFirst();
    }

    /** The registered ids, comma-separated, for error messages ("valid ids: e820, ..."). */
    public static String ids() {
        return all().stream().map(Lesson::id).collect(Collectors.joining(", "));
    }
}
