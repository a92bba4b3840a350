/**
 * NUMA: nodes from a firmware topology (SRAT memory ranges, SLIT distances) and the node order
 * of each node's fallback zonelist, as mm/page_alloc.c builds it.
 */
package io.pagelab.kernel.numa;
