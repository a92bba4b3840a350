package io.pagelab.userspace.malloclab;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Finds a {@link HeapAllocator} by its {@link HeapAllocator#name() name}. Built-in allocators are
 * listed here; every other one (the reference implicit/explicit/segregated allocators, a learner's
 * own) registers through {@link ServiceLoader} in
 * {@code META-INF/services/io.pagelab.userspace.malloclab.HeapAllocator}. Every lookup returns a
 * fresh, uninitialised instance: an allocator holds the state of one process.
 */
public final class HeapAllocators {
    private static final Map<String, Supplier<HeapAllocator>> BUILT_IN = ImmutableMap.of("ptmalloc", PtmallocAllocator::new);

    private HeapAllocators() {
    }

    /**
     * A new allocator named {@code name}.
     *
     * @throws IllegalArgumentException naming the allocators that exist if none has that name
     */
    public static HeapAllocator byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("allocator name is null; known: " + names());
        }
        Supplier<HeapAllocator> builtIn = BUILT_IN.get(name);
        if (builtIn != null) {
            return builtIn.get();
        }
        for (HeapAllocator a : ServiceLoader.load(HeapAllocator.class)) {
            if (name.equals(a.name())) {
                return a;
            }
        }
        throw new IllegalArgumentException("no allocator named '" + name + "'; known: " + names());
    }

    /** The names of every allocator {@link #byName} can find, sorted. */
    public static List<String> names() {
        TreeSet<String> names = new TreeSet<>(BUILT_IN.keySet());
        for (HeapAllocator a : ServiceLoader.load(HeapAllocator.class)) {
            names.add(a.name());
        }
        return new ArrayList<>(names);
    }
}
