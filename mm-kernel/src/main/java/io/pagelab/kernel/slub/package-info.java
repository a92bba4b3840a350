/**
 * SLUB, the kernel's object allocator (mm/slub.c, mm/slab_common.c, Linux 6.x): how a cache lays
 * out its objects ({@link io.pagelab.kernel.slub.KmemCacheLayout}, calculate_sizes), how big its
 * slabs are ({@link io.pagelab.kernel.slub.SlabSizing}, calculate_order), the free pointer stored
 * inside each free object and its hardening ({@link io.pagelab.kernel.slub.FreelistCodec}), freelist
 * randomization ({@link io.pagelab.kernel.slub.FreelistRandom}), one slab working on simulated RAM
 * ({@link io.pagelab.kernel.slub.Slab}) with the slub_debug checks
 * ({@link io.pagelab.kernel.slub.SlubDebug}), and /proc/slabinfo
 * ({@link io.pagelab.kernel.slub.ProcSlabinfo}).
 */
package io.pagelab.kernel.slub;
