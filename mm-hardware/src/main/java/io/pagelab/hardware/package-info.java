/**
 * Simulated hardware: the {@link io.pagelab.hardware.Machine} bundling firmware and RAM, the
 * firmware memory map ({@code firmware}), physical memory ({@code ram}).
 */
package io.pagelab.hardware;
