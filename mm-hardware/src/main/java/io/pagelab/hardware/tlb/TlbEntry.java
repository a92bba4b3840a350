package io.pagelab.hardware.tlb;

/**
 * One valid TLB entry, as a lesson lists them.
 *
 * @param level name of the level holding it
 * @param va first linear address of the page
 * @param pcid the PCID it was filled under (global entries match every PCID)
 * @param translation the cached {@link Translation} word
 */
public record TlbEntry(String level, long va, int pcid, long translation) {

    /** Bytes in the page. */
    public long pageSize() {
        return Translation.pageSize(translation);
    }

    /** True for a global entry. */
    public boolean global() {
        return (translation & Translation.GLOBAL) != 0;
    }

    /** For example {@code "dTLB va 0x601000 pcid 1 -> 4K phys 0x777000 W U D NX pkey 0"}. */
    @Override
    public String toString() {
        return String.format("%s va %#x pcid %d -> %s", level, va, pcid, Translation.describe(translation));
    }
}
