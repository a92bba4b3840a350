package io.pagelab.api.error;

/**
 * An address a component cannot accept: outside the machine's memory map, beyond the address
 * width, misaligned, or non-canonical. The message names the address in hex and what is allowed,
 * for example:
 *
 * <pre>
 * physical address 0xa0000 is in a hole of the memory map: present ranges around it are
 * [mem 0x0000000000000000-0x000000000009fbff] and [mem 0x00000000000f0000-0x00000000000fffff]
 * </pre>
 */
public final class BadAddressException extends SimulationException {
    private final long address;

    /**
     * @param address the offending address
     * @param message what was wrong, with the address in hex, and what is allowed
     */
    public BadAddressException(long address, String message) {
        super(message);
        this.address = address;
    }

    /** An address that should be a multiple of {@code alignment} and is not. */
    public static BadAddressException misaligned(String what, long address, long alignment) {
        return new BadAddressException(address, what + " " + hex(address) + " is not aligned: it must be a multiple of "
                + hex(alignment) + " (" + Long.toUnsignedString(alignment) + " bytes); nearest aligned values are "
                + hex(address & -alignment) + " and " + hex((address & -alignment) + alignment));
    }

    /** The offending address (unsigned). */
    public long address() {
        return address;
    }
}
