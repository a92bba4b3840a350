package io.pagelab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The complete contract of {@link PhysicalMemory}, as one abstract test class in the style of
 * Netty's AbstractByteBufTest: an implementation's test extends it and says how to build a memory
 * with a given set of present ranges.
 *
 * <pre>
 * class MyRamTest extends PhysicalMemoryContract {
 *     protected PhysicalMemory create(List&lt;Range&gt; present) { return new MyRam(present); }
 * }
 * </pre>
 *
 * Every test uses {@link #LAYOUT}, shaped like a PC's firmware map (seed-digest App. D.1 and
 * linux-reference.md §2.4): low RAM ending mid-page at 639 KiB, the BIOS ROM, RAM from 1 MiB, and
 * RAM above 4 GiB, with holes between.
 *
 * <pre>
 *  0x0 ........ 0x9fc00   hole   0xf0000 ..... 0x100000 ........ 0x1000000   hole   0x100000000 ... 0x100400000
 *  |  low RAM    |                | BIOS ROM    | RAM from 1 MiB  |                   | 4 MiB above 4 GiB  |
 * </pre>
 */
public abstract class PhysicalMemoryContract {

    /** A present range {@code [start, end)} of physical addresses. */
    public record Range(long start, long end) {
    }

    /** The present ranges every contract test uses, in address order. */
    public static final List<Range> LAYOUT = List.of(
            new Range(0x0L, 0x9fc00L),
            new Range(0xf0000L, 0x100000L),
            new Range(0x100000L, 0x1000000L),
            new Range(0x100000000L, 0x100400000L));

    /** One past the last present byte of {@link #LAYOUT}. */
    public static final long LAYOUT_END = 0x100400000L;

    protected PhysicalMemory memory;

    /**
     * A fresh memory whose present bytes are exactly the union of {@code present} (ranges are
     * disjoint and sorted; adjacent ones may be merged), never written.
     */
    protected abstract PhysicalMemory create(List<Range> present);

    @BeforeEach
    protected void createMemory() {
        memory = create(LAYOUT);
    }

    private byte[] bytesAt(long pa, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = memory.readByte(pa + i);
        }
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // ---- little-endian layout, byte by byte ----

    @Test
    void writeLongStoresItsLeastSignificantByteFirst() {
        memory.writeLong(0x1000, 0x0102030405060708L);
        assertThat(bytesAt(0x1000, 8)).as("bytes at 0x1000..0x1007 after writeLong(0x0102030405060708)")
                .containsExactly(bytes(0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01));
    }

    @Test
    void writeIntStoresItsLeastSignificantByteFirst() {
        memory.writeInt(0x2000, 0xcafebabe);
        assertThat(bytesAt(0x2000, 4)).containsExactly(bytes(0xbe, 0xba, 0xfe, 0xca));
    }

    @Test
    void writeShortStoresItsLeastSignificantByteFirstAndKeepsOnlySixteenBits() {
        memory.writeShort(0x3000, 0x7fff1234);
        assertThat(bytesAt(0x3000, 3)).as("only 2 bytes written, the third stays 0")
                .containsExactly(bytes(0x34, 0x12, 0x00));
    }

    @Test
    void writeByteKeepsOnlyTheLowEightBits() {
        memory.writeByte(0x4000, 0x1ff);
        assertThat(memory.readByte(0x4000)).isEqualTo((byte) 0xff);
        assertThat(memory.readByte(0x4001)).as("neighbour untouched").isZero();
    }

    @Test
    void readLongAssemblesBytesLittleEndian() {
        for (int i = 0; i < 8; i++) {
            memory.writeByte(0x5000 + i, 0x10 + i);
        }
        assertThat(memory.readLong(0x5000)).isEqualTo(0x1716151413121110L);
        assertThat(memory.readInt(0x5004)).isEqualTo(0x17161514);
        assertThat(memory.readShort(0x5002)).isEqualTo((short) 0x1312);
    }

    @Test
    void narrowReadsAreSignExtended() {
        memory.writeInt(0x6000, -1);
        assertThat(memory.readByte(0x6000)).isEqualTo((byte) -1);
        assertThat(memory.readShort(0x6000)).isEqualTo((short) -1);
        assertThat(memory.readInt(0x6000)).isEqualTo(-1);
        assertThat(memory.readLong(0x6000)).as("upper 4 bytes never written").isEqualTo(0xffffffffL);
    }

    // ---- alignment and frame boundaries ----

    @Test
    void unalignedAccessesRoundTrip() {
        memory.writeLong(0x7003, 0x1122334455667788L);
        memory.writeInt(0x7101, 0x99aabbcc);
        memory.writeShort(0x7201, 0xddee);
        assertThat(memory.readLong(0x7003)).isEqualTo(0x1122334455667788L);
        assertThat(memory.readInt(0x7101)).isEqualTo(0x99aabbcc);
        assertThat(memory.readShort(0x7201)).isEqualTo((short) 0xddee);
        assertThat(memory.readByte(0x7003)).isEqualTo((byte) 0x88);
    }

