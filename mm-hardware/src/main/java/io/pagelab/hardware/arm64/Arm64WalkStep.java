package io.pagelab.hardware.arm64;

/**
 * One descriptor an arm64 walk read: where it was, what it held, and what the CPU wrote back (AF
 * set by TCR_EL1.HA, AP[2] cleared by TCR_EL1.HD on a write).
 *
 * @param level the table's level
 * @param index the descriptor's index in its table
 * @param entryAddress physical address of the descriptor
 * @param entry the raw descriptor as read
 * @param entryAfter the descriptor after the walk
 */
public record Arm64WalkStep(Arm64Level level, int index, long entryAddress, long entry, long entryAfter) {

    /** For example {@code "L3[7] at 0x1003038: L3 0x...: VALID PAGE ... (CPU set AF)"}. */
    @Override
    public String toString() {
        String set = "";
        boolean af = (entryAfter & ~entry & Arm64Descriptor.AF) != 0;
        boolean dirty = (entry & ~entryAfter & Arm64Descriptor.RDONLY) != 0;
        if (af || dirty) {
            set = " (CPU " + (af ? "set AF" : "") + (af && dirty ? ", " : "") + (dirty ? "cleared AP[2]: dirty" : "") + ")";
        }
        return String.format("L%d[%d] at %#x: %s%s", level.number(), index, entryAddress,
                Arm64Descriptor.describe(entry, level), set);
    }
}
