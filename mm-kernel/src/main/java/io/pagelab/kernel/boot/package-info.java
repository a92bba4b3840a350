/** The memory half of x86-64 setup_arch(): from the firmware e820 map to memblock, zones and the boot report. */
package io.pagelab.kernel.boot;
