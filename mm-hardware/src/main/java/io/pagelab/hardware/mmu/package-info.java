/**
 * The x86-64 memory-management unit: page-table entries stored in simulated RAM
 * ({@link io.pagelab.hardware.mmu.X86PageTableEntry}), the 4- and 5-level tree
 * ({@link io.pagelab.hardware.mmu.X86PageTable}), the hardware page walk with its access checks
 * ({@link io.pagelab.hardware.mmu.PageWalker}) and the CPU that puts walk and TLB together
 * ({@link io.pagelab.hardware.mmu.Mmu}).
 */
package io.pagelab.hardware.mmu;
