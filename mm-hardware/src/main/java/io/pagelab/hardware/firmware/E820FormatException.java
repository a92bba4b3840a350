package io.pagelab.hardware.firmware;

/**
 * A {@code BIOS-e820:} line of a dmesg text could not be read as an e820 entry, or the text held
 * no such line at all. The message names the line number (1-based), what was expected and what
 * was found, for example:
 *
 * <pre>
 * line 3: expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE', got 'BIOS-e820: [mem 0x100-] usable'
 * </pre>
 */
public final class E820FormatException extends IllegalArgumentException {
    private final int lineNumber;

    public E820FormatException(int lineNumber, String message) {
        super(message);
        this.lineNumber = lineNumber;
    }

    /** The 1-based line of the offending text, or 0 when the text as a whole was wrong (no entries). */
    public int lineNumber() {
        return lineNumber;
    }
}
