/**
 * A process's address-space map: {@code struct vm_area_struct} values ({@link io.pagelab.kernel.mm.Vma}),
 * the mm's sorted set of them with insert/split/munmap/merge ({@link io.pagelab.kernel.mm.VmaSet}), and the
 * /proc/pid/maps renderer ({@link io.pagelab.kernel.mm.ProcMaps}). Modelled on mm/mmap.c, mm/vma.c and
 * fs/proc/task_mmu.c (Linux 6.6).
 */
package io.pagelab.kernel.mm;
