package io.pagelab.userspace.malloc;

/**
 * {@code struct mallinfo2} (malloc/malloc.h, glibc 2.33+), every field a size_t, with glibc's names.
 *
 * @param arena non-mmapped bytes obtained from the system (sum of the arenas' system_mem)
 * @param ordblks free chunks in bins and top (top counts as one per arena)
 * @param smblks free chunks in fastbins
 * @param hblks mmapped chunks (mp_.n_mmaps)
 * @param hblkhd bytes in mmapped chunks (mp_.mmapped_mem)
 * @param usmblks always 0
 * @param fsmblks bytes in fastbins
 * @param uordblks bytes in use (system_mem minus free bytes; tcache chunks count as in use)
 * @param fordblks free bytes (top, fastbins, bins)
 * @param keepcost the main arena's top chunk size (what malloc_trim could at most release)
 */
public record Mallinfo2(long arena, long ordblks, long smblks, long hblks, long hblkhd, long usmblks,
        long fsmblks, long uordblks, long fordblks, long keepcost) {
}
