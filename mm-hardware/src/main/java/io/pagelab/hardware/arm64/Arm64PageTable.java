package io.pagelab.hardware.arm64;

import static io.pagelab.hardware.arm64.Arm64Descriptor.ADDRESS_MASK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.AF;
import static io.pagelab.hardware.arm64.Arm64Descriptor.ATTRINDX_MASK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.CONT;
import static io.pagelab.hardware.arm64.Arm64Descriptor.NG;
import static io.pagelab.hardware.arm64.Arm64Descriptor.PRESENT_INVALID;
import static io.pagelab.hardware.arm64.Arm64Descriptor.PXN;
import static io.pagelab.hardware.arm64.Arm64Descriptor.PXN_TABLE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.RDONLY;
import static io.pagelab.hardware.arm64.Arm64Descriptor.SH_INNER;
import static io.pagelab.hardware.arm64.Arm64Descriptor.SH_MASK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.SOFTWARE_MASK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.SW_DIRTY;
import static io.pagelab.hardware.arm64.Arm64Descriptor.TYPE_BLOCK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.TYPE_PAGE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.TYPE_TABLE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.USER;
import static io.pagelab.hardware.arm64.Arm64Descriptor.UXN;
import static io.pagelab.hardware.arm64.Arm64Descriptor.UXN_TABLE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.VALID;
import static io.pagelab.hardware.arm64.Arm64Descriptor.WRITE;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.mmu.AbstractPageTable;
import io.pagelab.hardware.mmu.PageTableAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An arm64 address space: two translation-table trees in physical memory, stored as real 8-byte
 * descriptors (4 KiB granule, 4 levels, 48-bit VAs), one for each half of the address space.
 * Bit 55 of an address picks the tree, as the CPU does: TTBR0_EL1 holds the user half (Linux:
 * {@code mm->pgd}), TTBR1_EL1 the kernel half ({@code swapper_pg_dir}). It is what Linux 6.x
 * maintains through arch/arm64/include/asm/pgalloc.h (pud/pmd_populate with PUD_TABLE_PXN for
 * user tables, PUD_TABLE_UXN for kernel ones) and set_pte()/set_pmd()/set_pud() for leaves.
 *
 * <pre>
 *  bit 55 = 0: TTBR0 -&gt; L0 -&gt; L1 --block--&gt; 1 GiB          bit 55 = 1: TTBR1 -&gt; L0 -&gt; ...
 *                            |
 *                            +-&gt; L2 --block--&gt; 2 MiB
 *                                 |
 *                                 +-&gt; L3 --page--&gt; 4 KiB
 *  Prot -&gt; leaf (arch/arm64/mm/mmap.c: protection_map[], pgtable-prot.h):
 *    user:   AP[1] | nG | PXN | AP[2] (read-only or clean) | DBM=PTE_WRITE if WRITE | UXN unless EXEC
 *            r-- PAGE_READONLY, rw- PAGE_SHARED, r-x PAGE_READONLY_EXEC, rwx PAGE_SHARED_EXEC
 *    kernel: UXN | PXN unless EXEC | PTE_WRITE if WRITE, else AP[2]
 *            r-- PAGE_KERNEL_RO, rw- PAGE_KERNEL, r-x PAGE_KERNEL_ROX, rwx PAGE_KERNEL_EXEC
 *    none:   PAGE_NONE (valid clear, PTE_PRESENT_INVALID = nG set)
 *    every valid leaf: AF set (as _PAGE_DEFAULT), SH inner shareable, AttrIndx 0 (MT_NORMAL)
 *  table: next table | 0b11 | PXNTable in the TTBR0 half, UXNTable in the TTBR1 half
 * </pre>
 *
 * <p>Like Linux, every mapping readable by anyone is readable: arm64 cannot make a page writable
 * but unreadable, and without Enhanced PAN Linux maps PROT_EXEC as PAGE_READONLY_EXEC. A learner
 * sees raw descriptors with {@link #entry(long, Arm64Level)} and
 * {@link Arm64Descriptor#dumpTable}, or walks with {@link Arm64PageWalker#trace}. The arm64 walk
 * and descriptor codec live here; unmap, translate, lookup, map()'s argument checks and the table
 * frames are {@link AbstractPageTable}'s.
 *
 * <p>Differs from Linux on purpose: a user PROT_NONE page keeps AP[1] so that its owner reads back
 * (Linux's PAGE_NONE has it clear; the descriptor is invalid either way); when a page needs
 * execute rights that its tables' PXNTable/UXNTable forbid (a kernel-executable page in the user
 * half, a user-executable page in the kernel half), those table bits are cleared on its path;
 * kernel pages are global (nG clear, no KPTI) unless the builder says otherwise; empty tables
 * under a new block are freed at once. No locking, no TLB maintenance: the caller flushes TLBs.
 */
public final class Arm64PageTable extends AbstractPageTable {
    private static final Logger log = LoggerFactory.getLogger(Arm64PageTable.class);
    private static final Arm64Level[] LEVELS = Arm64Level.values();
    /** Bits a protection change keeps, as pte_modify() keeps those outside its mask: AF, SH, AttrIndx, Cont, software. */
    private static final long KEEP_ON_PROTECT = AF | SH_MASK | ATTRINDX_MASK | CONT | SOFTWARE_MASK;

    private final int physicalAddressBits;
    private final boolean globalKernelPages;
    private final boolean tableExecuteNever;
    private final long root0;
    private final long root1;
    /** Level of the leaf {@link #findLeaf} found last. */
    private Arm64Level leafLevel;

    private Arm64PageTable(Builder b) {
        super(b.memory, b.allocator);
        this.physicalAddressBits = b.physicalAddressBits;
        this.globalKernelPages = b.globalKernelPages;
        this.tableExecuteNever = b.tableExecuteNever;
        this.root0 = newTable();
        long r1;
        try {
            r1 = newTable();
        } catch (OutOfMemoryException oom) {
            freeTable(root0);
            throw oom;
        }
        this.root1 = r1;
        log.debug("arm64 translation tables created: TTBR0 root at phys {}, TTBR1 root at phys {}",
                hex(root0), hex(root1));
    }

    /** A builder for tables in {@code memory} whose frames come from {@code allocator}. */
    public static Builder builder(PhysicalMemory memory, PageTableAllocator allocator) {
        return new Builder(memory, allocator);
    }

    /** Tables with the defaults of {@link Builder}. */
    public static Arm64PageTable create(PhysicalMemory memory, PageTableAllocator allocator) {
        return builder(memory, allocator).build();
    }

    /** Options; defaults: 48-bit physical addresses, global kernel pages, XN table attributes as Linux 5.13+. */
    public static final class Builder {
        private final PhysicalMemory memory;
        private final PageTableAllocator allocator;
        private int physicalAddressBits = Arm64Descriptor.OUTPUT_ADDRESS_BITS;
        private boolean globalKernelPages = true;
        private boolean tableExecuteNever = true;

        private Builder(PhysicalMemory memory, PageTableAllocator allocator) {
            this.memory = Objects.requireNonNull(memory, "memory");
            this.allocator = Objects.requireNonNull(allocator, "allocator");
        }

        /**
         * The physical-address size (TCR_EL1.IPS): 32, 36, 40, 42, 44 or 48 bits; frames at or
         * above 2^bits are refused. 52 needs FEAT_LPA2's other descriptor layout, not modelled.
         */
        public Builder physicalAddressBits(int bits) {
            if (bits != 32 && bits != 36 && bits != 40 && bits != 42 && bits != 44 && bits != 48) {
                throw new InvalidArgumentException(String.format("physical-address size %d bits is not allowed:"
                        + " TCR_EL1.IPS encodes 32, 36, 40, 42, 44 or 48 (52 needs FEAT_LPA2, not modelled)", bits));
            }
            this.physicalAddressBits = bits;
            return this;
        }

        /** Whether kernel pages are global (nG clear); false is Linux with KPTI (arm64_use_ng_mappings). */
        public Builder globalKernelPages(boolean on) {
            this.globalKernelPages = on;
            return this;
        }

        /** Whether table descriptors carry PXNTable (user half) and UXNTable (kernel half), as Linux 5.13+. */
        public Builder tableExecuteNever(boolean on) {
            this.tableExecuteNever = on;
            return this;
        }

        public Arm64PageTable build() {
            return new Arm64PageTable(this);
        }
    }

    // ---- what the CPU needs ----

    /** Physical address of the level 0 table of the user half. */
    public long ttbr0Root() {
        return root0;
    }

    /** Physical address of the level 0 table of the kernel half. */
    public long ttbr1Root() {
        return root1;
    }

    /** A TTBR0_EL1 value: the root in BADDR (bits 47:1) and the ASID in bits 63:48 (TCR_EL1.A1 = 0, 16-bit ASIDs). */
    public long ttbr0(int asid) {
        InvalidArgumentException.check(asid >= 0 && asid <= 0xffff, "ASID %s is out of range: 16-bit ASIDs are 0..65535", asid);
        return root0 | ((long) asid << 48);
    }

    /** A TTBR1_EL1 value: the kernel root (its ASID field is unused while TCR_EL1.A1 = 0). */
    public long ttbr1() {
        return root1;
    }

    /** The physical-address size in bits (TCR_EL1.IPS). */
    @Override
    public int physicalAddressBits() {
        return physicalAddressBits;
    }

    // ---- PageTable ----

    @Override
    public void map(long va, long pfn, long pageSize, Prot prot) {
        checkMapArguments(va, pfn, pageSize, prot);
        Arm64Level target = Arm64Level.forPageSize(pageSize);
        int targetDepth = target.number();

        // 1. follow the existing tables, refusing any overlap, before changing anything
        long[] entryPas = new long[LEVELS.length];
        long table = rootFor(va);
        int depth = 0;
        long emptySubtree = 0;
        for (; depth <= targetDepth; depth++) {
            Arm64Level level = LEVELS[depth];
            long entryPa = table + 8L * level.index(va);
            entryPas[depth] = entryPa;
            long d = memory.readLong(entryPa);
            if (!present(d, level)) {
                break;
            }
            boolean leaf = Arm64Descriptor.isLeaf(d, level);
            if (leaf) {
                throw alreadyMapped(va, pageSize, level, d);
            }
            if (depth == targetDepth) {
                long first = firstMapped(d & ADDRESS_MASK, level.next(), va);
                if (first != NOT_MAPPED) {
                    throw new InvalidArgumentException(String.format(
                            "cannot map a %s at %#x: the range %#x-%#x already holds smaller pages (the first at %#x);"
                                    + " unmap them first", sizeName(pageSize), va, va, va + pageSize - 1, first));
                }
                emptySubtree = d; // an empty table where the block goes: freed below
                break;
            }
            table = d & ADDRESS_MASK;
        }

        // 2. allocate every missing table first, so that running out changes nothing
        int missing = emptySubtree != 0 ? 0 : targetDepth - depth;
        long[] fresh = newTables(missing);

        // 3. link the new tables, then write the leaf
        for (int i = 0; i < missing; i++) {
            int dpt = depth + i;
            memory.writeLong(entryPas[dpt], fresh[i] | tableBits(va));
            if (log.isDebugEnabled()) {
                log.debug("map {}: new level {} table at phys {} linked from {}[{}]", hex(va), dpt + 1, hex(fresh[i]),
                        LEVELS[dpt].linuxName(), LEVELS[dpt].index(va));
            }
            entryPas[dpt + 1] = fresh[i] + 8L * LEVELS[dpt + 1].index(va);
        }
        long leaf = (pfn << 12) | leafBits(prot, target);
        memory.writeLong(entryPas[targetDepth], leaf);
        if (log.isDebugEnabled()) {
            log.debug("map {} -> pfn {} ({}, {}): {}", hex(va), hex(pfn), sizeName(pageSize), prot,
                    Arm64Descriptor.describe(leaf, target));
        }
        openExecutePath(entryPas, targetDepth, va, prot);
        if (emptySubtree != 0) {
            freeSubtree(emptySubtree & ADDRESS_MASK, target.next());
        }
    }

    /**
     * Rewrites the leaf's rights in place as pte_modify() does: keeps the frame, AF, shareability,
     * memory type and software bits, and the dirty state (a hardware-dirty page gets the software
     * PTE_DIRTY bit, and stays writable-dirty if the new rights allow writing).
     */
    @Override
    public void protect(long va, Prot prot) {
        long entryPa = leafToProtect(va, prot);
        Arm64Level level = leafLevel;
        long d = memory.readLong(entryPa);
        if (Arm64Descriptor.isDirty(d)) {
            d |= SW_DIRTY;
        }
        long updated = (d & (Arm64Descriptor.addressMask(level) | KEEP_ON_PROTECT)) | leafBits(prot, level);
        if ((updated & SW_DIRTY) != 0 && (updated & WRITE) != 0) {
            updated &= ~RDONLY; // pte_mkdirty()
        }
        memory.writeLong(entryPa, updated);
        if (log.isDebugEnabled()) {
            log.debug("protect {} {}: {} -> {}", hex(va), prot, hex(d), hex(updated));
        }
        openExecutePath(pathTo(va, level.number()), level.number(), va, prot);
    }

    // ---- arm64 specifics ----

    /**
     * Clears the access flag of the page containing {@code va} and says whether it was set, as
     * ptep_test_and_clear_young() does for page aging (mm/vmscan.c). The next access sets it again
     * (TCR_EL1.HA) or takes an access flag fault.
     */
    public boolean testAndClearYoung(long va) {
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            throw new InvalidArgumentException(String.format(
                    "cannot clear the access flag at %#x: no page is mapped there", va));
        }
        long d = memory.readLong(entryPa);
        memory.writeLong(entryPa, d & ~AF);
        return (d & AF) != 0;
    }

    /** Linux's pte_dirty() for the page containing {@code va}: false when nothing is mapped. */
    public boolean isDirty(long va) {
        long entryPa = findLeaf(va);
        return entryPa != NOT_MAPPED && Arm64Descriptor.isDirty(memory.readLong(entryPa));
    }

    /**
     * Physical address of the descriptor at {@code level} on the path of {@code va}, or
     * {@link #NOT_MAPPED} when the path stops above that level (no table, or a block).
     */
    public long entryAddress(long va, Arm64Level level) {
        if (!Arm64VirtualAddress.isInRange(va)) {
            return NOT_MAPPED;
        }
        long table = rootFor(va);
        for (int dpt = 0; ; dpt++) {
            long entryPa = table + 8L * LEVELS[dpt].index(va);
            if (dpt == level.number()) {
                return entryPa;
            }
            long d = memory.readLong(entryPa);
            if (!Arm64Descriptor.isValid(d) || !Arm64Descriptor.isTable(d, LEVELS[dpt])) {
                return NOT_MAPPED;
            }
            table = d & ADDRESS_MASK;
        }
    }

    /** The raw descriptor at {@code level} on the path of {@code va}, or 0 when the path stops above it. */
    public long entry(long va, Arm64Level level) {
        long pa = entryAddress(va, level);
        return pa == NOT_MAPPED ? 0 : memory.readLong(pa);
    }

    /** Every mapped page and block, in address order (TTBR0 half first). */
    public List<PageMapping> mappings() {
        List<PageMapping> out = new ArrayList<>();
        collect(root0, 0, 0, out);
        collect(root1, 0, Arm64VirtualAddress.TTBR1_START, out);
        return out;
    }

    // ---- the arm64 descriptor codec, for AbstractPageTable ----

    @Override
    protected InvalidArgumentException unsupportedPageSize(long pageSize) {
        return new InvalidArgumentException(String.format("page size %#x is not supported by arm64 with the 4 KiB"
                + " granule: allowed are 0x1000 (4 KiB page), 0x200000 (2 MiB block), 0x40000000 (1 GiB block)",
                pageSize));
    }

    @Override
    protected BadAddressException frameOutOfRange(long pfn, long pageSize, long limitPfn) {
        return new BadAddressException(pfn << 12, String.format(
                "pfn %#x is beyond the physical-address size: TCR_EL1.IPS gives %d bits, so a %s must end at or"
                        + " below physical address %#x (pfn below %#x)",
                pfn, physicalAddressBits, sizeName(pageSize), 1L << physicalAddressBits, limitPfn));
    }

    @Override
    protected long leafSpan() {
        return leafLevel.entrySpan();
    }

    @Override
    protected long leafPfn(long d) {
        return Arm64Descriptor.pfn(d, leafLevel);
    }

    @Override
    protected Prot leafProt(long d) {
        return protOf(d);
    }

    @Override
    protected void unmapped(long va, long d, long pfn) {
        if (log.isDebugEnabled()) {
            log.debug("unmap {}: cleared {} {} (pfn {})", hex(va), leafLevel.linuxName(), hex(d), hex(pfn));
        }
    }

    // ---- internals ----

    private long rootFor(long va) {
        return Arm64VirtualAddress.selectsTtbr1(va) ? root1 : root0;
    }

    private void collect(long table, int depth, long vaBase, List<PageMapping> out) {
        Arm64Level level = LEVELS[depth];
        for (int i = 0; i < Arm64Level.ENTRIES; i++) {
            long d = memory.readLong(table + 8L * i);
            if (!present(d, level)) {
                continue;
            }
            long va = vaBase | ((long) i << level.shift());
            if (Arm64Descriptor.isLeaf(d, level)) {
                out.add(new PageMapping(va, Arm64Descriptor.pfn(d, level), level.entrySpan(), protOf(d)));
            } else {
                collect(d & ADDRESS_MASK, depth + 1, va, out);
            }
        }
    }

    /** Present and usable at this level: level 0 holds only valid tables. */
    private static boolean present(long d, Arm64Level level) {
        return level == Arm64Level.LEVEL0 ? Arm64Descriptor.isValid(d) && Arm64Descriptor.isTable(d, level)
                : Arm64Descriptor.isPresent(d);
    }

    /** Descriptor address of the leaf mapping {@code va} (sets {@link #leafLevel}), or NOT_MAPPED. */
    @Override
    protected long findLeaf(long va) {
        if (!Arm64VirtualAddress.isInRange(va)) {
            return NOT_MAPPED;
        }
        long table = rootFor(va);
        for (Arm64Level level : LEVELS) {
            long entryPa = table + 8L * level.index(va);
            long d = memory.readLong(entryPa);
            if (!present(d, level)) {
                return NOT_MAPPED;
            }
            if (Arm64Descriptor.isLeaf(d, level)) {
                leafLevel = level;
                return entryPa;
            }
            table = d & ADDRESS_MASK;
        }
        throw new AssertionError("a level 3 descriptor is always a leaf");
    }

    /** Descriptor addresses from level 0 down to {@code last}; the path must exist. */
    private long[] pathTo(long va, int last) {
        long[] path = new long[LEVELS.length];
        long table = rootFor(va);
        for (int dpt = 0; dpt <= last; dpt++) {
            path[dpt] = table + 8L * LEVELS[dpt].index(va);
            table = memory.readLong(path[dpt]) & ADDRESS_MASK;
        }
        return path;
    }

    /**
     * Clears PXNTable (user half) or UXNTable (kernel half) on the tables above a leaf that must be
     * executable where Linux's table attributes would forbid it.
     */
    private void openExecutePath(long[] path, int upTo, long va, Prot prot) {
        if (!tableExecuteNever || !prot.canExec()) {
            return;
        }
        boolean kernelHalf = Arm64VirtualAddress.selectsTtbr1(va);
        long clear = kernelHalf && prot.isUser() ? UXN_TABLE : !kernelHalf && !prot.isUser() ? PXN_TABLE : 0;
        if (clear == 0) {
            return;
        }
        for (int dpt = 0; dpt < upTo; dpt++) {
            long d = memory.readLong(path[dpt]);
            if ((d & clear) != 0) {
                memory.writeLong(path[dpt], d & ~clear);
            }
        }
    }

    /** The first mapped page base in the table at {@code table} of {@code level} covering {@code vaBase}. */
    private long firstMapped(long table, Arm64Level level, long vaBase) {
        for (int i = 0; i < Arm64Level.ENTRIES; i++) {
            long d = memory.readLong(table + 8L * i);
            if (!present(d, level)) {
                continue;
            }
            long va = vaBase + ((long) i << level.shift());
            if (Arm64Descriptor.isLeaf(d, level)) {
                return va;
            }
            long below = firstMapped(d & ADDRESS_MASK, level.next(), va);
            if (below != NOT_MAPPED) {
                return below;
            }
        }
        return NOT_MAPPED;
    }

    private void freeSubtree(long table, Arm64Level level) {
        if (!level.isLast()) {
            for (int i = 0; i < Arm64Level.ENTRIES; i++) {
                long d = memory.readLong(table + 8L * i);
                if (Arm64Descriptor.isValid(d) && Arm64Descriptor.isTable(d, level)) {
                    freeSubtree(d & ADDRESS_MASK, level.next());
                }
            }
        }
        freeTable(table);
        if (log.isDebugEnabled()) {
            log.debug("freed empty level {} table at phys {}", level.number(), hex(table));
        }
    }

    private long tableBits(long va) {
        if (!tableExecuteNever) {
            return TYPE_TABLE;
        }
        return TYPE_TABLE | (Arm64VirtualAddress.selectsTtbr1(va) ? UXN_TABLE : PXN_TABLE);
    }

    /** The leaf for these rights at this level, as protection_map[] and the PAGE_KERNEL* values build it. */
    private long leafBits(Prot prot, Arm64Level level) {
        long type = level.isLast() ? TYPE_PAGE : TYPE_BLOCK;
        boolean access = (prot.bits() & (Prot.READ | Prot.WRITE | Prot.EXEC)) != 0;
        if (!access) {
            // PAGE_NONE: (_PAGE_DEFAULT & ~PTE_VALID) | PTE_PRESENT_INVALID | PTE_RDONLY | PTE_NG | PTE_PXN | PTE_UXN
            long none = (type & ~VALID) | AF | SH_INNER | PRESENT_INVALID | RDONLY | NG | PXN | UXN;
            return prot.isUser() ? none | USER : none;
        }
        long bits = type | AF | SH_INNER;
        if (prot.isUser()) {
            // PAGE_READONLY / PAGE_SHARED / PAGE_READONLY_EXEC / PAGE_SHARED_EXEC: writable pages start clean
            bits |= USER | RDONLY | NG | PXN;
            if (prot.canWrite()) {
                bits |= WRITE;
            }
            if (!prot.canExec()) {
                bits |= UXN;
            }
        } else {
            // PAGE_KERNEL / PAGE_KERNEL_RO / PAGE_KERNEL_ROX / PAGE_KERNEL_EXEC
            bits |= UXN | (prot.canWrite() ? WRITE : RDONLY);
            if (!prot.canExec()) {
                bits |= PXN;
            }
            if (!globalKernelPages) {
                bits |= NG;
            }
        }
        return bits;
    }

    /** The rights a leaf grants: every valid page is readable at EL1 (and at EL0 with AP[1]). */
    static Prot protOf(long d) {
        boolean user = (d & USER) != 0;
        if (!Arm64Descriptor.isValid(d)) {
            return user ? Prot.of(Prot.USER) : Prot.NONE;
        }
        int bits = Prot.READ;
        if ((d & WRITE) != 0 || (d & RDONLY) == 0) {
            bits |= Prot.WRITE;
        }
        if (user) {
            bits |= Prot.USER;
        }
        if ((d & (user ? UXN : PXN)) == 0) {
            bits |= Prot.EXEC;
        }
        return Prot.of(bits);
    }

    @Override
    protected void checkVirtual(long va) {
        if (!Arm64VirtualAddress.isInRange(va)) {
            throw new BadAddressException(va, String.format("virtual address %#x is outside both translation ranges:"
                    + " with 48-bit VAs (T0SZ = T1SZ = 16) bits 63..48 must all equal bit 55; TTBR0 (user) covers"
                    + " %#018x-%#018x, TTBR1 (kernel) %#018x-%#018x", va, 0L, Arm64VirtualAddress.TTBR0_END,
                    Arm64VirtualAddress.TTBR1_START, -1L));
        }
    }

    private InvalidArgumentException alreadyMapped(long va, long pageSize, Arm64Level level, long d) {
        long span = level.entrySpan();
        long base = va & -span;
        if (span > pageSize) {
            return new InvalidArgumentException(String.format(
                    "cannot map a %s at %#x: it lies inside the %s %#x-%#x (pfn %#x) mapped by a level %d descriptor;"
                            + " unmap that block first", sizeName(pageSize), va, sizeName(span), base, base + span - 1,
                    Arm64Descriptor.pfn(d, level), level.number()));
        }
        return new InvalidArgumentException(String.format(
                "cannot map a %s at %#x: it is already mapped (to pfn %#x); unmap it first",
                sizeName(pageSize), va, Arm64Descriptor.pfn(d, level)));
    }

    private static String sizeName(long size) {
        return size == 4096 ? "4 KiB page" : size == 1L << 21 ? "2 MiB block" : size == 1L << 30 ? "1 GiB block"
                : hex(size) + "-byte page";
    }

    @Override
    public String toString() {
        return String.format("Arm64PageTable[TTBR0 root %#x, TTBR1 root %#x, %d tables, %d-bit PA]",
                root0, root1, tableCount(), physicalAddressBits);
    }
}
