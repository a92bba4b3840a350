/*
 * procscript.c - run a proc-script (docs/proc-script.md) against the real kernel (pagelab issue 6).
 *
 * The maps fidelity test replays the same script in the simulator and compares transcripts, so
 * this program must not disturb its own address space: no malloc, no stdio. The script is read
 * with open/read into a static buffer, output goes through write(), brk is the raw system call
 * (syscall(SYS_brk, ...), not sbrk()), and /proc files are copied with read/write.
 *
 * Usage: procscript FILE|-        (run it as: setarch x86_64 -R env -i ./procscript FILE)
 *
 * Results: mmap/mremap/brk print 0x<hex>; munmap/mprotect/madvise/touch print 0; a failed call
 * prints -1 <ERRNO>. brk prints what the raw system call returns: the new break, or the unchanged
 * break when the kernel refused (the brk system call itself never fails with an errno).
 * A touch that faults prints -1 SIGSEGV (pagelab extension; the simulator reports the same).
 * fork, exit and switch are simulator-only: this program stops with exit status 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096UL
#define MAXTOK 16
#define MAXRES 4096

static char script[256 * 1024];
static char iobuf[64 * 1024];
static char out[8192];
static long outlen;
static unsigned long results[MAXRES];   /* $N: results[N - 1] */
static int nresults;
static int lineno;
static sigjmp_buf touch_jmp;

static void flush(void) {
    long off = 0, r;
    while (off < outlen) {
        r = write(1, out + off, outlen - off);
        if (r <= 0) _exit(3);
        off += r;
    }
    outlen = 0;
}

static void put(const char *s, long n) {
    while (n > 0) {
        long room = (long)sizeof out - outlen, k = n < room ? n : room;
        memcpy(out + outlen, s, k);
        outlen += k; s += k; n -= k;
        if (outlen == (long)sizeof out) flush();
    }
}

static void puts_(const char *s) { put(s, strlen(s)); }

static void putdec(long v) {
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    if (v < 0) put("-", 1);
    do { tmp[n++] = '0' + u % 10; u /= 10; } while (u);
    while (n) put(&tmp[--n], 1);
}

static void puthex(unsigned long v) {
    char tmp[24];
    int n = 0;
    put("0x", 2);
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (n) put(&tmp[--n], 1);
}

static void fail(const char *msg, const char *tok) {
    flush();
    outlen = 0;
    puts_("procscript: line ");
    putdec(lineno);
    puts_(": ");
    puts_(msg);
    if (tok) { puts_(": "); puts_(tok); }
    puts_("\n");
    write(2, out, outlen);
    _exit(2);
}

static const char *errname(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case EOVERFLOW: return "EOVERFLOW";
    default: return 0;
    }
}

static void result_err(int e) {
    const char *n = errname(e);
    puts_("-1 ");
    if (n) puts_(n); else { puts_("E"); putdec(e); }
}

