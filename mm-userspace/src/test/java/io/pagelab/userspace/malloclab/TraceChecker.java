package io.pagelab.userspace.malloclab;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a trace against an allocator in a fresh {@link NaiveAddressSpace} and checks what
 * CS:APP's mdriver.c checks: every payload is 16-byte aligned, lies inside the heap, overlaps no
 * live payload, and keeps its bytes until freed (stamps written at the start, every 4 KiB and at
 * the end of each payload, checked before every free and realloc, and after realloc on the bytes
 * the old and new sizes share). Utilization is mdriver's: peak live requested bytes / peak heap
 * (break minus start_brk; our allocators grow the heap with brk only).
 */
final class TraceChecker {
    private static final long STRIDE = 4096;

    record Result(String trace, long peakPayload, long peakHeap) {
        double utilization() {
            return (double) peakPayload / peakHeap;
        }
    }

    private final HeapAllocator allocator;
    private final NaiveAddressSpace process = new NaiveAddressSpace();
    private final Map<Integer, Long> ptrs = new HashMap<>();
    private final Map<Integer, Long> sizes = new HashMap<>();
    private final TreeMap<Long, Long> live = new TreeMap<>();
    private long payload;
    private long peakPayload;
    private long peakHeap;

    private TraceChecker(HeapAllocator allocator) {
        this.allocator = allocator;
    }

    static Result run(HeapAllocator allocator, RepTrace trace) {
        return run(allocator, trace, 0, () -> { });
    }

    /** Also runs {@code audit} after every {@code every}-th call and at the end (every 0: never). */
    static Result run(HeapAllocator allocator, RepTrace trace, int every, Runnable audit) {
        TraceChecker c = new TraceChecker(allocator);
        allocator.init(c.process);
        int n = 0;
        for (TraceOp op : trace.ops()) {
            c.step(trace.name(), op);
            if (every > 0 && ++n % every == 0) {
                audit.run();
            }
        }
        if (every > 0) {
            audit.run();
        }
        return new Result(trace.name(), c.peakPayload, c.peakHeap);
    }

    private void step(String trace, TraceOp op) {
        String where = trace + " line " + op.line() + " (" + op + ") with " + allocator.name();
        switch (op.kind()) {
            case ALLOC: {
                long p = allocator.malloc(op.size());
                admit(where, op.id(), p, op.size());
                break;
            }
            case FREE: {
                long p = ptrs.get(op.id());
                verify(where, op.id(), p, sizes.get(op.id()), sizes.get(op.id()));
                allocator.free(p);
                forget(op.id());
                break;
            }
            case REALLOC: {
                long old = ptrs.get(op.id());
                long oldSize = sizes.get(op.id());
                verify(where, op.id(), old, oldSize, oldSize);
                long p = allocator.realloc(old, op.size());
                forget(op.id());
                if (op.size() == 0) {
                    check(p == 0, where, "realloc(p, 0) must free and return 0, got 0x%x", p);
                    break;
                }
                check(p != 0, where, "realloc returned 0 (out of memory)");
                verify(where, op.id(), p, oldSize, Math.min(oldSize, op.size()));
                admit(where, op.id(), p, op.size());
                break;
            }
            default:
                throw new AssertionError(op.kind());
        }
        peakHeap = Math.max(peakHeap, process.brk(0) - process.startBrk());
    }

    private void admit(String where, int id, long p, long size) {
        check(p != 0, where, "returned 0 (out of memory)");
        check(p % 16 == 0, where, "payload 0x%x is not 16-byte aligned", p);
        long brk = process.brk(0);
        check(p >= process.startBrk() && p + size <= brk, where,
                "payload [0x%x, 0x%x) is outside the heap [0x%x, 0x%x)", p, p + size, process.startBrk(), brk);
        Map.Entry<Long, Long> below = live.floorEntry(p);
        check(below == null || below.getValue() <= p || (size == 0 && below.getKey() < p), where,
                "payload 0x%x overlaps the live payload [0x%x, 0x%x)", p,
                below == null ? 0 : below.getKey(), below == null ? 0 : below.getValue());
        Map.Entry<Long, Long> above = live.ceilingEntry(p);
        check(above == null || above.getKey() >= p + Math.max(size, 1), where,
                "payload [0x%x, 0x%x) overlaps the live payload at 0x%x", p, p + size,
                above == null ? 0 : above.getKey());
        ptrs.put(id, p);
        sizes.put(id, size);
        live.put(p, p + Math.max(size, 1));
        payload += size;
        peakPayload = Math.max(peakPayload, payload);
        stamp(id, p, size);
    }

    private void forget(int id) {
        live.remove(ptrs.remove(id));
        payload -= sizes.remove(id);
    }

    private static long word(int id, long off) {
        return (id + 1) * 0x9E3779B97F4A7C15L ^ off;
    }

    private void stamp(int id, long p, long size) {
        if (size < 8) {
            for (int i = 0; i < size; i++) {
                process.writeByte(p + i, (byte) word(id, i));
            }
            return;
        }
        for (long off = 0; off + 8 <= size; off += STRIDE) {
            process.writeLong(p + off, word(id, off));
        }
        long last = (size - 8) & ~7L;
        process.writeLong(p + last, word(id, last));
    }

    /** Checks the stamps of block {@code id} (stamped at {@code full} bytes) within its first {@code size} bytes. */
    private void verify(String where, int id, long p, long full, long size) {
        if (full < 8) {
            for (int i = 0; i < Math.min(size, full); i++) {
                check(process.readByte(p + i) == (byte) word(id, i), where, "payload byte %d of 0x%x was overwritten", i, p);
            }
            return;
        }
        for (long off = 0; off + 8 <= Math.min(size, full); off += STRIDE) {
            check(process.readLong(p + off) == word(id, off), where, "payload word at +%d of 0x%x was overwritten", off, p);
        }
        long last = (full - 8) & ~7L;
        if (last + 8 <= size) {
            check(process.readLong(p + last) == word(id, last), where, "last payload word (+%d) of 0x%x was overwritten", last, p);
        }
    }

    private static void check(boolean ok, String where, String format, Object... args) {
        if (!ok) {
            throw new AssertionError(where + ": " + String.format(format, args));
        }
    }
}
