/**
 * The kernel's own page tables on x86-64, as a Linux 6.x kernel builds them at boot: the early
 * identity and high mappings of head_64.S / __startup_64() ({@link io.pagelab.kernel.pgtable.StartupPageTables}),
 * the direct map of all RAM by init_mem_mapping() with split_mem_range()
 * ({@link io.pagelab.kernel.pgtable.KernelPageTables}, {@link io.pagelab.kernel.pgtable.SplitMemRange}),
 * the DirectMap lines of /proc/meminfo ({@link io.pagelab.kernel.pgtable.DirectPagesCount}),
 * STRICT_KERNEL_RWX ({@link io.pagelab.kernel.pgtable.StrictKernelRwx}) and the W+X check of
 * CONFIG_DEBUG_WX ({@link io.pagelab.kernel.pgtable.CheckWx}). Turn on DEBUG for this package to
 * see each page-table page allocated and each large page split.
 */
package io.pagelab.kernel.pgtable;
