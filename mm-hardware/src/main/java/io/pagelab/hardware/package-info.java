/**
 * Simulated hardware: the {@link io.pagelab.hardware.Machine} bundling firmware and RAM, the
 * firmware memory map ({@code firmware}), physical memory ({@code ram}),
 * x86 segmentation: real mode, GDT descriptors, protected-mode limit checks ({@code segment}).
 */
package io.pagelab.hardware;
