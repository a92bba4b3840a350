/**
 * glibc 2.36's ptmalloc2 (malloc/malloc.c, malloc/arena.c) running inside a simulated process:
 * {@link io.pagelab.userspace.malloc.Ptmalloc} is the entry point.
 */
package io.pagelab.userspace.malloc;
