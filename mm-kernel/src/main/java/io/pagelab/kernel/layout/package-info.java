/**
 * The kernel's virtual address space: the x86-64 memory map of Documentation/arch/x86/x86_64/mm.rst
 * (4- and 5-level) and the classic 32-bit 3G/1G split; classifying an address, the canonical rule,
 * {@code __pa}/{@code __va} and {@code pfn_to_page}/{@code page_to_pfn} through the vmemmap.
 */
package io.pagelab.kernel.layout;
