/** Renderers of /proc files, byte for byte as mm/vmstat.c and fs/proc print them. */
package io.pagelab.kernel.procfs;
