/** The PC firmware's memory map: e820 entries, the INT 0x15 E820 service, real sample tables. */
package io.pagelab.hardware.firmware;
