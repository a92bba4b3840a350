/**
 * x86 segmentation: real-mode {@code segment * 16 + offset} with the A20 gate, the 8-byte GDT
 * descriptor, selectors, and protected-mode linear addresses with the limit and privilege checks.
 * Paging (the step after segmentation) lives in {@code io.pagelab.hardware.mmu}.
 */
package io.pagelab.hardware.segment;
