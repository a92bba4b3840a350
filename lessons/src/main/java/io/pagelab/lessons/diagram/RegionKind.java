package io.pagelab.lessons.diagram;

import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.lessons.Tone;

/**
 * What a stretch of physical address space is, for drawing: one glyph, one colour and one legend
 * entry per kind. Glyphs differ from each other so the pictures read without colour too.
 */
public enum RegionKind {
    USABLE('█', Tone.USABLE, "usable RAM (e820 type 1) / 可用内存"),
    RESERVED('▒', Tone.RESERVED, "reserved by firmware (type 2) / 保留"),
    ACPI('A', Tone.SPECIAL, "ACPI data (type 3)"),
    NVS('N', Tone.SPECIAL, "ACPI NVS (type 4)"),
    UNUSABLE('U', Tone.SPECIAL, "unusable (type 5)"),
    PERSISTENT('P', Tone.SPECIAL, "persistent memory (type 7 or 12)"),
    SOFT_RESERVED('S', Tone.SPECIAL, "soft reserved"),
    OTHER('?', Tone.SPECIAL, "other e820 type"),
    HOLE('·', Tone.DIM, "hole: no e820 entry (MMIO, legacy windows) / 空洞");

    private final char glyph;
    private final Tone tone;
    private final String legend;

    RegionKind(char glyph, Tone tone, String legend) {
        this.glyph = glyph;
        this.tone = tone;
        this.legend = legend;
    }

    /** The kind that an e820 entry of this type is drawn as. */
    public static RegionKind of(E820Type type) {
        switch (type.code()) {
            case 1:
            case 128:
                return USABLE;
            case 2:
                return RESERVED;
            case 3:
                return ACPI;
            case 4:
                return NVS;
            case 5:
                return UNUSABLE;
            case 7:
            case 12:
                return PERSISTENT;
            case 0xefffffff:
                return SOFT_RESERVED;
            default:
                return OTHER;
        }
    }

    public char glyph() {
        return glyph;
    }

    public Tone tone() {
        return tone;
    }

    /** One line of the legend, for example "usable RAM (e820 type 1) / 可用内存". */
    public String legend() {
        return legend;
    }
}
