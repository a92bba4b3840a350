/*
 * proc_samples.c - capture real /proc samples for pagelab's procfs renderer tests (issue 6).
 *
 * Maps a few regions whose /proc numbers can be derived by hand, then snapshots
 * /proc/self/{smaps,smaps_rollup,status,statm,stat,numa_maps}, /proc/meminfo and
 * /proc/zoneinfo into files of OUTDIR, plus regions.txt naming each region's range.
 * Run through capture-proc.sh (setarch x86_64 -R env -i), never by hand into the repo.
 *
 * Regions (4 KiB pages):
 *   D  anon private rw, 8 pages, all written, then fork(); the child keeps them mapped
 *      (blocked on a pipe) and the parent writes pages 0 and 1 again (COW: 2 private copies)
 *   A  anon private rw, 16 pages, pages 0..3 written
 *   B  anon private rw, 8 pages, never touched
 *   Z  anon private rw, 4 pages, only read (the shared zero page: no RSS)
 *   C  shared anon rw (shmem, shows as /dev/zero (deleted)), 8 pages, pages 0..1 written
 *   L  anon private rw, 4 pages, mlock()ed (populated and VM_LOCKED)
 *   F  private read-only mapping of a 4-page file written and fsync()ed, all 4 pages read
 * Each region sits in its own 32-page slot of a reserved hole, so none merges with another.
 * All /proc files are read with raw open/read into pre-touched static buffers before anything
 * is written out, so the snapshots see the same address space.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL
#define BUFSZ (512 * 1024)

static char bufs[8][BUFSZ];
static long lens[8];
static const char *names[8] = {"smaps", "smaps_rollup", "status", "statm", "stat", "numa_maps",
                               "meminfo", "zoneinfo"};
static const char *paths[8] = {"/proc/self/smaps", "/proc/self/smaps_rollup", "/proc/self/status",
                               "/proc/self/statm", "/proc/self/stat", "/proc/self/numa_maps",
                               "/proc/meminfo", "/proc/zoneinfo"};
static char line[4096];
static char outpath[1024];

static void die(const char *what) {
    write(2, "proc_samples: failed: ", 22);
    write(2, what, strlen(what));
    write(2, "\n", 1);
    _exit(1);
}

static long slurp(const char *path, char *buf, long cap) {
    int fd = open(path, O_RDONLY);
    long n = 0, r;
    if (fd < 0) die(path);
    while ((r = read(fd, buf + n, cap - n)) > 0) n += r;
    close(fd);
    if (n >= cap) die("buffer too small");
    return n;
}

static void spit(const char *dir, const char *name, const char *buf, long len) {
    int fd;
    strcpy(outpath, dir);
    strcat(outpath, "/");
    strcat(outpath, name);
    fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die(outpath);
    if (write(fd, buf, len) != len) die("short write");
    close(fd);
}

static char *hex(char *p, unsigned long v) {
    char tmp[32];
    int n = 0;
    *p++ = '0';
    *p++ = 'x';
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static char *region(char *p, const char *label, void *start, unsigned long len) {
    while (*label) *p++ = *label++;
    *p++ = ' ';
    p = hex(p, (unsigned long)start);
    *p++ = ' ';
    p = hex(p, (unsigned long)start + len);
    *p++ = '\n';
    return p;
}

static char *arena;   /* a free 256-page hole; region k lives at arena + k * 32 pages */

/* Each region gets its own 32-page slot, so a gap separates neighbours and no two merge. */
static void *anon(int slot, unsigned long pages, int flags) {
    void *want = arena + slot * 32 * PG;
    void *p = mmap(want, pages * PG, PROT_READ | PROT_WRITE,
                   flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != want) die("mmap");
    return p;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    const char *file = "/tmp/pagelab-proc-sample.dat";
    int pipefd[2], fd, i;
    volatile char sink = 0;
    pid_t child;
    char *a, *b, *z, *c, *d, *l, *f, *p;
    static char filedata[4 * 4096];

    arena = mmap(NULL, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) die("mmap arena");
    munmap(arena, 256 * PG);                                 /* keep only the address range */
    d = anon(0, 8, MAP_PRIVATE);
    for (i = 0; i < 8; i++) d[i * PG] = 1;
    if (pipe(pipefd)) die("pipe");
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        char x;
        close(pipefd[1]);
        read(pipefd[0], &x, 1);                              /* hold D's pages until parent is done */
        _exit(0);
    }
    close(pipefd[0]);
    /* pre-touch the output buffers after fork (so they stay private to the parent) and before
     * the snapshots (so reading /proc into them does not change RSS between two files) */
    for (i = 0; i < 8; i++) memset(bufs[i], 0, BUFSZ);
    memset(line, 0, sizeof line);
    d[0] = 2;                                                /* COW: parent gets private copies */
    d[PG] = 2;

    a = anon(1, 16, MAP_PRIVATE);
    for (i = 0; i < 4; i++) a[i * PG] = 1;
    b = anon(2, 8, MAP_PRIVATE);
    z = anon(3, 4, MAP_PRIVATE);
    for (i = 0; i < 4; i++) sink += z[i * PG];
    c = anon(4, 8, MAP_SHARED);
    c[0] = 1;
    c[PG] = 1;
    l = anon(5, 4, MAP_PRIVATE);
    if (mlock(l, 4 * PG)) die("mlock");

    memset(filedata, 'x', sizeof filedata);
    fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die(file);
    if (write(fd, filedata, sizeof filedata) != (long)sizeof filedata) die("file write");
    if (fsync(fd)) die("fsync");
    f = mmap(arena + 6 * 32 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (f != arena + 6 * 32 * PG) die("mmap file");
    close(fd);
    for (i = 0; i < 4; i++) sink += f[i * PG];

    for (i = 0; i < 8; i++) lens[i] = slurp(paths[i], bufs[i], BUFSZ);

    close(pipefd[1]);
    waitpid(child, NULL, 0);

    for (i = 0; i < 8; i++) spit(dir, names[i], bufs[i], lens[i]);
    p = line;
    p = region(p, "D", d, 8 * PG);
    p = region(p, "A", a, 16 * PG);
    p = region(p, "B", b, 8 * PG);
    p = region(p, "Z", z, 4 * PG);
    p = region(p, "C", c, 8 * PG);
    p = region(p, "L", l, 4 * PG);
    p = region(p, "F", f, 4 * PG);
    spit(dir, "regions.txt", line, p - line);
    unlink(file);
    return sink == 127;
}