    @Test
    void aLongCrossingAFrameBoundarySplitsItsBytesAcrossBothFrames() {
        // 0x100ffd..0x101004: bytes 08 07 06 in frame 0x100, 05..01 in frame 0x101
        memory.writeLong(0x100ffdL, 0x0102030405060708L);
        assertThat(bytesAt(0x100ffdL, 3)).containsExactly(bytes(0x08, 0x07, 0x06));
        assertThat(bytesAt(0x101000L, 5)).containsExactly(bytes(0x05, 0x04, 0x03, 0x02, 0x01));
        assertThat(memory.readLong(0x100ffdL)).isEqualTo(0x0102030405060708L);
        assertThat(memory.touchedFrames()).as("two frames written").isEqualTo(2);
    }

    @Test
    void intAndShortCrossingAFrameBoundaryRoundTrip() {
        memory.writeInt(0x200ffeL, 0xa1b2c3d4);
        memory.writeShort(0x201fffL, 0xe5f6);
        assertThat(memory.readInt(0x200ffeL)).isEqualTo(0xa1b2c3d4);
        assertThat(memory.readShort(0x201fffL)).isEqualTo((short) 0xe5f6);
        assertThat(memory.readByte(0x202000L)).isEqualTo((byte) 0xe5);
    }

    // ---- zero and touched frames ----

    @Test
    void memoryNeverWrittenReadsZero() {
        long[] addresses = {0x0, 0x9fbf8, 0xf0000, 0x100000, 0xfffff8, 0x100000000L, 0x1003ffff8L};
        for (long pa : addresses) {
            assertThat(memory.readLong(pa)).as("readLong(%#x) of fresh memory", pa).isZero();
        }
        assertThat(memory.touchedFrames()).as("reads allocate nothing").isZero();
    }

    @Test
    void touchedFramesCountsDistinctFramesWritten() {
        memory.writeByte(0x1000, 1);
        memory.writeByte(0x1fff, 2);
        memory.writeLong(0x1008, 3);
        assertThat(memory.touchedFrames()).as("three writes into frame 1").isEqualTo(1);
        memory.writeByte(0x100000000L, 4);
        memory.writeByte(0x3000, 0);
        assertThat(memory.touchedFrames()).as("writing a zero also touches a frame").isEqualTo(3);
    }

    @Test
    void otherBytesOfAWrittenFrameStillReadZero() {
        memory.writeByte(0x8800, 0x5a);
        assertThat(memory.readLong(0x8000)).isZero();
        assertThat(memory.readLong(0x8ff8)).isZero();
    }

    // ---- presence and rejected accesses ----

    @Test
    void isPresentFollowsTheMemoryMapToTheByte() {
        long[] present = {0x0, 0x9fbff, 0xf0000, 0xfffff, 0x100000, 0xffffff, 0x100000000L, 0x1003fffffL};
        long[] absent = {0x9fc00, 0xa0000, 0xeffff, 0x1000000, 0xffffffffL, 0x100400000L, 1L << 52, -1L,
            Long.MIN_VALUE};
        for (long pa : present) {
            assertThat(memory.isPresent(pa)).as("isPresent(%#x)", pa).isTrue();
        }
        for (long pa : absent) {
            assertThat(memory.isPresent(pa)).as("isPresent(%#x)", pa).isFalse();
        }
    }

    @Test
    void maxAddressIsOnePastTheLastPresentByte() {
        assertThat(memory.maxAddress()).isEqualTo(LAYOUT_END);
    }

    @Test
    void physicalAddressesAreAtMost52BitsWide() {
        assertThat(memory.physicalAddressBits()).isBetween(36, 52);
        assertThat(memory.maxAddress()).isLessThanOrEqualTo(1L << memory.physicalAddressBits());
    }

    private void assertRejected(long badAddress, ThrowingCallable access) {
        assertThatThrownBy(access)
                .as("access touching %#x", badAddress)
                .isInstanceOf(BadAddressException.class)
                .hasMessageContaining(Long.toHexString(badAddress))
                .satisfies(e -> assertThat(((BadAddressException) e).address())
                        .as("BadAddressException.address()").isEqualTo(badAddress));
    }

    @Test
    void anAccessIntoAHoleIsRejectedNamingTheAddress() {
        assertRejected(0xa0000L, () -> memory.readByte(0xa0000L));
        assertRejected(0xa0000L, () -> memory.writeByte(0xa0000L, 1));
        assertRejected(0x2000000L, () -> memory.readLong(0x2000000L));
        assertRejected(0x2000000L, () -> memory.writeInt(0x2000000L, 1));
    }

