/** The kernel's address space: the x86-64 memory map, __pa/__va, the vmemmap, KASLR. */
package io.pagelab.lessons.kernelmap;
