/** The buddy page allocator of mm/page_alloc.c: zones with their free_area lists, split, merge, fallback stealing, the memblock hand-over. */
package io.pagelab.kernel.buddy;
