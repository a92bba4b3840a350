package io.pagelab.lessons;

/**
 * What a piece of lesson output means, so that {@link LessonContext#paint} can colour it on a
 * terminal. Without colour every tone prints as plain text, so a lesson must never rely on colour
 * alone: diagrams also use distinct characters and print a legend.
 */
public enum Tone {
    /** Step headings and titles: bold cyan. */
    HEADING("\u001b[1;36m"),
    /** Something to notice in a sentence: bold. */
    EMPHASIS("\u001b[1m"),
    /** Usable RAM: green. */
    USABLE("\u001b[32m"),
    /** Reserved ranges and other firmware-owned memory: yellow. */
    RESERVED("\u001b[33m"),
    /** ACPI tables, NVS, unusable and other special ranges: magenta. */
    SPECIAL("\u001b[35m"),
    /** Holes (no e820 entry at all) and secondary text: dim. */
    DIM("\u001b[2m"),
    /** Kernel log lines (what dmesg would show): blue. */
    KERNEL_LOG("\u001b[34m");

    /** The ANSI sequence that ends any tone. */
    public static final String RESET = "\u001b[0m";

    private final String ansi;

    Tone(String ansi) {
        this.ansi = ansi;
    }

    /** {@code text} wrapped in this tone's colour and a reset. */
    public String apply(String text) {
        return ansi + text + RESET;
    }

    /** The ANSI SGR escape sequence that starts this tone. */
    public String ansi() {
        return ansi;
    }
}
