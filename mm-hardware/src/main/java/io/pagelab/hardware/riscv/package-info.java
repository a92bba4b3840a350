/**
 * RISC-V Sv39 and Sv48 behind the same {@link io.pagelab.api.PageTable}: PTEs in simulated RAM
 * ({@link io.pagelab.hardware.riscv.RiscvPte}), the satp-rooted tree
 * ({@link io.pagelab.hardware.riscv.RiscvPageTable}) and the hart's translation with U/SUM/MXR
 * checks and A/D management ({@link io.pagelab.hardware.riscv.RiscvPageWalker}); the xv6
 * learners' world, with Linux's PTE values.
 */
package io.pagelab.hardware.riscv;
