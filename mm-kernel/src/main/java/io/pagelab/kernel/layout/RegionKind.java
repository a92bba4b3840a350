package io.pagelab.kernel.layout;

/**
 * What a range of kernel virtual addresses is used for, one constant per kind of row in
 * Documentation/arch/x86/x86_64/mm.rst, plus the 32-bit areas of the 3G/1G split.
 */
public enum RegionKind {
    /** User-space virtual memory, different per mm (the lower canonical half). */
    USER,
    /** The non-canonical hole between the two halves: any access raises #GP. */
    NON_CANONICAL,
    /** Guard hole at the start of the kernel half, also reserved for hypervisors. */
    GUARD_HOLE,
    /** LDT remap for page-table isolation (PTI). */
    LDT_REMAP,
    /** The direct mapping of all physical memory (page_offset_base; 32-bit: lowmem). */
    DIRECT_MAP,
    /** A range nothing is mapped in. */
    UNUSED_HOLE,
    /** vmalloc/ioremap space (vmalloc_base). */
    VMALLOC,
    /** The virtual memory map: the struct page array (vmemmap_base). */
    VMEMMAP,
    /** KASAN shadow memory. */
    KASAN_SHADOW,
    /** The cpu_entry_area mapping (per-CPU GDT, TSS, entry stacks). */
    CPU_ENTRY_AREA,
    /** %esp fixup stacks (espfix64). */
    ESPFIX_STACKS,
    /** EFI region mapping space. */
    EFI,
    /** The kernel image: text, data, bss at __START_KERNEL_map + phys_base. */
    KERNEL_TEXT,
    /** Module mapping space. */
    MODULES,
    /** The kernel-internal fixmap range. */
    FIXMAP,
    /** The legacy vsyscall page. */
    VSYSCALL,
    /** 32-bit: the VMALLOC_OFFSET (8 MiB) gap between high_memory and VMALLOC_START, catching overruns. */
    VMALLOC_OFFSET_GAP,
    /** 32-bit: the persistent kmap area (kmap/kunmap), LAST_PKMAP pages from PKMAP_BASE. */
    PKMAP
}
