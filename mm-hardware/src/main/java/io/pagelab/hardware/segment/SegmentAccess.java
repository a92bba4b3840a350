package io.pagelab.hardware.segment;

/** What an instruction does through a segment: each kind needs a different segment type. */
public enum SegmentAccess {
    /** A data read: any data segment, or code with the readable bit. */
    READ,
    /** A data write: only a writable data segment. */
    WRITE,
    /** An instruction fetch: only a code segment (through CS). */
    EXECUTE
}
