package io.pagelab.api;

import java.util.Objects;

/**
 * An {@link AddressSpace} that passes every call to another one, for wrappers that watch a
 * process (count loads, measure the heap) and override only what they watch, in the manner of
 * Guava's {@code Forwarding*} classes.
 *
 * <p>{@link #copy} and {@link #fill} are not forwarded: they run as the interface's defaults,
 * through this object's loads and stores, so a subclass sees every access they make.
 */
public abstract class ForwardingAddressSpace implements AddressSpace {
    private final AddressSpace delegate;

    protected ForwardingAddressSpace(AddressSpace delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The address space calls go to. */
    protected final AddressSpace delegate() {
        return delegate;
    }

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        return delegate.mmap(hint, length, prot, flags);
    }

    @Override
    public void munmap(long addr, long length) {
        delegate.munmap(addr, length);
    }

    @Override
    public void mprotect(long addr, long length, Prot prot) {
        delegate.mprotect(addr, length, prot);
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        return delegate.mremap(oldAddr, oldLength, newLength, flags);
    }

    @Override
    public void madvise(long addr, long length, int advice) {
        delegate.madvise(addr, length, advice);
    }

    @Override
    public long brk(long newBrk) {
        return delegate.brk(newBrk);
    }

    @Override
    public byte readByte(long va) {
        return delegate.readByte(va);
    }

    @Override
    public void writeByte(long va, byte value) {
        delegate.writeByte(va, value);
    }

    @Override
    public long readLong(long va) {
        return delegate.readLong(va);
    }

    @Override
    public void writeLong(long va, long value) {
        delegate.writeLong(va, value);
    }

    @Override
    public long translate(long va) {
        return delegate.translate(va);
    }

    @Override
    public PageTable pageTable() {
        return delegate.pageTable();
    }
}
