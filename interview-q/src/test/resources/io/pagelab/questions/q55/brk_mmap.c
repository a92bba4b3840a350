/*
 * Q55 capture: how glibc 2.36 (x86-64, ptmalloc2) uses brk and mmap.
 * Build and run with ./capture.sh (ASLR off: setarch x86_64 -R).
 *
 * Every line printed is "scenario.key=value" (numbers in hex with 0x, or decimal).
 * Nothing here calls printf: stdio would malloc its buffer and disturb the heap we measure,
 * so lines are formatted with snprintf into a stack buffer and written with write(2).
 *
 * Scenarios (one per process run, argv[1]):
 *   fresh     first malloc(1000) of a fresh process: [heap] size, pointer offset, chunk sizes
 *   big       malloc(128 KiB) as the FIRST malloc (top chunk created by tcache_init), then
 *             malloc(200 KiB) (mmap), free (dynamic threshold), malloc(200 KiB) again (brk),
 *             free (no trim below 2x threshold)
 *   trim      mallopt(M_MMAP_THRESHOLD, 256 KiB) (fixed threshold, trim stays 128 KiB):
 *             malloc(200 KiB) by brk then free: the heap is trimmed
 *   notrim    mallopt(M_TRIM_THRESHOLD, -1): same as trim but the heap is never trimmed
 *   nodyn     mallopt(M_TOP_PAD, 128 KiB) (the default value, but any mallopt of it disables the
 *             dynamic threshold): free of a 200 KiB mmapped chunk leaves the threshold alone
 *   max       malloc(40 MiB) by mmap, free: above DEFAULT_MMAP_THRESHOLD_MAX (32 MiB) nothing moves
 *   nommap    mallopt(M_MMAP_MAX, 0): malloc(1 MiB) comes from brk
 *   edge32m   free of a mmapped chunk of exactly 32 MiB: its size field (with IS_MMAPPED) is above
 *             DEFAULT_MMAP_THRESHOLD_MAX, so the threshold stays; 32 MiB - 4 KiB moves it
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *scenario;
static uintptr_t heap_start;

static void out(const char *key, long long value, int hex)
{
    char line[160];
    int n = hex ? snprintf(line, sizeof line, "%s.%s=0x%llx\n", scenario, key, value)
                : snprintf(line, sizeof line, "%s.%s=%lld\n", scenario, key, value);
    write(1, line, n);
}

/* the size field of the chunk behind a user pointer (flags included) */
static size_t size_field(void *p)
{
    return ((size_t *) p)[-1];
}

static void heap_end(const char *key)
{
    out(key, (long long) ((uintptr_t) sbrk(0) - heap_start), 1);
}

/* offset of p from the heap start, or -1 when p lies outside the brk heap */
static void where(const char *key, void *p)
{
    uintptr_t a = (uintptr_t) p;
    long long off = a >= heap_start && a < (uintptr_t) sbrk(0) ? (long long) (a - heap_start) : -1;
    out(key, off, 1);
}

