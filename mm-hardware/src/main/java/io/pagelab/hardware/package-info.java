/**
 * Simulated hardware: the {@link io.pagelab.hardware.Machine} bundling firmware and RAM, the
 * firmware memory map ({@code firmware}), physical memory ({@code ram}), the x86 MMU with its page
 * tables and page walk ({@code mmu}) and the TLBs ({@code tlb}).
 */
package io.pagelab.hardware;
