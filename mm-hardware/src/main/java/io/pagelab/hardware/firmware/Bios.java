package io.pagelab.hardware.firmware;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BIOS service INT 0x15, AX=0xE820 ("query system address map"): one entry of the firmware
 * memory map per call, chained by a continuation value in EBX. The real-mode loop of
 * arch/x86/boot/memory.c: detect_memory_e820() (Linux 6.x) drives it:
 *
 * <pre>
 *   EBX = 0
 *   do:  EAX=0xE820 EBX=next ECX=20 EDX='SMAP'; int 0x15
 *        next = EBX
 *        CF set        -&gt; stop (some BIOSes end the chain this way)
 *        EAX != 'SMAP' -&gt; stop and throw the whole map away (broken BIOS)
 *        keep the entry
 *   while next != 0 and count &lt; 128
 * </pre>
 *
 * <p>The continuation value is the index of the entry to return, as SeaBIOS does
 * (src/system.c: handle_15e820, 1.16); other BIOSes use other opaque values, and callers must only echo
 * what they were given. A wrong EAX or EDX, a buffer smaller than 20 bytes or an unknown
 * continuation fails with CF=1 and AH=0x86, as SeaBIOS's {@code set_code_invalid} does.
 *
 * <p>{@link Quirk}s reproduce the broken firmwares detect_memory_e820() defends against, for
 * exercises. {@link #callCount()} lets a grader see how a loop drove the service.
 *
 * <p>Differs from a real BIOS: no ES:DI buffer (the entry is returned in the reply), and the
 * ACPI 3.0 24-byte entry with extended attributes is never written (ECX is always 20).
 */
public final class Bios {
    private static final Logger log = LoggerFactory.getLogger(Bios.class);

    /** The function number in AX. */
    public static final int E820 = 0xE820;
    /** The signature 'SMAP' as the four ASCII bytes in EDX/EAX: 0x534D4150. */
    public static final int SMAP = 0x534D4150;
    /** AH on failure: 0x86, "function not supported". */
    public static final int AH_UNSUPPORTED = 0x86;

    /** Firmware bugs Linux's detect_memory_e820() copes with. */
    public enum Quirk {
        /** A correct BIOS: the last entry returns EBX=0. */
        NONE,
        /**
         * The last entry returns a non-zero EBX and the call with it fails with CF=1 (and no
         * 'SMAP'), instead of ending the chain with EBX=0. Linux stops on CF and keeps the map.
         */
        ENDS_WITH_CARRY,
        /**
         * The chain never ends: the continuation keeps counting up past the last entry and the
         * BIOS answers entry {@code EBX mod n}, so the whole table repeats forever and EBX is never
         * 0 again. Only a loop bound (Linux: E820_MAX_ENTRIES_ZEROPAGE = 128) stops the caller.
         */
        NEVER_ENDS,
        /**
         * After {@link #smapEntries()} good replies, EAX no longer returns 'SMAP' (it is left as
         * 0xE820) although CF stays clear and an entry is still written. Linux discards the
         * whole map ({@code count = 0}).
         */
        DROPS_SMAP
    }

    private final FirmwareMemoryMap map;
    private final Quirk quirk;
    private final int smapEntries;
    private long calls;
    private long goodReplies;

    private Bios(FirmwareMemoryMap map, Quirk quirk, int smapEntries) {
        this.map = Objects.requireNonNull(map, "map");
        this.quirk = Objects.requireNonNull(quirk, "quirk");
        this.smapEntries = smapEntries;
    }

    /** A correct BIOS reporting this map. */
    public static Bios of(FirmwareMemoryMap map) {
        return new Bios(map, Quirk.NONE, Integer.MAX_VALUE);
    }

    /**
     * A BIOS with this quirk. For {@link Quirk#DROPS_SMAP} use {@link #droppingSmapAfter}.
     *
     * @throws IllegalArgumentException for DROPS_SMAP, which needs a count
     */
    public static Bios withQuirk(FirmwareMemoryMap map, Quirk quirk) {
        checkArgument(quirk != Quirk.DROPS_SMAP,
                "quirk DROPS_SMAP needs the number of good replies: use Bios.droppingSmapAfter(map, n)");
        return new Bios(map, quirk, Integer.MAX_VALUE);
    }

    /** A BIOS whose chain ends with CF=1 instead of EBX=0 ({@link Quirk#ENDS_WITH_CARRY}). */
    public static Bios endingWithCarry(FirmwareMemoryMap map) {
        return withQuirk(map, Quirk.ENDS_WITH_CARRY);
    }

    /** A BIOS whose continuation never becomes 0 ({@link Quirk#NEVER_ENDS}). */
    public static Bios neverEnding(FirmwareMemoryMap map) {
        return withQuirk(map, Quirk.NEVER_ENDS);
    }

    /**
     * A BIOS that answers 'SMAP' for its first {@code goodReplies} successful calls and then stops
     * ({@link Quirk#DROPS_SMAP}).
     *
     * @throws IllegalArgumentException if goodReplies is negative
     */
    public static Bios droppingSmapAfter(FirmwareMemoryMap map, int goodReplies) {
        checkArgument(goodReplies >= 0, "goodReplies must be >= 0, got %s", goodReplies);
        return new Bios(map, Quirk.DROPS_SMAP, goodReplies);
    }

    /**
     * One INT 0x15 call.
     *
     * @return the output registers; never throws for bad register values (a BIOS sets CF instead)
     */
    public E820Reply int15E820(E820Call call) {
        Objects.requireNonNull(call, "call");
        calls++;
        int n = map.size();
        int index = call.ebx();
        boolean knownContinuation = quirk == Quirk.NEVER_ENDS || Integer.compareUnsigned(index, n) < 0;
        if (call.eax() != E820 || call.edx() != SMAP || Integer.compareUnsigned(call.ecx(), E820Entry.BYTES) < 0
                || !knownContinuation) {
            log.debug("int 0x15 #{}: {} -> CF=1 (unsupported; valid EBX 0..{})", calls, call, n - 1);
            return new E820Reply((call.eax() & 0xFFFF00FF) | (AH_UNSUPPORTED << 8), call.ebx(), 0, true,
                    Optional.empty());
        }
        E820Entry entry = map.entry(Integer.remainderUnsigned(index, n));
        int next;
        if (quirk == Quirk.NEVER_ENDS) {
            next = index + 1 == 0 ? 1 : index + 1; // skips 0 even when the 32-bit counter wraps
        } else if (index + 1 < n) {
            next = index + 1;
        } else if (quirk == Quirk.ENDS_WITH_CARRY) {
            next = n; // points past the table: the next call fails with CF=1
        } else {
            next = 0;
        }
        goodReplies++;
        int eax = goodReplies <= smapEntries ? SMAP : E820;
        log.debug("int 0x15 #{}: EBX={} -> {} EBX={} EAX={}", calls, index, entry, next,
                Integer.toHexString(eax));
        return new E820Reply(eax, next, E820Entry.BYTES, false, Optional.of(entry));
    }

    /** Calls answered since creation or the last {@link #resetCallCount()}. */
    public long callCount() {
        return calls;
    }

    /** Sets {@link #callCount()} back to 0 (a {@link Quirk#DROPS_SMAP} BIOS also starts over). */
    public void resetCallCount() {
        calls = 0;
        goodReplies = 0;
    }

    /** The table this BIOS reports. */
    public FirmwareMemoryMap memoryMap() {
        return map;
    }

    /** This firmware's bug, or {@link Quirk#NONE}. */
    public Quirk quirk() {
        return quirk;
    }

    @Override
    public String toString() {
        return "Bios[" + map.size() + " e820 entries, quirk " + quirk + "]";
    }
}
