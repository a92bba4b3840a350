/**
 * Translation lookaside buffers: the {@link io.pagelab.hardware.tlb.Translation} word a page walk
 * produces, and the set-associative, PCID-tagged {@link io.pagelab.hardware.tlb.Tlb} that caches it.
 */
package io.pagelab.hardware.tlb;
