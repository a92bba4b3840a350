package io.pagelab.hardware.firmware;

import java.util.Locale;

/**
 * The type field of an e820 entry, as {@code enum e820_type} in
 * arch/x86/include/asm/e820/types.h (Linux 6.x).
 *
 * <p>A type is just a 32-bit number: firmware may report values Linux has no name for, which the
 * kernel prints as {@code type N}. Types compare as <em>unsigned</em> numbers, because the kernel's
 * sanitizer lets the higher type win an overlap and {@code E820_TYPE_SOFT_RESERVED} is 0xefffffff.
 *
 * <pre>
 *  code        constant                 printed by e820_print_type()   /proc/iomem name
 *  1           E820_TYPE_RAM            usable                         System RAM
 *  2           E820_TYPE_RESERVED       reserved                       Reserved
 *  3           E820_TYPE_ACPI           ACPI data                      ACPI Tables
 *  4           E820_TYPE_NVS            ACPI NVS                       ACPI Non-volatile Storage
 *  5           E820_TYPE_UNUSABLE       unusable                       Unusable memory
 *  7           E820_TYPE_PMEM           persistent (type 7)            Persistent Memory
 *  12          E820_TYPE_PRAM           persistent (type 12)           Persistent Memory (legacy)
 *  128         E820_TYPE_RESERVED_KERN  usable                         System RAM
 *  0xefffffff  E820_TYPE_SOFT_RESERVED  soft reserved                  Soft Reserved
 *  other       -                        type N                         Reserved
 * </pre>
 *
 * @param code the raw 32-bit type, kept in an int and compared unsigned
 */
public record E820Type(int code) implements Comparable<E820Type> {
    public static final E820Type RAM = new E820Type(1);
    public static final E820Type RESERVED = new E820Type(2);
    public static final E820Type ACPI = new E820Type(3);
    public static final E820Type NVS = new E820Type(4);
    public static final E820Type UNUSABLE = new E820Type(5);
    public static final E820Type PMEM = new E820Type(7);
    public static final E820Type PRAM = new E820Type(12);
    public static final E820Type RESERVED_KERN = new E820Type(128);
    public static final E820Type SOFT_RESERVED = new E820Type(0xefffffff);

    /** The type with this raw code. */
    public static E820Type of(int code) {
        return new E820Type(code);
    }

    /** The text {@code e820_print_type()} prints after the range: "usable", "ACPI NVS", "type 9"... */
    public String dmesgName() {
        switch (code) {
            case 1:
            case 128:
                return "usable";
            case 2:
                return "reserved";
            case 3:
                return "ACPI data";
            case 4:
                return "ACPI NVS";
            case 5:
                return "unusable";
            case 7:
                return "persistent (type 7)";
            case 12:
                return "persistent (type 12)";
            case 0xefffffff:
                return "soft reserved";
            default:
                return "type " + Integer.toUnsignedString(code);
        }
    }

    /** The resource name of /proc/iomem and /sys/firmware/memmap ({@code e820_type_to_string()}). */
    public String iomemName() {
        switch (code) {
            case 1:
            case 128:
                return "System RAM";
            case 3:
                return "ACPI Tables";
            case 4:
                return "ACPI Non-volatile Storage";
            case 5:
                return "Unusable memory";
            case 7:
                return "Persistent Memory";
            case 12:
                return "Persistent Memory (legacy)";
            case 0xefffffff:
                return "Soft Reserved";
            default:
                return "Reserved";
        }
    }

    /**
     * Parses the type as dmesg prints it ("usable", "ACPI data", "type 9", "persistent (type 12)")
     * or as a bare number ("1", "0xefffffff"), case-insensitively.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static E820Type parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "usable":
                return RAM;
            case "reserved":
                return RESERVED;
            case "acpi data":
                return ACPI;
            case "acpi nvs":
                return NVS;
            case "unusable":
                return UNUSABLE;
            case "soft reserved":
                return SOFT_RESERVED;
            default:
                break;
        }
        String number = t;
        if (number.startsWith("persistent (type ") && number.endsWith(")")) {
            number = number.substring("persistent (type ".length(), number.length() - 1);
        } else if (number.startsWith("type ")) {
            number = number.substring("type ".length());
        }
        try {
            long value = number.startsWith("0x")
                    ? Long.parseLong(number.substring(2), 16)
                    : Long.parseLong(number);
            if (value >= 0 && value <= 0xffffffffL) {
                return new E820Type((int) value);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("unknown e820 type '" + text.trim() + "': expected usable, reserved,"
                + " ACPI data, ACPI NVS, unusable, persistent (type N), soft reserved, or type N with N a 32-bit number");
    }

    /** True for the types {@code e820_nomerge()} keeps apart even when adjacent: PRAM and soft reserved. */
    public boolean noMerge() {
        return code == PRAM.code || code == SOFT_RESERVED.code;
    }

    /** Unsigned order, the order in which the sanitizer lets a type win an overlap. */
    @Override
    public int compareTo(E820Type other) {
        return Integer.compareUnsigned(code, other.code);
    }

    @Override
    public String toString() {
        return dmesgName();
    }
}
