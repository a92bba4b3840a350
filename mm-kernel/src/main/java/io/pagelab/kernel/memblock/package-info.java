/** memblock, the boot-time physical memory allocator (mm/memblock.c). */
package io.pagelab.kernel.memblock;
