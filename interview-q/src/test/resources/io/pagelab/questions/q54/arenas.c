/*
 * Q54 capture: ptmalloc2 arenas and non-main heaps in glibc 2.36 (x86-64).
 * Build and run with ./capture.sh (ASLR off: setarch x86_64 -R).
 *
 * Lines are "scenario.key=value"; maps lines are copied from /proc/self/maps with the prefix
 * "scenario.maps.<when>=". No printf: stdio would malloc its buffer; lines are formatted with
 * snprintf into stack buffers and written with write(2).
 *
 * Scenarios (argv[1]):
 *   heap      main thread malloc(1000), then one thread's first malloc(1000): where the thread's
 *             heap lands, the maps before and after, and after the thread frees and exits
 *   arenas N  N threads started one after another, each kept alive, each doing malloc(1000):
 *             which arena each thread gets (0 = main arena, k = k-th arena created)
 *   arenamax  mallopt(M_ARENA_MAX, 3), then the same with 6 threads
 *   heaps     four threads, each kept alive after its first malloc(1000): where each arena's
 *             heap lands (the second is mapped already aligned, which sends the third to the
 *             64 MiB just above it), and the maps at the end
 *   arenatest mallopt(M_ARENA_TEST, 20), then 24 threads: the arena limit (8 x CPUs) is only
 *             computed once more than arena_test arenas exist
 *   exit      thread 1 mallocs and exits (joined); thread 2 then gets thread 1's arena back
 *   tcache    free(malloc(1000)) then malloc(n): the same chunk comes back from the tcache exactly
 *             when n falls in the same tcache bin (chunk 0x3f0, requests 985..1000)
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAP_MAX_SIZE (64UL << 20)   /* 2 * DEFAULT_MMAP_THRESHOLD_MAX on 64-bit */

static const char *scenario;
static uintptr_t heap_start;
static char maps[1 << 16];

static void out(const char *key, long long value, int hex)
{
    char line[200];
    int n = hex ? snprintf(line, sizeof line, "%s.%s=0x%llx\n", scenario, key, value)
                : snprintf(line, sizeof line, "%s.%s=%lld\n", scenario, key, value);
    write(1, line, n);
}

static void dump_maps(const char *when)
{
    int fd = open("/proc/self/maps", O_RDONLY);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fd, maps + len, sizeof maps - 1 - len)) > 0)
        len += n;
    close(fd);
    maps[len] = 0;
    char prefix[100];
    int pn = snprintf(prefix, sizeof prefix, "%s.maps.%s=", scenario, when);
    for (char *line = maps, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        write(1, prefix, pn);
        write(1, line, nl - line + 1);
    }
}

/* ---- arena identification: 0 = main arena (brk heap), k = k-th distinct non-main arena ---- */
static uintptr_t arena_of_index[64];
static int arenas_seen = 0;

static int arena_number(void *p)
{
    uintptr_t a = (uintptr_t) p;
    if (a >= heap_start && a < (uintptr_t) sbrk(0))
        return 0;
    /* heap_for_ptr: the heap_info at the 64 MiB boundary below p; its first word is ar_ptr */
    uintptr_t ar_ptr = *(uintptr_t *) (a & ~(HEAP_MAX_SIZE - 1));
    for (int i = 0; i < arenas_seen; i++)
        if (arena_of_index[i] == ar_ptr)
            return i + 1;
    arena_of_index[arenas_seen++] = ar_ptr;
    return arenas_seen;
}

static sem_t done_malloc, may_exit;
static void *thread_ptr;

static void *one_malloc(void *arg)
{
    (void) arg;
    thread_ptr = malloc(1000);
    sem_post(&done_malloc);
    sem_wait(&may_exit);
    return NULL;
}

static void *malloc_free_exit(void *arg)
{
    (void) arg;
    thread_ptr = malloc(1000);
    free(thread_ptr);
    return NULL;
}

static void run_threads(int n)
{
    pthread_t t[64];
    char key[64];
    for (int i = 1; i <= n; i++) {
        pthread_create(&t[i], NULL, one_malloc, NULL);
        sem_wait(&done_malloc);   /* one at a time: thread i has its arena before i + 1 starts */
        snprintf(key, sizeof key, "thread%d_arena", i);
        out(key, arena_number(thread_ptr), 0);
    }
    out("arenas", arenas_seen + 1, 0);
    for (int i = 1; i <= n; i++)
        sem_post(&may_exit);
    for (int i = 1; i <= n; i++)
        pthread_join(t[i], NULL);
}

