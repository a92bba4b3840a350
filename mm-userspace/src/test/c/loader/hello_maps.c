/* Prints its own /proc/self/maps with read/write only (no malloc, no stdio), so the heap is
 * whatever the kernel set up: used by capture.sh as the real-kernel fixture of LoaderTest. */
#include <fcntl.h>
#include <unistd.h>

static char buf[65536];

int main(void) {
    int fd = open("/proc/self/maps", O_RDONLY);
    long n, total = 0;
    while ((n = read(fd, buf + total, sizeof buf - 1 - total)) > 0) {
        total += n;
    }
    write(1, buf, total);
    return 0;
}
