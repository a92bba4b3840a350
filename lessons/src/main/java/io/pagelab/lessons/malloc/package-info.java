/**
 * The userspace-allocation lessons (issue 7): glibc 2.36's malloc seen from inside a simulated
 * process (chunks and bins, tcache and safe-linking, sysmalloc's brk and mmap), the malloc-lab
 * allocators, C++ new and delete, and fragmentation. They drive {@code io.pagelab.userspace}
 * (Ptmalloc, malloclab, cxx) in a process of {@code io.pagelab.kernel.mm}, and read malloc's
 * metadata back from process memory, as a debugger would.
 */
package io.pagelab.lessons.malloc;
