/**
 * The process lessons (issue 6): a process's address space and /proc/pid/maps, the page fault,
 * fork and copy-on-write, brk versus mmap, ASLR, and smaps (RSS, PSS, USS). They drive the
 * process model of {@code io.pagelab.kernel.mm}.
 */
package io.pagelab.lessons.process;
