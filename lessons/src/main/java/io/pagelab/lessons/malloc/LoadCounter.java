package io.pagelab.lessons.malloc;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.ForwardingAddressSpace;

/**
 * A process that counts the loads an allocator makes from it: every {@link #readLong} and
 * {@link #readByte} is one memory read of the allocator's metadata. A deterministic stand-in for
 * throughput (which depends on the machine the lesson runs on): an implicit list's first-fit walk
 * shows up as many loads per call, a segregated list's as few.
 */
final class LoadCounter extends ForwardingAddressSpace {
    private long loads;

    LoadCounter(AddressSpace process) {
        super(process);
    }

    /** Loads so far. */
    long loads() {
        return loads;
    }

    @Override
    public byte readByte(long va) {
        loads++;
        return super.readByte(va);
    }

    @Override
    public long readLong(long va) {
        loads++;
        return super.readLong(va);
    }
}