/* decimal or 0x-hex, all of the token; returns 0 on a malformed number */
static int parse_num(const char *s, unsigned long *v) {
    unsigned long x = 0;
    int hex = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { hex = 1; s += 2; }
    if (!*s) return 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (hex && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (hex && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else return 0;
        x = x * (hex ? 16 : 10) + d;
    }
    *v = x;
    return 1;
}

/* NUMBER, $N, $N+NUMBER or $N-NUMBER */
static unsigned long addr(const char *tok) {
    unsigned long v, n = 0, off;
    const char *p;
    char numbuf[32];
    int k = 0, sign = 0;
    if (tok[0] != '$') {
        if (!parse_num(tok, &v)) fail("bad number", tok);
        return v;
    }
    for (p = tok + 1; *p >= '0' && *p <= '9'; p++) n = n * 10 + (*p - '0');
    if (p == tok + 1 || n == 0) fail("bad $N reference", tok);
    if (n > (unsigned long)nresults) fail("$N refers to an mmap/mremap that has not succeeded", tok);
    v = results[n - 1];
    if (!*p) return v;
    if (*p != '+' && *p != '-') fail("bad $N reference", tok);
    sign = *p++ == '-';
    while (*p && k < 31) numbuf[k++] = *p++;
    numbuf[k] = 0;
    if (*p || !parse_num(numbuf, &off)) fail("bad offset in $N reference", tok);
    return sign ? v - off : v + off;
}

static int prot(const char *t) {
    int p = 0;
    if (strlen(t) != 3) fail("PROT must be three characters rwx with - for absent", t);
    if (t[0] == 'r') p |= PROT_READ; else if (t[0] != '-') fail("bad PROT", t);
    if (t[1] == 'w') p |= PROT_WRITE; else if (t[1] != '-') fail("bad PROT", t);
    if (t[2] == 'x') p |= PROT_EXEC; else if (t[2] != '-') fail("bad PROT", t);
    return p;
}

static void need(int ntok, int lo, int hi, const char *usage) {
    if (ntok < lo || ntok > hi) fail("usage", usage);
}

static void record(unsigned long v) {
    if (nresults == MAXRES) fail("too many mmap/mremap results", 0);
    results[nresults++] = v;
}

static void on_segv(int sig) {
    (void)sig;
    siglongjmp(touch_jmp, 1);
}

static void cat_proc(const char *name) {
    char path[64] = "/proc/self/";
    long r;
    int fd;
    if (!strcmp(name, "meminfo")) strcpy(path, "/proc/meminfo");
    else strcat(path, name);
    puts_("== ");
    puts_(name);
    puts_(" ==\n");
    flush();
    fd = open(path, O_RDONLY);
    if (fd < 0) fail("cannot open", path);
    while ((r = read(fd, iobuf, sizeof iobuf)) > 0) put(iobuf, r);
    close(fd);
    flush();
}

static void run(char **t, int n) {
    const char *cmd = t[0];
    int i;
    /* echo the normalized line */
    for (i = 0; i < n; i++) {
        if (i) put(" ", 1);
        puts_(t[i]);
    }
    if (!strcmp(cmd, "maps") || !strcmp(cmd, "smaps") || !strcmp(cmd, "smaps_rollup")
        || !strcmp(cmd, "status") || !strcmp(cmd, "statm") || !strcmp(cmd, "numa_maps")
        || !strcmp(cmd, "meminfo")) {
        need(n, 1, 1, cmd);
        outlen -= strlen(cmd);               /* /proc commands print only the == header == */
        cat_proc(cmd);
        return;
    }
    put(" = ", 3);
    if (!strcmp(cmd, "mmap")) {
        unsigned long a, len;
        int flags = MAP_ANONYMOUS, pr;
        void *r;
        need(n, 6, 10, "mmap ADDR LEN PROT private|shared anon [fixed] [noreplace] [populate] [norserve]");
        a = addr(t[1]);
        len = addr(t[2]);
        pr = prot(t[3]);
        if (!strcmp(t[4], "private")) flags |= MAP_PRIVATE;
        else if (!strcmp(t[4], "shared")) flags |= MAP_SHARED;
        else fail("expected private or shared", t[4]);
        if (strcmp(t[5], "anon")) fail("only anonymous mappings are supported, expected anon", t[5]);
        for (i = 6; i < n; i++) {
            if (!strcmp(t[i], "fixed")) flags |= MAP_FIXED;
            else if (!strcmp(t[i], "noreplace")) flags |= MAP_FIXED_NOREPLACE;
            else if (!strcmp(t[i], "populate")) flags |= MAP_POPULATE;
            else if (!strcmp(t[i], "norserve") || !strcmp(t[i], "noreserve")) flags |= MAP_NORESERVE;
            else fail("unknown mmap flag (allowed: fixed noreplace populate norserve)", t[i]);
        }
        r = mmap((void *)a, len, pr, flags, -1, 0);
        if (r == MAP_FAILED) result_err(errno);
        else { record((unsigned long)r); puthex((unsigned long)r); }
    } else if (!strcmp(cmd, "munmap")) {
        need(n, 3, 3, "munmap ADDR LEN");
        if (munmap((void *)addr(t[1]), addr(t[2]))) result_err(errno); else put("0", 1);
    } else if (!strcmp(cmd, "mprotect")) {
        need(n, 4, 4, "mprotect ADDR LEN PROT");
        if (mprotect((void *)addr(t[1]), addr(t[2]), prot(t[3]))) result_err(errno); else put("0", 1);
    } else if (!strcmp(cmd, "mremap")) {
        void *r;
        int flags = 0;
        need(n, 4, 5, "mremap ADDR OLDLEN NEWLEN [maymove]");
        if (n == 5) {
            if (strcmp(t[4], "maymove")) fail("unknown mremap flag (allowed: maymove)", t[4]);
            flags = MREMAP_MAYMOVE;
        }
        r = mremap((void *)addr(t[1]), addr(t[2]), addr(t[3]), flags);
        if (r == MAP_FAILED) result_err(errno);
        else { record((unsigned long)r); puthex((unsigned long)r); }
    } else if (!strcmp(cmd, "madvise")) {
        need(n, 4, 4, "madvise ADDR LEN dontneed");
        if (strcmp(t[3], "dontneed")) fail("unknown madvise advice (allowed: dontneed)", t[3]);
        if (madvise((void *)addr(t[1]), addr(t[2]), MADV_DONTNEED)) result_err(errno); else put("0", 1);
    } else if (!strcmp(cmd, "brk")) {
        unsigned long cur, want, v;
        need(n, 2, 2, "brk +INC | brk -DEC | brk ADDR | brk 0");
        cur = syscall(SYS_brk, 0UL);
        if (t[1][0] == '+' || t[1][0] == '-') {
            if (!parse_num(t[1] + 1, &v)) fail("bad number", t[1]);
            want = t[1][0] == '+' ? cur + v : cur - v;
        } else {
            want = addr(t[1]);
        }
        puthex((unsigned long)syscall(SYS_brk, want));
    } else if (!strcmp(cmd, "touch")) {
        unsigned long a, len = 1, p, end;
        int w;
        struct sigaction sa, old;
        need(n, 3, 4, "touch ADDR r|w [LEN]");
        a = addr(t[1]);
        if (!strcmp(t[2], "w")) w = 1;
        else if (!strcmp(t[2], "r")) w = 0;
        else fail("touch takes r or w", t[2]);
        if (n == 4) len = addr(t[3]);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_segv;
        sa.sa_flags = SA_NODEFER;
        sigaction(SIGSEGV, &sa, &old);
        sigaction(SIGBUS, &sa, 0);
        if (sigsetjmp(touch_jmp, 1)) {
            puts_("-1 SIGSEGV");
        } else {
            end = a + len;
            for (p = a; p < end; p = (p & ~(PG - 1)) + PG) {
                if (w) *(volatile char *)p = *(volatile char *)p;
                else (void)*(volatile char *)p;
            }
            put("0", 1);
        }
        sigaction(SIGSEGV, &old, 0);
        sigaction(SIGBUS, &old, 0);
    } else if (!strcmp(cmd, "fork") || !strcmp(cmd, "exit") || !strcmp(cmd, "switch")) {
        fail("simulator-only command (procscript.c runs one process)", cmd);
    } else {
        fail("unknown command", cmd);
    }
    put("\n", 1);
    flush();
}

int main(int argc, char **argv) {
    long len = 0, r;
    int fd;
    char *p, *end;
    if (argc != 2) {
        write(2, "usage: procscript FILE|-\n", 25);
        return 2;
    }
    fd = strcmp(argv[1], "-") ? open(argv[1], O_RDONLY) : 0;
    if (fd < 0) {
        write(2, "procscript: cannot open script\n", 31);
        return 2;
    }
    while ((r = read(fd, script + len, sizeof script - 1 - len)) > 0) len += r;
    if (len >= (long)sizeof script - 1) {
        write(2, "procscript: script too long\n", 28);
        return 2;
    }
    script[len] = 0;
    p = script;
    end = script + len;
    while (p < end) {
        char *eol = p, *tok[MAXTOK], *q;
        int n = 0;
        while (eol < end && *eol != '\n') eol++;
        *eol = 0;
        lineno++;
        for (q = p; *q; q++) if (*q == '#') { *q = 0; break; }
        for (q = p; *q; ) {
            while (*q == ' ' || *q == '\t' || *q == '\r') *q++ = 0;
            if (!*q) break;
            if (n == MAXTOK) fail("too many tokens", 0);
            tok[n++] = q;
            while (*q && *q != ' ' && *q != '\t' && *q != '\r') q++;
        }
        if (n) run(tok, n);
        p = eol + 1;
    }
    flush();
    return 0;
}
