/**
 * vmalloc: virtually contiguous kernel memory built from scattered order-0 pages (mm/vmalloc.c).
 *
 * <p>{@link io.pagelab.kernel.vmalloc.Vmalloc} reserves {@code vmap_area}s in the vmalloc range with a
 * trailing guard page, backs them page by page from a {@link io.pagelab.api.PageAllocator}, maps them
 * into the kernel page table and renders /proc/vmallocinfo.
 */
package io.pagelab.kernel.vmalloc;
