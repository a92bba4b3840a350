/**
 * A second architecture behind the same {@link io.pagelab.api.PageTable}: arm64 (ARMv8-A
 * VMSAv8-64, stage 1, 4 KiB granule, 4 levels, 48-bit VAs). Descriptors stored in simulated RAM
 * ({@link io.pagelab.hardware.arm64.Arm64Descriptor}), the TTBR0/TTBR1 pair of trees
 * ({@link io.pagelab.hardware.arm64.Arm64PageTable}), and the hardware walk with EL0/EL1
 * permissions, PAN, hardware AF and dirty management, and ESR-style faults
 * ({@link io.pagelab.hardware.arm64.Arm64PageWalker}, {@link io.pagelab.hardware.arm64.Arm64Fault}).
 */
package io.pagelab.hardware.arm64;
