/*
 * pagelab capture program for questions q57, q58 and q59 (/proc/<pid>/numa_maps, status, smaps,
 * smaps_rollup). It builds a few small mappings whose state is known page by page, forks two
 * children so that some pages are shared, stops them, then snapshots its own /proc files with plain read()
 * calls into buffers touched in advance, so that reading does not change what is being read.
 *
 * Layout (P = 4 KiB page, each region is its own VMA between PROT_NONE guard pages):
 *   A priv   4 P rw-p anonymous private, pages 0..2 written, page 3 never touched
 *   B idle   4 P rw-p anonymous private, never touched (no resident page at all)
 *   C cow    3 P rw-p anonymous private, all 3 written before fork; child 1 writes page 2,
 *            child 2 writes pages 1 and 2: the parent keeps page 0 mapped by 3 processes,
 *            page 1 mapped by 2 (parent and child 1) and page 2 by itself only
 *   D file   4 P r--p private read-only mapping of DATA (file pages 0..3), pages 0 and 1 read
 *            before fork (so mapped by the parent and both children)
 *   E shm    2 P rw-s shared anonymous (shmem), page 0 written before fork (mapped by 3)
 *   F cowf   4 P rw-p private writable mapping of DATA at file page 4, made after the
 *            children's writes: page 0 read (clean file page), page 1 written (anonymous copy)
 *   heap     malloc(1000): glibc's first brk grows the [heap]; one byte written
 *   H hwm    1024 P anonymous, written then unmapped before the fork: VmHWM and VmPeak
 *            stay above VmRSS and VmSize
 * Real effects worth knowing when reading the outputs: a read fault on a file mapping also maps
 * the neighbouring pages already in the page cache (fault-around), and fork copies no page table
 * entry of a file or shared mapping without anonymous pages (the child faults them in later).
 * Usage: pagelab_capture DATAFILE OUTDIR (DATAFILE must hold at least 8 pages; see capture.sh).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define P 4096L

static char smaps[1 << 20], rollup[1 << 14], numa[1 << 18], status[1 << 14], stat[1 << 12];
static long smaps_n, rollup_n, numa_n, status_n, stat_n;

static long slurp(const char *path, char *buf, long cap)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += r;
	close(fd);
	return n;
}

static void spill(const char *dir, const char *name, const char *buf, long n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(buf, 1, n, f);
	fclose(f);
}

static void touch_stack(void)
{
	volatile char deep[64 * 1024];

	memset((char *)deep, 1, sizeof(deep));
}

int main(int argc, char **argv)
{
	int fd, i;
	char *base, *a, *b, *cw, *d, *e, *f, *h, *heap;
	pid_t kids[2];
	volatile char sink = 0;
	FILE *layout;
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: %s DATAFILE OUTDIR\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	/* one reservation, carved so that no two regions are adjacent (no VMA merging) */
	base = mmap(NULL, 40 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = base + 1 * P;
	b = base + 6 * P;
	cw = base + 11 * P;
	d = base + 15 * P;
	e = base + 20 * P;
	f = base + 23 * P;
	mmap(a, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mmap(b, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mmap(cw, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mmap(d, 4 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	mmap(e, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	for (i = 0; i < 3; i++)
		a[i * P] = 'a';
	for (i = 0; i < 3; i++)
		cw[i * P] = 'c';
	sink += d[0];
	sink += d[P];
	e[0] = 'e';

	heap = malloc(1000);
	heap[0] = 'm';

	h = mmap(NULL, 1024 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(h, 'h', 1024 * P);
	munmap(h, 1024 * P);

	fflush(NULL);
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			if (i == 0) {
				cw[2 * P] = '1';
			} else {
				cw[1 * P] = '2';
				cw[2 * P] = '2';
			}
			/*
			 * Stop here until killed: a stopped child touches no page any more, so the
			 * parent's five snapshots see the same mapcounts (a child still running would
			 * copy-on-write its stack pages while the parent reads).
			 */
			raise(SIGSTOP);
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		int st;

		if (waitpid(kids[i], &st, WUNTRACED) != kids[i] || !WIFSTOPPED(st))
			return 1;
	}

	mmap(f, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 4 * P);
	sink += f[0];
	f[P] = 'f';

	/*
	 * Write the snapshot buffers and the stack now, after fork: pages written before fork are
	 * shared copy-on-write with the children, and read() filling them would turn shared pages
	 * into private copies between one snapshot and the next.
	 */
	memset(smaps, 0, sizeof(smaps));
	memset(rollup, 0, sizeof(rollup));
	memset(numa, 0, sizeof(numa));
	memset(status, 0, sizeof(status));
	memset(stat, 0, sizeof(stat));
	touch_stack();

	/* the snapshot: nothing below allocates or touches a new page until all five are read */
	smaps_n = slurp("/proc/self/smaps", smaps, sizeof(smaps));
	rollup_n = slurp("/proc/self/smaps_rollup", rollup, sizeof(rollup));
	numa_n = slurp("/proc/self/numa_maps", numa, sizeof(numa));
	status_n = slurp("/proc/self/status", status, sizeof(status));
	stat_n = slurp("/proc/self/stat", stat, sizeof(stat));

	for (i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}

	spill(argv[2], "smaps.txt", smaps, smaps_n);
	spill(argv[2], "smaps_rollup.txt", rollup, rollup_n);
	spill(argv[2], "numa_maps.txt", numa, numa_n);
	spill(argv[2], "status.txt", status, status_n);
	spill(argv[2], "stat.txt", stat, stat_n);
	snprintf(path, sizeof(path), "%s/layout.txt", argv[2]);
	layout = fopen(path, "w");
	fprintf(layout, "# region start end (hex, as in maps), from pagelab_capture.c\n");
	fprintf(layout, "priv %lx %lx\n", (unsigned long)a, (unsigned long)(a + 4 * P));
	fprintf(layout, "idle %lx %lx\n", (unsigned long)b, (unsigned long)(b + 4 * P));
	fprintf(layout, "cow %lx %lx\n", (unsigned long)cw, (unsigned long)(cw + 3 * P));
	fprintf(layout, "file %lx %lx\n", (unsigned long)d, (unsigned long)(d + 4 * P));
	fprintf(layout, "shm %lx %lx\n", (unsigned long)e, (unsigned long)(e + 2 * P));
	fprintf(layout, "cowf %lx %lx\n", (unsigned long)f, (unsigned long)(f + 4 * P));
	fclose(layout);
	return sink == 42;
}
