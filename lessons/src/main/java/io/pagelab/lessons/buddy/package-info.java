/**
 * Lessons on the page allocator: the buddy system's split and merge, migrate types and
 * anti-fragmentation, watermarks, and struct page with the vmemmap. Each one boots a small
 * simulated machine, drives the mm-kernel buddy allocator through its public API and narrates
 * what changed, reading the zone's free lists (mm/page_alloc.c, Linux 6.x) after every step.
 */
package io.pagelab.lessons.buddy;
