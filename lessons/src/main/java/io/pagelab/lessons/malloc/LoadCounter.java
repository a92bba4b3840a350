package io.pagelab.lessons.malloc;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;

/**
 * A process that counts the loads an allocator makes from it: every {@link #readLong} and
 * {@link #readByte} is one memory read of the allocator's metadata. A deterministic stand-in for
 * throughput (which depends on the machine the lesson runs on): an implicit list's first-fit walk
 * shows up as many loads per call, a segregated list's as few.
 */
final class LoadCounter implements AddressSpace {

    private final AddressSpace process;
    private long loads;

    LoadCounter(AddressSpace process) {
        this.process = process;
    }

    /** Loads so far. */
    long loads() {
        return loads;
    }

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        return process.mmap(hint, length, prot, flags);
    }

    @Override
    public void munmap(long addr, long length) {
        process.munmap(addr, length);
    }

    @Override
    public void mprotect(long addr, long length, Prot prot) {
        process.mprotect(addr, length, prot);
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        return process.mremap(oldAddr, oldLength, newLength, flags);
    }

    @Override
    public void madvise(long addr, long length, int advice) {
        process.madvise(addr, length, advice);
    }

    @Override
    public long brk(long newBrk) {
        return process.brk(newBrk);
    }

    @Override
    public byte readByte(long va) {
        loads++;
        return process.readByte(va);
    }

    @Override
    public void writeByte(long va, byte value) {
        process.writeByte(va, value);
    }

    @Override
    public long readLong(long va) {
        loads++;
        return process.readLong(va);
    }

    @Override
    public void writeLong(long va, long value) {
        process.writeLong(va, value);
    }

    @Override
    public long translate(long va) {
        return process.translate(va);
    }

    @Override
    public PageTable pageTable() {
        return process.pageTable();
    }
}