int main(int argc, char **argv)
{
    scenario = argc > 1 ? argv[1] : "fresh";
    heap_start = (uintptr_t) sbrk(0);
    out("heap_start", (long long) heap_start, 1);

    if (strcmp(scenario, "fresh") == 0) {
        heap_end("heap_size_before_malloc");
        void *p = malloc(1000);
        heap_end("heap_size_after_malloc_1000");
        where("malloc_1000_offset", p);
        out("malloc_1000_chunk_size", (long long) size_field(p), 1);
        void *a = malloc(24), *b = malloc(25), *c = malloc(0), *d = malloc(40), *e = malloc(41);
        out("malloc_24_chunk_size", (long long) size_field(a), 1);
        out("malloc_25_chunk_size", (long long) size_field(b), 1);
        out("malloc_0_chunk_size", (long long) size_field(c), 1);
        out("malloc_40_chunk_size", (long long) size_field(d), 1);
        out("malloc_41_chunk_size", (long long) size_field(e), 1);
        void *f = malloc(131049);            /* nb = 131072 >= threshold, but the top chunk holds it */
        where("malloc_131049_offset", f);
        heap_end("heap_size_after_malloc_131049");
    } else if (strcmp(scenario, "big") == 0) {
        void *p = malloc(128 * 1024);        /* first malloc: tcache_init built a 0x21000 heap */
        where("malloc_128k_offset", p);
        out("malloc_128k_chunk_size", (long long) size_field(p), 1);
        heap_end("heap_size_after_malloc_128k");
        void *q = malloc(200 * 1024);        /* top too small, nb >= 128 KiB threshold: mmap */
        where("malloc_200k_offset", q);
        out("malloc_200k_chunk_size", (long long) size_field(q), 1);
        out("malloc_200k_page_offset", (long long) ((uintptr_t) q & 4095), 1);
        heap_end("heap_size_after_malloc_200k");
        free(q);                             /* threshold = 0x33000, trim = 0x66000 */
        void *r = malloc(200 * 1024);        /* below the new threshold: brk */
        where("malloc_200k_again_offset", r);
        out("malloc_200k_again_chunk_size", (long long) size_field(r), 1);
        heap_end("heap_size_after_malloc_200k_again");
        free(r);                             /* top < trim threshold 0x66000: no trim */
        heap_end("heap_size_after_free_200k_again");
        void *s = malloc(204 * 1024);        /* nb 208912 >= threshold 208896, but top holds it */
        where("malloc_204k_offset", s);
        out("malloc_204k_chunk_size", (long long) size_field(s), 1);
        free(s);
    } else if (strcmp(scenario, "trim") == 0 || strcmp(scenario, "notrim") == 0) {
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        if (strcmp(scenario, "notrim") == 0)
            mallopt(M_TRIM_THRESHOLD, -1);
        void *p = malloc(1000);
        heap_end("heap_size_after_malloc_1000");
        void *q = malloc(200 * 1024);
        where("malloc_200k_offset", q);
        heap_end("heap_size_after_malloc_200k");
        free(q);
        heap_end("heap_size_after_free_200k");
        free(p);
    } else if (strcmp(scenario, "nodyn") == 0) {
        mallopt(M_TOP_PAD, 128 * 1024);
        void *p = malloc(1000);
        void *q = malloc(200 * 1024);
        out("malloc_200k_chunk_size", (long long) size_field(q), 1);
        free(q);
        void *r = malloc(200 * 1024);        /* threshold still 128 KiB: mmap again */
        where("malloc_200k_again_offset", r);
        out("malloc_200k_again_chunk_size", (long long) size_field(r), 1);
        heap_end("heap_size_after_malloc_200k_again");
        free(r);
        free(p);
    } else if (strcmp(scenario, "max") == 0) {
        void *p = malloc(1000);
        void *q = malloc(40 << 20);
        out("malloc_40m_chunk_size", (long long) size_field(q), 1);
        free(q);
        void *r = malloc(200 * 1024);        /* threshold still 128 KiB: mmap */
        where("malloc_200k_offset", r);
        out("malloc_200k_chunk_size", (long long) size_field(r), 1);
        free(r);
        free(p);
    } else if (strcmp(scenario, "nommap") == 0) {
        mallopt(M_MMAP_MAX, 0);
        void *p = malloc(1 << 20);
        where("malloc_1m_offset", p);
        out("malloc_1m_chunk_size", (long long) size_field(p), 1);
        heap_end("heap_size_after_malloc_1m");
        free(p);
        heap_end("heap_size_after_free_1m");
    } else if (strcmp(scenario, "edge32m") == 0) {
        void *p = malloc(1000);
        void *q = malloc((32 << 20) - 24);   /* nb = 32 MiB - 16: a 32 MiB mapping */
        out("malloc_32m_chunk_size", (long long) size_field(q), 1);
        free(q);
        void *r = malloc(200 * 1024);        /* threshold still 128 KiB: mmap */
        where("malloc_200k_after_32m_offset", r);
        free(r);
        void *s = malloc((32 << 20) - 4096 - 24);   /* a 32 MiB - 4 KiB mapping */
        out("malloc_32m_minus_4k_chunk_size", (long long) size_field(s), 1);
        free(s);                             /* threshold = 32 MiB - 4 KiB */
        void *t = malloc(200 * 1024);        /* now below the threshold: brk */
        where("malloc_200k_after_32m_minus_4k_offset", t);
        heap_end("heap_size_after_malloc_200k");
        free(t);
        free(p);
    }
    return 0;
}
