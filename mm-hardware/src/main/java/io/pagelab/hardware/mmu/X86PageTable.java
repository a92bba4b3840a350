package io.pagelab.hardware.mmu;

import static io.pagelab.hardware.mmu.X86PageTableEntry.ACCESSED;
import static io.pagelab.hardware.mmu.X86PageTableEntry.DIRTY;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PAT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PCD;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PFN_MASK;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PKEY_MASK;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PKEY_SHIFT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PRESENT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PWT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.RW;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW1;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW2;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW3;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW4;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW5;
import static io.pagelab.hardware.mmu.X86PageTableEntry.USER;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An x86-64 page-table tree stored in physical memory as real 8-byte entries: 4-level (PML4, 48-bit
 * addresses) or 5-level (PML5, 57-bit), with 4 KiB, 2 MiB (PS in a PDE) and 1 GiB (PS in a PDPTE)
 * pages. It is what arch/x86/mm/pgtable.c and mm/memory.c (Linux 6.x) maintain: pgd_alloc(),
 * __pte_alloc() and friends add tables, set_pte()/set_pmd()/set_pud() write leaves.
 *
 * <pre>
 *  CR3 -&gt; [PML5] -&gt; PML4 -&gt; PDPT --PS=1--&gt; 1 GiB page
 *                            |
 *                            +-&gt; PD --PS=1--&gt; 2 MiB page
 *                                 |
 *                                 +-&gt; PT -&gt; 4 KiB page
 *  leaf:     P (or PROTNONE for Prot.NONE) | R/W if WRITE | U/S if USER | NX unless EXEC | G for kernel pages
 *  non-leaf: P | R/W | U/S for user-half addresses and above user pages (the leaf decides the rights)
 * </pre>
 *
 * <p>Through {@link PageTable} it speaks of pages, frames and {@link Prot}; the x86 words stay here.
 * A learner sees the raw entries with {@link #entry(long, PagingLevel)},
 * {@link X86PageTableEntry#dumpTable} on any table frame, or {@link PageWalker#trace}. The x86-64
 * walk and entry codec live here; unmap, translate, lookup, map()'s argument checks and the table
 * frames are {@link AbstractPageTable}'s.
 *
 * <p>Differs from Linux on purpose: new entries leave A and D clear so the first access shows the
 * CPU setting them (Linux's protection_map and _PAGE_TABLE pre-set A, and D for tables); empty
 * tables stay after an unmap, as in Linux, until a huge page is mapped over them, when they are
 * freed at once (Linux frees them later in free_pgtables()); kernel pages are global (as
 * __PAGE_KERNEL) unless disabled. No locking: not thread-safe. The caller flushes TLBs.
 */
public final class X86PageTable extends AbstractPageTable {
    private static final Logger log = LoggerFactory.getLogger(X86PageTable.class);
    /** Bits a protection change keeps, as _PAGE_CHG_MASK does in pte_modify(): frame, caching, A, D, software, key. */
    private static final long KEEP_ON_PROTECT = PWT | PCD | ACCESSED | DIRTY | SOFTW1 | SOFTW2 | SOFTW3 | SOFTW4 | SOFTW5
            | PKEY_MASK;

    private final PagingMode mode;
    private final PagingLevel[] levels;
    private final int maxPhyAddr;
    private final boolean noExecute;
    private final boolean globalKernelPages;
    private final long root;
    /** Level of the leaf {@link #findLeaf} found last. */
    private PagingLevel leafLevel;

    private X86PageTable(Builder b) {
        super(b.memory, b.allocator);
        this.mode = b.mode;
        this.levels = mode.levels().toArray(new PagingLevel[0]);
        this.maxPhyAddr = b.maxPhyAddr;
        this.noExecute = b.noExecute;
        this.globalKernelPages = b.globalKernelPages;
        this.root = newTable();
        log.debug("{} page table created: root {} at phys {}", mode, mode.top(), Long.toHexString(root));
    }

    /** A builder for a table in {@code memory} whose table frames come from {@code allocator}. */
    public static Builder builder(PhysicalMemory memory, PageTableAllocator allocator) {
        return new Builder(memory, allocator);
    }

    /** A 4-level table with the defaults of {@link Builder}. */
    public static X86PageTable create(PhysicalMemory memory, PageTableAllocator allocator) {
        return builder(memory, allocator).build();
    }

    /** Options of a new table; defaults: 4-level, MAXPHYADDR 46, NX used, kernel pages global. */
    public static final class Builder {
        private final PhysicalMemory memory;
        private final PageTableAllocator allocator;
        private PagingMode mode = PagingMode.FOUR_LEVEL;
        private int maxPhyAddr = CpuState.DEFAULT_MAX_PHY_ADDR;
        private boolean noExecute = true;
        private boolean globalKernelPages = true;

        private Builder(PhysicalMemory memory, PageTableAllocator allocator) {
            this.memory = Objects.requireNonNull(memory, "memory");
            this.allocator = Objects.requireNonNull(allocator, "allocator");
        }

        /** 4- or 5-level paging. */
        public Builder mode(PagingMode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /** The CPU's physical-address width: frames at or above 2^bits are refused. */
        public Builder maxPhyAddr(int bits) {
            InvalidArgumentException.check(bits >= 32 && bits <= 52,
                    "MAXPHYADDR %s is out of range: x86-64 CPUs implement 32..52 physical-address bits", bits);
            this.maxPhyAddr = bits;
            return this;
        }

        /** Whether pages without EXEC get NX (false: a CPU without NX, every page executable). */
        public Builder noExecute(boolean on) {
            this.noExecute = on;
            return this;
        }

        /** Whether kernel (non-USER) pages get the G bit, as __PAGE_KERNEL has it. */
        public Builder globalKernelPages(boolean on) {
            this.globalKernelPages = on;
            return this;
        }

        public X86PageTable build() {
            return new X86PageTable(this);
        }
    }

    // ---- what the CPU needs ----

    /** Physical address of the top table (PML4 or PML5): what CR3 holds. */
    public long root() {
        return root;
    }

    /** A CR3 value for this table with a PCID (0 without PCIDs). */
    public long cr3(int pcid) {
        return Cr3.of(root, pcid);
    }

    public PagingMode mode() {
        return mode;
    }

    public int maxPhyAddr() {
        return maxPhyAddr;
    }

    // ---- PageTable ----

    @Override
    public void map(long va, long pfn, long pageSize, Prot prot) {
        checkMapArguments(va, pfn, pageSize, prot);
        PagingLevel target = PagingLevel.forPageSize(pageSize);
        int targetDepth = depthOf(target);

        // 1. follow the existing tables, refusing any overlap, before changing anything
        long[] entryPas = new long[levels.length];
        long table = root;
        int depth = 0;
        long emptySubtree = 0;
        for (; depth <= targetDepth; depth++) {
            PagingLevel level = levels[depth];
            long entryPa = table + 8L * level.index(va);
            entryPas[depth] = entryPa;
            long e = memory.readLong(entryPa);
            if (!X86PageTableEntry.isMapped(e)) {
                break;
            }
            boolean leaf = X86PageTableEntry.isLeaf(e, level);
            if (depth == targetDepth) {
                if (leaf) {
                    throw alreadyMapped(va, pageSize, level, e);
                }
                long first = firstMapped(e & PFN_MASK, level.next(), va);
                if (first != NOT_MAPPED) {
                    throw new InvalidArgumentException(String.format(
                            "cannot map a %s page at %#x: the range %#x-%#x already holds smaller pages (the first at %#x);"
                                    + " unmap them first", sizeName(pageSize), va, va, va + pageSize - 1, first));
                }
                emptySubtree = e; // an empty table where the huge page goes: freed below
                break;
            }
            if (leaf) {
                throw alreadyMapped(va, pageSize, level, e);
            }
            table = e & PFN_MASK;
        }

        // 2. allocate every missing table first, so that running out changes nothing
        int missing = emptySubtree != 0 ? 0 : targetDepth - depth;
        long[] fresh = newTables(missing);

        // 3. link the new tables, then write the leaf
        boolean user = prot.isUser();
        for (int i = 0; i < missing; i++) {
            int d = depth + i;
            memory.writeLong(entryPas[d], fresh[i] | tableBits(va, user));
            if (log.isDebugEnabled()) {
                log.debug("map {}: new {} table at phys {} linked from {}[{}]", hex(va), levels[d + 1], hex(fresh[i]),
                        levels[d].entryName(), levels[d].index(va));
            }
            entryPas[d + 1] = fresh[i] + 8L * levels[d + 1].index(va);
        }
        long leaf = (pfn << 12) | leafBits(prot, target);
        memory.writeLong(entryPas[targetDepth], leaf);
        if (log.isDebugEnabled()) {
            log.debug("map {} -> pfn {} ({}, {}): {}", hex(va), hex(pfn), sizeName(pageSize), prot,
                    X86PageTableEntry.describe(leaf, target));
        }
        if (user) {
            grantUser(entryPas, depth);
        }
        if (emptySubtree != 0) {
            freeSubtree(emptySubtree & PFN_MASK, target.next());
        }
    }

    /** Rewrites the leaf's rights in place, keeping frame, caching bits, A, D and protection key. */
    @Override
    public void protect(long va, Prot prot) {
        long entryPa = leafToProtect(va, prot);
        PagingLevel level = leafLevel;
        long e = memory.readLong(entryPa);
        long keep = X86PageTableEntry.addressMask(e, level) | KEEP_ON_PROTECT
                | (level == PagingLevel.PT ? PAT : X86PageTableEntry.PAT_LARGE);
        long updated = (e & keep) | leafBits(prot, level);
        memory.writeLong(entryPa, updated);
        if (log.isDebugEnabled()) {
            log.debug("protect {} {}: {} -> {}", hex(va), prot, hex(e), hex(updated));
        }
        if (prot.isUser()) {
            long[] path = pathTo(va, depthOf(level));
            grantUser(path, depthOf(level));
        }
    }

    // ---- x86 specifics ----

    /**
     * Sets the protection key (0..15) of the page containing {@code va}, as pkey_mprotect(2) does
     * through arch_override_mprotect_pkey() and the VM_PKEY_BIT* bits of the VMA.
     */
    public void setProtectionKey(long va, int pkey) {
        InvalidArgumentException.check(pkey >= 0 && pkey <= 15, "protection key %s is out of range: keys are 0..15", pkey);
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            throw new InvalidArgumentException(String.format(
                    "cannot set protection key %d at %#x: no page is mapped there", pkey, va));
        }
        long e = memory.readLong(entryPa);
        memory.writeLong(entryPa, (e & ~PKEY_MASK) | ((long) pkey << PKEY_SHIFT));
    }

    /**
     * Physical address of the entry at {@code level} on the path of {@code va}, or
     * {@link #NOT_MAPPED} when the path stops above that level (no table, or a huge page).
     */
    public long entryAddress(long va, PagingLevel level) {
        if (!mode.isCanonical(va)) {
            return NOT_MAPPED;
        }
        int target = depthOf(level);
        long table = root;
        for (int d = 0; ; d++) {
            long entryPa = table + 8L * levels[d].index(va);
            if (d == target) {
                return entryPa;
            }
            long e = memory.readLong(entryPa);
            if (!X86PageTableEntry.isPresent(e) || X86PageTableEntry.isLeaf(e, levels[d])) {
                return NOT_MAPPED;
            }
            table = e & PFN_MASK;
        }
    }

    /** The raw entry at {@code level} on the path of {@code va}, or 0 when the path stops above it. */
    public long entry(long va, PagingLevel level) {
        long pa = entryAddress(va, level);
        return pa == NOT_MAPPED ? 0 : memory.readLong(pa);
    }

    /** Every mapped page, in address order (user half first, then kernel half). */
    public List<PageMapping> mappings() {
        List<PageMapping> out = new ArrayList<>();
        collect(root, 0, 0, out);
        return out;
    }

    // ---- the x86 entry codec, for AbstractPageTable ----

    @Override
    protected void checkVirtual(long va) {
        if (!mode.isCanonical(va)) {
            throw mode.nonCanonical("virtual address", va);
        }
    }

    @Override
    protected InvalidArgumentException unsupportedPageSize(long pageSize) {
        return new InvalidArgumentException(String.format("page size %#x is not supported by x86-64 paging:"
                + " allowed are 0x1000 (4 KiB), 0x200000 (2 MiB), 0x40000000 (1 GiB)", pageSize));
    }

    @Override
    protected int physicalAddressBits() {
        return maxPhyAddr;
    }

    @Override
    protected BadAddressException frameOutOfRange(long pfn, long pageSize, long limitPfn) {
        return new BadAddressException(pfn << 12, String.format(
                "pfn %#x is above MAXPHYADDR: this CPU implements %d physical-address bits, so a %s page must end"
                        + " at or below physical address %#x (pfn below %#x)",
                pfn, maxPhyAddr, sizeName(pageSize), 1L << maxPhyAddr, limitPfn));
    }

    @Override
    protected long leafSpan() {
        return leafLevel.entrySpan();
    }

    @Override
    protected long leafPfn(long e) {
        return X86PageTableEntry.pfn(e, leafLevel);
    }

    @Override
    protected Prot leafProt(long e) {
        return protOf(e);
    }

    @Override
    protected void unmapped(long va, long e, long pfn) {
        if (log.isDebugEnabled()) {
            log.debug("unmap {}: cleared {} {} (pfn {})", hex(va), leafLevel.entryName(), hex(e), hex(pfn));
        }
    }

    // ---- internals ----

    private void collect(long table, int depth, long vaBase, List<PageMapping> out) {
        PagingLevel level = levels[depth];
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            long e = memory.readLong(table + 8L * i);
            if (!X86PageTableEntry.isMapped(e)) {
                continue;
            }
            long va = signExtend(vaBase | ((long) i << level.shift()));
            if (X86PageTableEntry.isLeaf(e, level)) {
                out.add(new PageMapping(va, X86PageTableEntry.pfn(e, level), level.entrySpan(), protOf(e)));
            } else {
                collect(e & PFN_MASK, depth + 1, va, out);
            }
        }
    }

    private long signExtend(long va) {
        int unused = 64 - mode.virtualAddressBits();
        return (va << unused) >> unused;
    }

    /** Entry address of the leaf mapping {@code va} (sets {@link #leafLevel}), or NOT_MAPPED. */
    @Override
    protected long findLeaf(long va) {
        if (!mode.isCanonical(va)) {
            return NOT_MAPPED;
        }
        long table = root;
        for (PagingLevel level : levels) {
            long entryPa = table + 8L * level.index(va);
            long e = memory.readLong(entryPa);
            if (!X86PageTableEntry.isMapped(e)) {
                return NOT_MAPPED;
            }
            if (X86PageTableEntry.isLeaf(e, level)) {
                leafLevel = level;
                return entryPa;
            }
            table = e & PFN_MASK;
        }
        throw new AssertionError("a PT entry is always a leaf");
    }

    /** Entry addresses from the top down to depth {@code last}; the path must exist. */
    private long[] pathTo(long va, int last) {
        long[] path = new long[levels.length];
        long table = root;
        for (int d = 0; d <= last; d++) {
            path[d] = table + 8L * levels[d].index(va);
            table = memory.readLong(path[d]) & PFN_MASK;
        }
        return path;
    }

    /** Sets U/S on the non-leaf entries path[0..upTo) so that a user leaf below is reachable from user mode. */
    private void grantUser(long[] path, int upTo) {
        for (int d = 0; d < upTo; d++) {
            long e = memory.readLong(path[d]);
            if ((e & USER) == 0) {
                memory.writeLong(path[d], e | USER);
            }
        }
    }

    /** The first mapped page base in the table at {@code table} of {@code level} covering {@code vaBase}. */
    private long firstMapped(long table, PagingLevel level, long vaBase) {
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            long e = memory.readLong(table + 8L * i);
            if (!X86PageTableEntry.isMapped(e)) {
                continue;
            }
            long va = vaBase + ((long) i << level.shift());
            if (X86PageTableEntry.isLeaf(e, level)) {
                return va;
            }
            long below = firstMapped(e & PFN_MASK, level.next(), va);
            if (below != NOT_MAPPED) {
                return below;
            }
        }
        return NOT_MAPPED;
    }

    /**
     * free_pgd_range() (mm/memory.c): frees every page-table page whose whole span lies in
     * {@code [start, end)} and that maps nothing (all 512 entries zero), lowest level first, and
     * clears the entry that pointed to it. The root is never freed. Callers pass the gap munmap
     * left between two VMAs, as free_pgtables() does with its floor and ceiling.
     *
     * @return how many tables were freed
     */
    public int freeEmptyTables(long start, long end) {
        return freeEmptyIn(root, 0, 0, start, end);
    }

    private int freeEmptyIn(long table, int depth, long base, long start, long end) {
        PagingLevel level = levels[depth];
        if (level == PagingLevel.PT) {
            return 0;
        }
        long span = level.entrySpan();
        int freed = 0;
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            long lo = base + i * span;
            long hi = lo + span;
            if (lo < 0 || Long.compareUnsigned(hi, start) <= 0 || Long.compareUnsigned(lo, end) >= 0) {
                continue; // outside the range, or the kernel half
            }
            long entryPa = table + 8L * i;
            long e = memory.readLong(entryPa);
            if (!X86PageTableEntry.isPresent(e) || X86PageTableEntry.isLeaf(e, level)) {
                continue;
            }
            long child = e & PFN_MASK;
            freed += freeEmptyIn(child, depth + 1, lo, start, end);
            if (Long.compareUnsigned(lo, start) >= 0 && Long.compareUnsigned(hi, end) <= 0 && allZero(child)) {
                memory.writeLong(entryPa, 0);
                freeTable(child);
                freed++;
                if (log.isDebugEnabled()) {
                    log.debug("free_pgd_range: freed the {} table at phys {} for {}-{}", level.next(), hex(child),
                            hex(lo), hex(hi));
                }
            }
        }
        return freed;
    }

    private boolean allZero(long table) {
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            if (memory.readLong(table + 8L * i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void freeSubtree(long table, PagingLevel level) {
        if (level != PagingLevel.PT) {
            for (int i = 0; i < PagingLevel.ENTRIES; i++) {
                long e = memory.readLong(table + 8L * i);
                if (X86PageTableEntry.isPresent(e)) {
                    freeSubtree(e & PFN_MASK, level.next());
                }
            }
        }
        freeTable(table);
        if (log.isDebugEnabled()) {
            log.debug("freed empty {} table at phys {}", level, hex(table));
        }
    }

    private long tableBits(long va, boolean userLeaf) {
        return PRESENT | RW | (va >= 0 || userLeaf ? USER : 0);
    }

    private long leafBits(Prot prot, PagingLevel level) {
        return X86PageTableEntry.leafFlags(prot, level != PagingLevel.PT, noExecute, globalKernelPages);
    }

    private static Prot protOf(long e) {
        return X86PageTableEntry.prot(e);
    }

    private InvalidArgumentException alreadyMapped(long va, long pageSize, PagingLevel level, long e) {
        long span = level.entrySpan();
        long base = va & -span;
        if (span > pageSize) {
            return new InvalidArgumentException(String.format(
                    "cannot map a %s page at %#x: it lies inside the %s page %#x-%#x (pfn %#x) mapped by a %s;"
                            + " unmap that page first", sizeName(pageSize), va, sizeName(span), base, base + span - 1,
                    X86PageTableEntry.pfn(e, level), level.entryName()));
        }
        return new InvalidArgumentException(String.format(
                "cannot map a %s page at %#x: it is already mapped (to pfn %#x); unmap it first",
                sizeName(pageSize), va, X86PageTableEntry.pfn(e, level)));
    }

    private int depthOf(PagingLevel level) {
        return level.ordinal() - levels[0].ordinal();
    }

    private static String sizeName(long size) {
        return size == 4096 ? "4 KiB" : size == 1L << 21 ? "2 MiB" : size == 1L << 30 ? "1 GiB" : hex(size) + "-byte";
    }

    @Override
    public String toString() {
        return String.format("X86PageTable[%s, root %#x, %d tables, MAXPHYADDR %d]", mode, root, tableCount(),
                maxPhyAddr);
    }
}