int main(int argc, char **argv)
{
    scenario = argc > 1 ? argv[1] : "heap";
    heap_start = (uintptr_t) sbrk(0);
    sem_init(&done_malloc, 0, 0);
    sem_init(&may_exit, 0, 0);

    if (strcmp(scenario, "heap") == 0) {
        void *m = malloc(1000);
        out("main_malloc_1000_offset", (long long) ((uintptr_t) m - heap_start), 1);
        out("heap_size", (long long) ((uintptr_t) sbrk(0) - heap_start), 1);
        dump_maps("before_thread");
        pthread_t t;
        /* the thread's stack is mapped by pthread_create; the thread mallocs only when told */
        pthread_create(&t, NULL, one_malloc, NULL);
        sem_wait(&done_malloc);
        uintptr_t p = (uintptr_t) thread_ptr;
        uintptr_t heap = p & ~(HEAP_MAX_SIZE - 1);
        out("thread_malloc_1000", (long long) p, 1);
        out("thread_heap", (long long) heap, 1);
        out("thread_malloc_1000_offset", (long long) (p - heap), 1);
        out("thread_chunk_size", (long long) ((size_t *) thread_ptr)[-1], 1);
        /* heap_info: ar_ptr, prev, size, mprotect_size, pagesize */
        size_t *hi = (size_t *) heap;
        out("heap_info_ar_ptr_offset", (long long) (hi[0] - heap), 1);
        out("heap_info_prev", (long long) hi[1], 1);
        out("heap_info_size", (long long) hi[2], 1);
        out("heap_info_mprotect_size", (long long) hi[3], 1);
        out("heap_info_pagesize", (long long) hi[4], 1);
        dump_maps("after_thread_malloc");
        free(thread_ptr);
        sem_post(&may_exit);
        pthread_join(t, NULL);
        dump_maps("after_thread_exit");
        free(m);
    } else if (strcmp(scenario, "arenas") == 0) {
        void *m = malloc(1000);
        run_threads(argc > 2 ? atoi(argv[2]) : 20);
        free(m);
    } else if (strcmp(scenario, "heaps") == 0) {
        void *m = malloc(1000);
        pthread_t t[5];
        char key[64];
        dump_maps("before_threads");
        for (int i = 1; i <= 4; i++) {
            pthread_create(&t[i], NULL, one_malloc, NULL);
            sem_wait(&done_malloc);
            snprintf(key, sizeof key, "thread%d_heap", i);
            out(key, (long long) ((uintptr_t) thread_ptr & ~(HEAP_MAX_SIZE - 1)), 1);
        }
        dump_maps("after_threads");
        for (int i = 1; i <= 4; i++)
            sem_post(&may_exit);
        for (int i = 1; i <= 4; i++)
            pthread_join(t[i], NULL);
        free(m);
    } else if (strcmp(scenario, "arenatest") == 0) {
        mallopt(M_ARENA_TEST, 20);
        void *m = malloc(1000);
        run_threads(24);
        free(m);
    } else if (strcmp(scenario, "arenamax") == 0) {
        mallopt(M_ARENA_MAX, 3);
        void *m = malloc(1000);
        run_threads(6);
        free(m);
    } else if (strcmp(scenario, "tcache") == 0) {
        static const int sizes[] = {984, 985, 1000, 1001};
        char key[64];
        for (int i = 0; i < 4; i++) {
            void *p = malloc(1000);
            free(p);
            void *q = malloc(sizes[i]);
            snprintf(key, sizeof key, "malloc_%d_reuses_freed_1000", sizes[i]);
            out(key, p == q, 0);
            free(q);
        }
    } else if (strcmp(scenario, "exit") == 0) {
        void *m = malloc(1000);
        pthread_t t;
        pthread_create(&t, NULL, malloc_free_exit, NULL);
        pthread_join(t, NULL);
        out("thread1_arena", arena_number(thread_ptr), 0);
        pthread_create(&t, NULL, one_malloc, NULL);
        sem_wait(&done_malloc);
        out("thread2_arena", arena_number(thread_ptr), 0);
        sem_post(&may_exit);
        pthread_join(t, NULL);
        free(m);
    }
    return 0;
}
