package io.pagelab.questions.q05;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q5 探知的e820表如何处理？ How is the probed e820 table processed?
 *
 * <p>Expected tables are real dmesg output (reference linux-reference.md §2.4) or worked out by hand
 * with the rules of arch/x86/kernel/e820.c: e820__update_table(), explained next to each case.
 */
@Grader(id = "q05")
@DisplayName("Q5 e820__update_table and e820__print_table")
class E820SanitizerTest {

    /** QEMU/KVM i440FX guest, Linux 6.13-rc7, 4 GiB (reference §2.4 (a)), timestamps removed. */
    static final String QEMU_4G = ""
            + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable\n"
            + "BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\n";

    /** Fedora 32 on VirtualBox, Linux 5.6.6 (reference §2.4 (c)). */
    static final String FEDORA_VBOX = ""
            + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            + "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000000100000-0x00000000dffeffff] usable\n"
            + "BIOS-e820: [mem 0x00000000dfff0000-0x00000000dfffffff] ACPI data\n"
            + "BIOS-e820: [mem 0x00000000fec00000-0x00000000fec00fff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fee00000-0x00000000fee00fff] reserved\n"
            + "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
            + "BIOS-e820: [mem 0x0000000100000000-0x00000003373fffff] usable\n";

    private static final Pattern LINE = Pattern.compile("[^:]+: \\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\\] (.+)");

