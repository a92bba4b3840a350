/**
 * kmalloc's size classes (mm/slab_common.c, include/linux/slab.h, Linux 6.x): which kmalloc-N
 * cache serves a request, when the page allocator takes over, and what ksize() reports.
 */
package io.pagelab.kernel.kmalloc;
