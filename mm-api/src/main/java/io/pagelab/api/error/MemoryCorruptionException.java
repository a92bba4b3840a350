package io.pagelab.api.error;

/**
 * An integrity check found memory that was overwritten: glibc's malloc aborts ("malloc(): corrupted
 * top size", "free(): invalid next size (fast)"), SLUB's debug checks ("Redzone overwritten",
 * "Poison overwritten"), page poisoning, KASAN. The message is the one the modelled check prints,
 * with the address in hex.
 */
public final class MemoryCorruptionException extends SimulationException {
    private final long address;

    /**
     * @param address where the corruption was found
     * @param message the check's own message
     */
    public MemoryCorruptionException(long address, String message) {
        super(message);
        this.address = address;
    }

    /** Where the corruption was found. */
    public long address() {
        return address;
    }
}
