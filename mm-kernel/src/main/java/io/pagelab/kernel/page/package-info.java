/** Per-frame metadata: the SPARSEMEM memmap ({@code struct page} fields) in primitive arrays, one set per present section. */
package io.pagelab.kernel.page;
