package io.pagelab.api.testkit;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the contract against the simplest possible implementation (one boxed map entry per frame,
 * byte by byte), so that the kit itself is known to be satisfiable and correct.
 */
class NaivePhysicalMemoryTest extends PhysicalMemoryContract {

    @Override
    protected PhysicalMemory create(List<Range> present) {
        return new Naive(present);
    }

    /** Byte-at-a-time reference: slow, obviously right. */
    static final class Naive implements PhysicalMemory {
        private final List<Range> present;
        private final Map<Long, byte[]> frames = new HashMap<>();

        Naive(List<Range> present) {
            this.present = List.copyOf(present);
        }

        @Override
        public boolean isPresent(long pa) {
            for (Range r : present) {
                if (pa >= r.start() && pa < r.end()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long maxAddress() {
            return present.get(present.size() - 1).end();
        }

        @Override
        public long touchedFrames() {
            return frames.size();
        }

        private void check(long pa, long len) {
            for (long i = 0; i < len; i++) {
                if (!isPresent(pa + i)) {
                    throw new BadAddressException(pa + i, "address 0x" + Long.toHexString(pa + i) + " is absent");
                }
            }
        }

        private static void checkArray(byte[] a, int off, int len) {
            if (off < 0 || len < 0 || off > a.length - len) {
                throw new InvalidArgumentException("range off=" + off + " len=" + len + " outside array of "
                        + a.length);
            }
        }

        private byte get(long pa) {
            byte[] f = frames.get(pa >>> 12);
            return f == null ? 0 : f[(int) (pa & 0xfff)];
        }

        private void put(long pa, byte b) {
            frames.computeIfAbsent(pa >>> 12, k -> new byte[4096])[(int) (pa & 0xfff)] = b;
        }

        private long getLe(long pa, int n) {
            check(pa, n);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = (v << 8) | (get(pa + i) & 0xff);
            }
            return v;
        }

        private void putLe(long pa, int n, long v) {
            check(pa, n);
            for (int i = 0; i < n; i++) {
                put(pa + i, (byte) (v >>> (8 * i)));
            }
        }

        @Override
        public byte readByte(long pa) {
            return (byte) getLe(pa, 1);
        }

        @Override
        public short readShort(long pa) {
            return (short) getLe(pa, 2);
        }

        @Override
        public int readInt(long pa) {
            return (int) getLe(pa, 4);
        }

        @Override
        public long readLong(long pa) {
            return getLe(pa, 8);
        }

        @Override
        public void writeByte(long pa, int value) {
            putLe(pa, 1, value);
        }

        @Override
        public void writeShort(long pa, int value) {
            putLe(pa, 2, value);
        }

        @Override
        public void writeInt(long pa, int value) {
            putLe(pa, 4, value);
        }

        @Override
        public void writeLong(long pa, long value) {
            putLe(pa, 8, value);
        }

        @Override
        public void readBytes(long pa, byte[] dst, int off, int len) {
            checkArray(dst, off, len);
            check(pa, len);
            for (int i = 0; i < len; i++) {
                dst[off + i] = get(pa + i);
            }
        }

        @Override
        public void writeBytes(long pa, byte[] src, int off, int len) {
            checkArray(src, off, len);
            check(pa, len);
            for (int i = 0; i < len; i++) {
                put(pa + i, src[off + i]);
            }
        }

        @Override
        public void fill(long pa, long len, int value) {
            if (len < 0) {
                throw new InvalidArgumentException("negative length " + len);
            }
            check(pa, len);
            for (long i = 0; i < len; i++) {
                put(pa + i, (byte) value);
            }
        }

        @Override
        public void copy(long srcPa, long dstPa, long len) {
            if (len < 0) {
                throw new InvalidArgumentException("negative length " + len);
            }
            check(srcPa, len);
            check(dstPa, len);
            byte[] tmp = new byte[(int) len];
            for (int i = 0; i < len; i++) {
                tmp[i] = get(srcPa + i);
            }
            for (int i = 0; i < len; i++) {
                put(dstPa + i, tmp[i]);
            }
        }
    }
}
