/**
 * Compaction's arithmetic (mm/compaction.c, mm/vmstat.c, Linux 6.6): the fragmentation index, the
 * unusable free index and {@code compaction_suitable()}, computed from a zone's free-block counts and
 * watermarks. The scanners that move pages live elsewhere; these are pure functions of zone state.
 */
package io.pagelab.kernel.compaction;
