/** Simulated physical memory: sparse RAM checked against the firmware memory map. */
package io.pagelab.hardware.ram;
