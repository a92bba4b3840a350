/**
 * Memory models (include/asm-generic/memory_model.h, mm/sparse.c, Linux 6.13): how a page frame
 * number becomes the address of its {@code struct page} under FLATMEM, classic SPARSEMEM and
 * SPARSEMEM_VMEMMAP.
 */
package io.pagelab.kernel.memmodel;
