/*
 * replay.c: replays a malloc-lab trace (.rep) on the real glibc malloc and prints where each
 * block landed, one line per call, in the format pagelab's `malloc-trace --offsets` prints:
 *
 *   a <id> <size> heap+0x<hex>   offset from the program break before the first malloc
 *   a <id> <size> mmap+0x<hex>   mmapped chunk (IS_MMAPPED, bit 1 of the size word at p-8):
 *                                offset of p from the start of its mapping
 *   r <id> <size> heap+0x<hex>   realloc, likewise ("null" when realloc returned NULL)
 *   f <id>
 *
 * The process must not call malloc outside the trace, or the heap would not be the trace's
 * alone: no stdio, no getenv-driven allocation. The trace is read with open/read into a static
 * buffer, results are kept in static arrays and printed with write(2) at the end.
 *
 *   replay FILE.rep          print the offsets
 *   replay -n N FILE.rep     replay N times (freeing what is left after each pass), print
 *                            "calls=<c> ns=<t>" for the timed loop only (speed.sh)
 *
 * Build: gcc -O2 -o replay replay.c   Run: setarch x86_64 -R env -i ./replay FILE.rep
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TEXT (32 << 20)
#define MAX_OPS (2 << 20)
#define MAX_IDS (2 << 20)
#define MAX_OUT (96 << 20)

static char text[MAX_TEXT + 1];
static char kind[MAX_OPS];
static int ids[MAX_OPS];
static long sizes[MAX_OPS];
static char where[MAX_OPS];        /* 'h' heap, 'm' mmap, 'n' NULL */
static unsigned long offs[MAX_OPS];
static void *blocks[MAX_IDS];
static char out[MAX_OUT];
static size_t outlen;

static void put(const char *s) {
    size_t n = strlen(s);
    memcpy(out + outlen, s, n);
    outlen += n;
}

static void putnum(unsigned long v, int base) {
    char tmp[32];
    int i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i) {
        out[outlen++] = tmp[--i];
    }
}

static void flush(int fd) {
    size_t done = 0;
    while (done < outlen) {
        ssize_t w = write(fd, out + done, outlen - done);
        if (w <= 0) {
            _exit(3);
        }
        done += (size_t) w;
    }
    outlen = 0;
}

static void die(const char *what, long line) {
    outlen = 0;
    put("replay: ");
    put(what);
    if (line >= 0) {
        put(" (line ");
        putnum((unsigned long) line, 10);
        put(")");
    }
    put("\n");
    flush(2);
    _exit(1);
}

static char *pos;
static long lineno = 1;

static void skipspace(void) {
    while (*pos == ' ' || *pos == '\t' || *pos == '\r' || *pos == '\n') {
        if (*pos == '\n') {
            lineno++;
        }
        pos++;
    }
}

static long number(void) {
    skipspace();
    if (*pos < '0' || *pos > '9') {
        die("expected a number", lineno);
    }
    long v = 0;
    while (*pos >= '0' && *pos <= '9') {
        v = v * 10 + (*pos++ - '0');
    }
    return v;
}

static long parse(const char *file) {
    int fd = open(file, O_RDONLY);
    if (fd < 0) {
        die("cannot open the trace", -1);
    }
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, text + len, MAX_TEXT - len);
        if (r < 0) {
            die("read error", -1);
        }
        if (r == 0) {
            break;
        }
        len += (size_t) r;
        if (len == MAX_TEXT) {
            die("trace too big", -1);
        }
    }
    close(fd);
    text[len] = 0;
    pos = text;
    number();                      /* suggested heap size */
    long nids = number();
    long nops = number();
    number();                      /* weight */
    if (nids > MAX_IDS || nops > MAX_OPS) {
        die("too many ids or operations", -1);
    }
    for (long i = 0; i < nops; i++) {
        skipspace();
        char k = *pos++;
        if (k != 'a' && k != 'f' && k != 'r') {
            die("expected a, f or r", lineno);
        }
        kind[i] = k;
        ids[i] = (int) number();
        if (ids[i] >= nids) {
            die("id out of range", lineno);
        }
        sizes[i] = k == 'f' ? 0 : number();
    }
    return nops;
}

static void classify(long i, void *p, uintptr_t start_brk) {
    if (p == NULL) {
        where[i] = 'n';
        return;
    }
    uintptr_t mem = (uintptr_t) p;
    size_t size_word = *(size_t *) (mem - sizeof(size_t));
    if (size_word & 2) {           /* IS_MMAPPED */
        size_t prev_size = *(size_t *) (mem - 2 * sizeof(size_t));
        uintptr_t mapping = mem - 2 * sizeof(size_t) - prev_size;
        where[i] = 'm';
        offs[i] = mem - mapping;
    } else {
        where[i] = 'h';
        offs[i] = mem - start_brk;
    }
}

static void replay(long nops, int record, uintptr_t start_brk) {
    for (long i = 0; i < nops; i++) {
        int id = ids[i];
        switch (kind[i]) {
        case 'a':
            blocks[id] = malloc((size_t) sizes[i]);
            if (record) {
                classify(i, blocks[id], start_brk);
            }
            break;
        case 'r':
            blocks[id] = realloc(blocks[id], (size_t) sizes[i]);
            if (record) {
                classify(i, blocks[id], start_brk);
            }
            break;
        default:
            free(blocks[id]);
            blocks[id] = NULL;
            break;
        }
    }
}

int main(int argc, char **argv) {
    long passes = 0;
    const char *file;
    if (argc == 2) {
        file = argv[1];
    } else if (argc == 4 && strcmp(argv[1], "-n") == 0) {
        passes = atol(argv[2]);    /* atol does not allocate */
        file = argv[3];
    } else {
        die("usage: replay [-n PASSES] FILE.rep", -1);
        return 2;
    }
    uintptr_t start_brk = (uintptr_t) sbrk(0);
    long nops = parse(file);
    if (passes == 0) {
        replay(nops, 1, start_brk);
        for (long i = 0; i < nops; i++) {
            out[outlen++] = kind[i];
            out[outlen++] = ' ';
            putnum((unsigned long) ids[i], 10);
            if (kind[i] != 'f') {
                out[outlen++] = ' ';
                putnum((unsigned long) sizes[i], 10);
                if (where[i] == 'n') {
                    put(" null");
                } else {
                    put(where[i] == 'h' ? " heap+0x" : " mmap+0x");
                    putnum(offs[i], 16);
                }
            }
            out[outlen++] = '\n';
            if (outlen > MAX_OUT - 256) {
                flush(1);
            }
        }
        flush(1);
        return 0;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long p = 0; p < passes; p++) {
        replay(nops, 0, start_brk);
        for (long i = 0; i < MAX_IDS && i < nops; i++) {
            if (blocks[i]) {
                free(blocks[i]);
                blocks[i] = NULL;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    put("calls=");
    putnum((unsigned long) (nops * passes), 10);
    put(" ns=");
    putnum((unsigned long) ns, 10);
    put("\n");
    flush(1);
    return 0;
}
