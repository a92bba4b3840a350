package io.pagelab.kernel.memblock;

import java.util.List;

/** {@link Memblock#view()}: forwards the read-only calls, so a holder cannot cast its way to the mutators. */
final class ReadOnlyMemblock implements MemblockView {
    private final Memblock memblock;

    ReadOnlyMemblock(Memblock memblock) {
        this.memblock = memblock;
    }

    @Override
    public MemblockType memory() {
        return memblock.memory();
    }

    @Override
    public MemblockType reserved() {
        return memblock.reserved();
    }

    @Override
    public long currentLimit() {
        return memblock.currentLimit();
    }

    @Override
    public boolean bottomUp() {
        return memblock.bottomUp();
    }

    @Override
    public long startOfDram() {
        return memblock.startOfDram();
    }

    @Override
    public long endOfDram() {
        return memblock.endOfDram();
    }

    @Override
    public boolean isMemory(long addr) {
        return memblock.isMemory(addr);
    }

    @Override
    public boolean isReserved(long addr) {
        return memblock.isReserved(addr);
    }

    @Override
    public List<FreeRange> freeRanges() {
        return memblock.freeRanges();
    }

    @Override
    public List<PfnRange> memPfnRanges() {
        return memblock.memPfnRanges();
    }

    @Override
    public List<String> dump() {
        return memblock.dump();
    }

    @Override
    public String toString() {
        return memblock.toString();
    }
}