    @Test
    void anAccessReachingIntoAHoleIsRejectedAtItsFirstAbsentByte() {
        // 0x9fbfc..0x9fc03: the first four bytes are present, 0x9fc00 is the first absent one.
        assertRejected(0x9fc00L, () -> memory.readLong(0x9fbfcL));
        assertRejected(0x9fc00L, () -> memory.writeLong(0x9fbfcL, -1L));
        assertRejected(0x9fc00L, () -> memory.writeShort(0x9fbffL, -1));
        assertRejected(0x1000000L, () -> memory.writeInt(0xfffffeL, -1));
    }

    @Test
    void addressesAtOrAboveMaxAddressAreRejected() {
        memory.writeByte(LAYOUT_END - 1, 7);
        assertThat(memory.readByte(LAYOUT_END - 1)).isEqualTo((byte) 7);
        assertRejected(LAYOUT_END, () -> memory.readByte(LAYOUT_END));
        assertRejected(LAYOUT_END, () -> memory.readLong(LAYOUT_END - 4));
        assertRejected(1L << 52, () -> memory.writeByte(1L << 52, 0));
    }

    @Test
    void addressesAboveTwoToThe63AreRejectedAsUnsigned() {
        assertRejected(-8L, () -> memory.readLong(-8L));
        assertRejected(Long.MIN_VALUE, () -> memory.writeByte(Long.MIN_VALUE, 0));
    }

