package io.pagelab.hardware.mmu;

/**
 * The kind of memory access a translation serves; it decides which checks apply and the W and
 * I/D bits of a page-fault error code (Intel SDM vol. 3A §4.6, §4.7).
 */
public enum Access {
    /** A data read. */
    READ,
    /** A data write. */
    WRITE,
    /** An instruction fetch. */
    EXECUTE
}