    /** Reads dmesg lines back into entries (inclusive end, as printed). */
    static List<E820Entry> parse(String dmesg) {
        List<E820Entry> entries = new ArrayList<>();
        for (String line : dmesg.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not an e820 line: " + line);
            }
            entries.add(E820Entry.ofInclusive(Long.parseUnsignedLong(m.group(1), 16),
                    Long.parseUnsignedLong(m.group(2), 16), E820Type.parse(m.group(3))));
        }
        return entries;
    }

    static E820Entry usable(long start, long endInclusive) {
        return E820Entry.ofInclusive(start, endInclusive, E820Type.RAM);
    }

    static E820Entry of(long start, long endInclusive, E820Type type) {
        return E820Entry.ofInclusive(start, endInclusive, type);
    }

    @Test
    @Points(3)
    @Hint("Where a reserved range overlaps usable RAM, the higher type number wins the overlap; "
            + "neighbours of the same type then merge into one entry.")
    void overlappingUsableAndReservedAreSplitAndNeighboursMerge() {
        // seed digest Q5 fixture. Change points: 0 S(usable1), 0x9f000 S(reserved), 0xa0000 E(usable1),
        // 0x100000 S(usable2) then E(reserved) (starts sort first), 0x8000000 S(usable3) then E(usable2),
        // 0x9000000 E(usable3). The winner changes usable -> reserved at 0x9f000, reserved -> usable
        // at 0x100000, and stays usable across 0x8000000, so usable2 and usable3 become one entry.
        List<E820Entry> raw = List.of(
                usable(0, 0x9ffffL),
                of(0x9f000L, 0xfffffL, E820Type.RESERVED),
                usable(0x100000L, 0x7ffffffL),
                usable(0x8000000L, 0x8ffffffL));

        assertThat(E820Sanitizer.sanitize(raw))
                .as("sanitized overlap fixture")
                .containsExactly(
                        usable(0, 0x9efffL),
                        of(0x9f000L, 0xfffffL, E820Type.RESERVED),
                        usable(0x100000L, 0x8ffffffL));
    }

    @Test
    @Points(2)
    @Hint("A table that is already sorted, without overlaps or mergeable neighbours must come back "
            + "entry for entry.")
    void realFirmwareTablesComeBackUnchanged() {
        // real dmesg: these tables are printed before and after sanitizing identically
        assertThat(E820Sanitizer.sanitize(parse(QEMU_4G)))
                .as("QEMU 4 GiB table after sanitizing")
                .containsExactlyElementsOf(parse(QEMU_4G));
        assertThat(E820Sanitizer.sanitize(parse(FEDORA_VBOX)))
                .as("Fedora VirtualBox table after sanitizing")
                .containsExactlyElementsOf(parse(FEDORA_VBOX));
    }

    @Test
    @Points(3)
    @Hint("e820__print_table prints who, then [mem %#018Lx-%#018Lx] with the LAST byte (addr + size "
            + "- 1), then the type name as e820_print_type() spells it.")
    void printMatchesRealDmesgCharacterForCharacter() {
        assertThat(E820Sanitizer.print("BIOS-e820", parse(QEMU_4G)))
                .as("printed QEMU 4 GiB table")
                .isEqualTo(QEMU_4G);
        assertThat(E820Sanitizer.print("BIOS-e820", parse(FEDORA_VBOX)))
                .as("printed Fedora VirtualBox table (note 'ACPI data')")
                .isEqualTo(FEDORA_VBOX);
        // after e820__update_table_print() the kernel prints the same lines with who = "modified"
        assertThat(E820Sanitizer.print("modified", List.of(usable(0, 0x9fbffL))))
                .as("one line with who = modified")
                .isEqualTo("modified: [mem 0x0000000000000000-0x000000000009fbff] usable\n");
    }

    @Test
    @Points(3)
    @Hint("In an overlap the type with the larger number wins: ACPI NVS (4) beats usable (1), "
            + "unusable (5) beats ACPI data (3). The loser keeps the parts outside the overlap.")
    void higherTypeNumberWinsEveryOverlap() {
        // usable 0..0xfffff with ACPI NVS 0x80000..0x8ffff inside it: NVS cuts a hole into usable.
        // ACPI data 0x100000..0x1fffff partly covered by unusable 0x180000..0x27ffff: unusable (5) wins
        // 0x180000..0x1fffff and keeps going to 0x27ffff.
        List<E820Entry> raw = List.of(
                usable(0, 0xfffffL),
                of(0x80000L, 0x8ffffL, E820Type.NVS),
                of(0x100000L, 0x1fffffL, E820Type.ACPI),
                of(0x180000L, 0x27ffffL, E820Type.UNUSABLE));

        assertThat(E820Sanitizer.sanitize(raw))
                .as("sanitized table with nested and partial overlaps")
                .containsExactly(
                        usable(0, 0x7ffffL),
                        of(0x80000L, 0x8ffffL, E820Type.NVS),
                        usable(0x90000L, 0xfffffL),
                        of(0x100000L, 0x17ffffL, E820Type.ACPI),
                        of(0x180000L, 0x27ffffL, E820Type.UNUSABLE));
    }

    @Test
    @Points(3)
    @Hint("Types are unsigned 32-bit numbers: soft reserved is 0xefffffff, the largest of all. "
            + "Compare with Integer.compareUnsigned, not with <.")
    void softReservedBeatsEveryOtherTypeBecauseTypesCompareUnsigned() {
        // usable 4..6 GiB; soft reserved and persistent (type 7) both cover 4..5 GiB.
        // 0xefffffff as a signed int is negative and would lose to 7 and to 1; compared unsigned it
        // is the largest type, so 4..5 GiB is soft reserved and usable keeps 5..6 GiB.
        List<E820Entry> raw = List.of(
                usable(0x100000000L, 0x17fffffffL),
                of(0x100000000L, 0x13fffffffL, E820Type.SOFT_RESERVED),
                of(0x100000000L, 0x13fffffffL, E820Type.PMEM));

        assertThat(E820Sanitizer.sanitize(raw))
                .as("soft reserved over usable and persistent memory")
                .containsExactly(
                        of(0x100000000L, 0x13fffffffL, E820Type.SOFT_RESERVED),
                        usable(0x140000000L, 0x17fffffffL));
    }

    @Test
    @Points(3)
    @Hint("e820_nomerge(): for persistent (type 12) and soft reserved, every change point closes "
            + "the current piece and opens a new one, even when the winning type stays the same.")
    void pramAndSoftReservedNeighboursAreNotMergedButUsableOnesAre() {
        List<E820Entry> raw = List.of(
                usable(0, 0xfffffL),
                usable(0x100000L, 0x1fffffL),
                of(0x100000000L, 0x13fffffffL, E820Type.PRAM),
                of(0x140000000L, 0x17fffffffL, E820Type.PRAM),
                of(0x200000000L, 0x23fffffffL, E820Type.SOFT_RESERVED),
                of(0x240000000L, 0x27fffffffL, E820Type.SOFT_RESERVED),
                of(0x300000000L, 0x33fffffffL, E820Type.SOFT_RESERVED),
                usable(0x320000000L, 0x35fffffffL));

        // The last pair: usable starts inside soft reserved at 0x320000000. Soft reserved still wins
        // there, but being a no-merge type it is closed and reopened at that change point, so the
        // kernel's output has two soft reserved pieces, then usable from 0x340000000.
        assertThat(E820Sanitizer.sanitize(raw))
                .as("two usable neighbours merge; PRAM and soft reserved neighbours stay apart")
                .containsExactly(
                        usable(0, 0x1fffffL),
                        of(0x100000000L, 0x13fffffffL, E820Type.PRAM),
                        of(0x140000000L, 0x17fffffffL, E820Type.PRAM),
                        of(0x200000000L, 0x23fffffffL, E820Type.SOFT_RESERVED),
                        of(0x240000000L, 0x27fffffffL, E820Type.SOFT_RESERVED),
                        of(0x300000000L, 0x31fffffffL, E820Type.SOFT_RESERVED),
                        of(0x320000000L, 0x33fffffffL, E820Type.SOFT_RESERVED),
                        usable(0x340000000L, 0x35fffffffL));
    }

    @Test
    @Points(2)
    @Hint("Firmware may list ranges in any order: the change points are sorted by address before the sweep.")
    void unsortedInputComesOutSortedByAddress() {
        List<E820Entry> shuffled = new ArrayList<>(parse(QEMU_4G));
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 2, 5);

        assertThat(E820Sanitizer.sanitize(shuffled))
                .as("QEMU 4 GiB table given in scrambled order")
                .containsExactlyElementsOf(parse(QEMU_4G));
    }

    @Test
    @Points(2)
    @Hint("Entries of size 0 give no change points; gaps between entries are not filled in. And "
            + "when one entry wraps past 2^64 the kernel leaves the whole table alone.")
    void zeroSizeEntriesVanishGapsStayAndAWrappingEntryLeavesTheTableAlone() {
        // usable 0..0x9ffff, an empty reserved entry at 0x50000, a gap, then usable from 1 MiB
        List<E820Entry> raw = List.of(
                usable(0x100000L, 0x7ffffffL),
                E820Entry.of(0x50000L, 0, E820Type.RESERVED),
                usable(0, 0x9ffffL));

        assertThat(E820Sanitizer.sanitize(raw))
                .as("sanitized table with a zero-size entry and a hole at 0xa0000")
                .containsExactly(usable(0, 0x9ffffL), usable(0x100000L, 0x7ffffffL));

        // 0xffffffffff000000 + 32 MiB wraps: e820__update_table() returns -1 without changing anything
        List<E820Entry> broken = List.of(
                usable(0x100000L, 0x7ffffffL),
                E820Entry.of(0xffffffffff000000L, 0x2000000L, E820Type.RESERVED),
                usable(0, 0x9ffffL));
        assertThat(E820Sanitizer.sanitize(broken))
                .as("table with an entry wrapping past 2^64, returned as given")
                .containsExactlyElementsOf(broken);
    }
}