    @Test
    void aRejectedWriteChangesNothing() {
        memory.writeLong(0x9fbf8L, 0x1111111111111111L);
        long touched = memory.touchedFrames();
        assertThatThrownBy(() -> memory.writeLong(0x9fbfcL, -1L)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> memory.writeBytes(0x9fbf8L, new byte[16])).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> memory.fill(0x9f000L, 0x1000, 0xaa)).isInstanceOf(BadAddressException.class);
        assertThat(memory.readLong(0x9fbf8L)).as("bytes before the hole after rejected writes")
                .isEqualTo(0x1111111111111111L);
        assertThat(memory.touchedFrames()).isEqualTo(touched);
    }

    @Test
    void aRejectedWriteToAnUntouchedFrameDoesNotTouchIt() {
        assertThatThrownBy(() -> memory.writeLong(0xfffffcL, -1L)).isInstanceOf(BadAddressException.class);
        assertThat(memory.touchedFrames()).isZero();
        assertThat(memory.readInt(0xfffffcL)).isZero();
    }

    // ---- bulk operations ----

    @Test
    void bulkWriteAndReadRoundTripAcrossFrames() {
        byte[] data = new byte[3 * 4096 + 17];
        new Random(7).nextBytes(data);
        memory.writeBytes(0x100123L, data);
        assertThat(memory.readBytes(0x100123L, data.length)).isEqualTo(data);
        assertThat(memory.touchedFrames()).as("0x100123..0x103133 spans frames 0x100..0x103").isEqualTo(4);
    }

    @Test
    void bulkOperationsHonourArrayOffsetAndLength() {
        memory.writeBytes(0x9000, bytes(1, 2, 3, 4, 5, 6), 2, 3);
        assertThat(bytesAt(0x9000, 4)).containsExactly(bytes(3, 4, 5, 0));
        byte[] dst = bytes(9, 9, 9, 9, 9);
        memory.readBytes(0x9000, dst, 1, 3);
        assertThat(dst).containsExactly(bytes(9, 3, 4, 5, 9));
    }

    @Test
    void bulkReadOfUntouchedMemoryGivesZerosAndAllocatesNothing() {
        byte[] dst = bytes(1, 1, 1, 1);
        memory.readBytes(0x100000000L, dst, 0, 4);
        assertThat(dst).containsOnly(0);
        assertThat(memory.touchedFrames()).isZero();
    }

    @Test
    void aBulkReadOverAHoleIsRejectedAndLeavesTheArrayIntact() {
        byte[] dst = bytes(7, 7, 7, 7, 7, 7, 7, 7);
        assertRejected(0x9fc00L, () -> memory.readBytes(0x9fbfcL, dst, 0, 8));
        assertThat(dst).containsOnly(7);
    }

    @Test
    void arrayRangesOutsideTheArrayAreInvalidArguments() {
        byte[] b = new byte[4];
        assertThatThrownBy(() -> memory.readBytes(0x1000, b, 2, 3)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("4");
        assertThatThrownBy(() -> memory.writeBytes(0x1000, b, -1, 2)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> memory.writeBytes(0x1000, b, 0, -1)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> memory.readBytes(0x1000, -1)).isInstanceOf(InvalidArgumentException.class);
        assertThat(memory.touchedFrames()).isZero();
    }

    @Test
    void zeroLengthBulkOperationsDoNothingEvenInAHole() {
        memory.readBytes(0xa0000L, new byte[0], 0, 0);
        memory.writeBytes(0xa0000L, new byte[2], 1, 0);
        memory.fill(0xa0000L, 0, 1);
        memory.copy(0xa0000L, 0xa1000L, 0);
        assertThat(memory.touchedFrames()).isZero();
    }

    @Test
    void fillSetsEveryByteOfTheRangeToTheLowEightBitsOfTheValue() {
        memory.fill(0x300ffeL, 0x1004, 0x1aa);
        assertThat(memory.readByte(0x300ffdL)).isZero();
        assertThat(memory.readLong(0x300ffeL)).isEqualTo(0xaaaaaaaaaaaaaaaaL);
        assertThat(memory.readLong(0x301ffaL)).isEqualTo(0xaaaaaaaaaaaaaaaaL);
        assertThat(memory.readByte(0x302002L)).isZero();
    }

    @Test
    void fillWithANegativeLengthIsAnInvalidArgument() {
        assertThatThrownBy(() -> memory.fill(0x1000, -1, 0)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void copyMovesBytesBetweenFrames() {
        memory.writeLong(0x400000L, 0x0123456789abcdefL);
        memory.copy(0x400000L, 0x100000000L, 8);
        assertThat(memory.readLong(0x100000000L)).isEqualTo(0x0123456789abcdefL);
    }

    @Test
    void copyOfOverlappingRangesBehavesLikeMemmove() {
        for (int i = 0; i < 16; i++) {
            memory.writeByte(0xd000 + i, i + 1);
        }
        memory.copy(0xd000, 0xd004, 12); // forward overlap
        assertThat(bytesAt(0xd000, 16)).containsExactly(bytes(1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        memory.copy(0xd004, 0xd000, 12); // backward overlap
        assertThat(bytesAt(0xd000, 12)).containsExactly(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    }

    @Test
    void aCopyWhoseSourceOrDestinationReachesAHoleChangesNothing() {
        memory.writeLong(0xe000, 42);
        assertRejected(0x9fc00L, () -> memory.copy(0xe000, 0x9fbfcL, 8));
        assertRejected(0x9fc00L, () -> memory.copy(0x9fbfcL, 0xe000, 8));
        assertThat(memory.readLong(0xe000)).isEqualTo(42);
        assertThat(memory.readInt(0x9fbfcL)).isZero();
    }

    // ---- randomized round trips against a simple model ----

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 42L, 0x5eedL})
    void randomWritesReadBackAsAByteModelPredicts(long seed) {
        Random random = new Random(seed);
        Map<Long, Byte> model = new HashMap<>();
        for (int op = 0; op < 3000; op++) {
            Range r = LAYOUT.get(random.nextInt(LAYOUT.size()));
            int width = 1 << random.nextInt(4);
            long span = Math.min(r.end() - r.start() - width, 3 * 4096);
            long pa = r.start() + (random.nextBoolean() ? (long) random.nextInt((int) span + 1)
                    : r.end() - r.start() - width - random.nextInt(64));
            long value = random.nextLong();
            String where = String.format("seed %d, op %d: %d-byte access at %#x", seed, op, width, pa);
            if (random.nextInt(3) == 0) {
                long expected = 0;
                for (int i = width - 1; i >= 0; i--) {
                    expected = (expected << 8) | (model.getOrDefault(pa + i, (byte) 0) & 0xff);
                }
                assertThat(read(pa, width) & mask(width)).as(where).isEqualTo(expected);
            } else {
                write(pa, width, value);
                for (int i = 0; i < width; i++) {
                    model.put(pa + i, (byte) (value >>> (8 * i)));
                }
            }
        }
        for (Map.Entry<Long, Byte> e : model.entrySet()) {
            assertThat(memory.readByte(e.getKey())).as("seed %d: final byte at %#x", seed, e.getKey())
                    .isEqualTo(e.getValue());
        }
        long frames = model.keySet().stream().map(pa -> pa >>> 12).distinct().count();
        assertThat(memory.touchedFrames()).as("seed %d: touched frames", seed).isEqualTo(frames);
    }

    private static long mask(int width) {
        return width == 8 ? -1L : (1L << (8 * width)) - 1;
    }

    private long read(long pa, int width) {
        switch (width) {
            case 1:
                return memory.readByte(pa);
            case 2:
                return memory.readShort(pa);
            case 4:
                return memory.readInt(pa);
            default:
                return memory.readLong(pa);
        }
    }

    private void write(long pa, int width, long value) {
        switch (width) {
            case 1:
                memory.writeByte(pa, (int) value);
                break;
            case 2:
                memory.writeShort(pa, (int) value);
                break;
            case 4:
                memory.writeInt(pa, (int) value);
                break;
            default:
                memory.writeLong(pa, value);
                break;
        }
    }
}
