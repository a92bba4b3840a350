package io.pagelab.hardware.riscv;

import static io.pagelab.hardware.riscv.RiscvPte.ACCESSED;
import static io.pagelab.hardware.riscv.RiscvPte.DIRTY;
import static io.pagelab.hardware.riscv.RiscvPte.EXEC;
import static io.pagelab.hardware.riscv.RiscvPte.GLOBAL;
import static io.pagelab.hardware.riscv.RiscvPte.READ;
import static io.pagelab.hardware.riscv.RiscvPte.SOFTWARE_MASK;
import static io.pagelab.hardware.riscv.RiscvPte.USER;
import static io.pagelab.hardware.riscv.RiscvPte.VALID;
import static io.pagelab.hardware.riscv.RiscvPte.WRITE;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.mmu.AbstractPageTable;
import io.pagelab.hardware.mmu.PageTableAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RISC-V Sv39 or Sv48 page-table tree in physical memory, stored as real 8-byte PTEs: one root
 * (what satp points at) for both halves, 4 KiB pages, 2 MiB megapages and 1 GiB gigapages. It is
 * what Linux 6.x keeps through arch/riscv/include/asm/pgalloc.h (pmd_populate() writes
 * {@code _PAGE_TABLE}, just V) and set_pte(); xv6's kernel/vm.c (walk(), mappages()) builds the
 * same Sv39 tree. The Sv39/Sv48 walk and PTE codec live here; unmap, translate, lookup, map()'s
 * argument checks and the table frames are {@link AbstractPageTable}'s.
 *
 * <pre>
 *  satp -&gt; [L3 (Sv48)] -&gt; L2 --leaf--&gt; 1 GiB
 *                          |
 *                          +-&gt; L1 --leaf--&gt; 2 MiB
 *                               |
 *                               +-&gt; L0 -&gt; 4 KiB
 *  Prot -&gt; leaf (arch/riscv/mm/init.c: protection_map[], pgtable.h):
 *    user:   V | A | U | R W X as asked, W implies R:  r-- PAGE_READ, rw- PAGE_SHARED (PAGE_WRITE),
 *            --x PAGE_EXEC (execute-only), r-x PAGE_READ_EXEC, rwx PAGE_SHARED_EXEC; D clear until written
 *    kernel: V | A | D | G | R W X as asked, W implies R: PAGE_KERNEL, PAGE_KERNEL_READ,
 *            PAGE_KERNEL_READ_EXEC, PAGE_KERNEL_EXEC
 *    none:   PAGE_NONE: V clear, _PAGE_PROT_NONE (G) | R
 *  pointer: pfn &lt;&lt; 10 | V
 * </pre>
 *
 * <p>Differs from Linux on purpose: writable user pages are mapped with the shared protections
 * (Linux maps a private writable mapping read-only until the copy-on-write fault); a user PROT_NONE
 * page keeps U so its owner reads back; a kernel execute-only page is allowed (Linux has no such
 * PAGE_KERNEL_*); empty tables under a new superpage are freed at once. Not thread-safe; the
 * caller runs sfence.vma.
 */
public final class RiscvPageTable extends AbstractPageTable {
    private static final Logger log = LoggerFactory.getLogger(RiscvPageTable.class);
    /** 56-bit physical addresses: PPN has 44 bits. */
    public static final int PHYSICAL_ADDRESS_BITS = 56;

    private final SvMode mode;
    private final long root;
    private int leafLevel;

    private RiscvPageTable(PhysicalMemory memory, PageTableAllocator allocator, SvMode mode) {
        super(memory, allocator);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.root = newTable();
        log.debug("{} page table created: root at phys {}", mode, hex(root));
    }

    /** An empty Sv39 or Sv48 table whose table frames come from {@code allocator}. */
    public static RiscvPageTable create(PhysicalMemory memory, PageTableAllocator allocator, SvMode mode) {
        return new RiscvPageTable(memory, allocator, mode);
    }

    public SvMode mode() {
        return mode;
    }

    /** Physical address of the root table. */
    public long root() {
        return root;
    }

    /** A satp value: MODE (bits 63:60), ASID (59:44), root PPN (43:0). */
    public long satp(int asid) {
        InvalidArgumentException.check(asid >= 0 && asid <= 0xffff, "ASID %s is out of range: satp holds 0..65535", asid);
        return ((long) mode.satpMode() << 60) | ((long) asid << 44) | (root >>> 12);
    }

    @Override
    public void map(long va, long pfn, long pageSize, Prot prot) {
        checkMapArguments(va, pfn, pageSize, prot);
        int target = SvMode.levelForPageSize(pageSize);
        int top = mode.topLevel();

        // 1. follow the existing tables, refusing any overlap, before changing anything
        long[] entryPas = new long[mode.levels()];
        long table = root;
        int level = top;
        long emptySubtree = 0;
        for (; level >= target; level--) {
            long entryPa = table + 8L * SvMode.index(va, level);
            entryPas[level] = entryPa;
            long pte = memory.readLong(entryPa);
            if (!RiscvPte.isPresent(pte)) {
                break;
            }
            if (RiscvPte.isLeaf(pte)) {
                throw alreadyMapped(va, pageSize, level, pte);
            }
            if (level == target) {
                long first = firstMapped(RiscvPte.pfn(pte) << 12, level - 1, va);
                if (first != NOT_MAPPED) {
                    throw new InvalidArgumentException(String.format(
                            "cannot map a %s at %#x: the range %#x-%#x already holds smaller pages (the first at %#x);"
                                    + " unmap them first", sizeName(pageSize), va, va, va + pageSize - 1, first));
                }
                emptySubtree = pte;
                break;
            }
            table = RiscvPte.pfn(pte) << 12;
        }

        // 2. allocate every missing table first, so that running out changes nothing
        int missing = emptySubtree != 0 ? 0 : level - target;
        long[] fresh = newTables(missing);

        // 3. link the new tables, then write the leaf
        for (int i = 0; i < fresh.length; i++) {
            int l = level - i;
            memory.writeLong(entryPas[l], RiscvPte.make(fresh[i] >>> 12, RiscvPte.PAGE_TABLE));
            entryPas[l - 1] = fresh[i] + 8L * SvMode.index(va, l - 1);
        }
        long leaf = RiscvPte.make(pfn, leafBits(prot));
        memory.writeLong(entryPas[target], leaf);
        if (log.isDebugEnabled()) {
            log.debug("map {} -> pfn {} ({}, {}): {}", hex(va), hex(pfn), sizeName(pageSize), prot,
                    RiscvPte.describe(leaf, target));
        }
        if (emptySubtree != 0) {
            freeSubtree(RiscvPte.pfn(emptySubtree) << 12, target - 1);
        }
    }

    /** Rewrites the leaf's rights in place as pte_modify() does: frame, A, D and software bits stay. */
    @Override
    public void protect(long va, Prot prot) {
        long entryPa = leafToProtect(va, prot);
        long pte = memory.readLong(entryPa);
        long keep = RiscvPte.PPN_MASK | ACCESSED | DIRTY | SOFTWARE_MASK;
        long updated = (pte & keep) | leafBits(prot);
        memory.writeLong(entryPa, updated);
        if (log.isDebugEnabled()) {
            log.debug("protect {} {}: {} -> {}", hex(va), prot, hex(pte), hex(updated));
        }
    }

    /** Physical address of the PTE at {@code level} on the path of {@code va}, or NOT_MAPPED. */
    public long entryAddress(long va, int level) {
        InvalidArgumentException.check(level >= 0 && level <= mode.topLevel(), "level %s does not exist: levels are 0..%s",
                level, mode.topLevel());
        if (!mode.isCanonical(va)) {
            return NOT_MAPPED;
        }
        long table = root;
        for (int l = mode.topLevel(); ; l--) {
            long entryPa = table + 8L * SvMode.index(va, l);
            if (l == level) {
                return entryPa;
            }
            long pte = memory.readLong(entryPa);
            if (!RiscvPte.isValid(pte) || RiscvPte.isLeaf(pte)) {
                return NOT_MAPPED;
            }
            table = RiscvPte.pfn(pte) << 12;
        }
    }

    /** The raw PTE at {@code level} on the path of {@code va}, or 0 when the path stops above it. */
    public long entry(long va, int level) {
        long pa = entryAddress(va, level);
        return pa == NOT_MAPPED ? 0 : memory.readLong(pa);
    }

    /** Every mapped page, in address order (user half first). */
    public List<PageMapping> mappings() {
        List<PageMapping> out = new ArrayList<>();
        collect(root, mode.topLevel(), 0, out);
        return out;
    }

    // ---- the RISC-V PTE codec, for AbstractPageTable ----

    @Override
    protected InvalidArgumentException unsupportedPageSize(long pageSize) {
        return new InvalidArgumentException(String.format("page size %#x is not supported by %s: allowed are 0x1000"
                + " (4 KiB), 0x200000 (2 MiB megapage), 0x40000000 (1 GiB gigapage)", pageSize, mode));
    }

    @Override
    protected void checkVirtual(long va) {
        if (!mode.isCanonical(va)) {
            throw new BadAddressException(va, String.format("virtual address %#x is not valid under %s: bits 63..%d"
                    + " must all equal bit %d (user %#018x-%#018x, kernel %#018x-%#018x)", va, mode,
                    mode.virtualAddressBits() - 1, mode.virtualAddressBits() - 1, 0L,
                    (1L << (mode.virtualAddressBits() - 1)) - 1, -1L << (mode.virtualAddressBits() - 1), -1L));
        }
    }

    @Override
    protected int physicalAddressBits() {
        return PHYSICAL_ADDRESS_BITS;
    }

    @Override
    protected BadAddressException frameOutOfRange(long pfn, long pageSize, long limitPfn) {
        return new BadAddressException(pfn << 12, String.format("pfn %#x does not fit the PTE's 44-bit PPN: a %s must"
                + " end at or below physical address %#x (pfn below %#x)", pfn, sizeName(pageSize),
                1L << PHYSICAL_ADDRESS_BITS, limitPfn));
    }

    @Override
    protected long leafSpan() {
        return SvMode.span(leafLevel);
    }

    @Override
    protected long leafPfn(long pte) {
        return RiscvPte.pfn(pte);
    }

    @Override
    protected Prot leafProt(long pte) {
        return protOf(pte);
    }

    // ---- internals ----

    private void collect(long table, int level, long vaBase, List<PageMapping> out) {
        for (int i = 0; i < SvMode.ENTRIES; i++) {
            long pte = memory.readLong(table + 8L * i);
            if (!RiscvPte.isPresent(pte)) {
                continue;
            }
            long va = signExtend(vaBase | ((long) i << SvMode.shift(level)));
            if (RiscvPte.isLeaf(pte)) {
                out.add(new PageMapping(va, RiscvPte.pfn(pte), SvMode.span(level), protOf(pte)));
            } else if (level > 0) {
                collect(RiscvPte.pfn(pte) << 12, level - 1, va, out);
            }
        }
    }

    private long signExtend(long va) {
        int unused = 64 - mode.virtualAddressBits();
        return (va << unused) >> unused;
    }

    /** PTE address of the leaf mapping {@code va} (sets leafLevel), or NOT_MAPPED. */
    @Override
    protected long findLeaf(long va) {
        if (!mode.isCanonical(va)) {
            return NOT_MAPPED;
        }
        long table = root;
        for (int level = mode.topLevel(); level >= 0; level--) {
            long entryPa = table + 8L * SvMode.index(va, level);
            long pte = memory.readLong(entryPa);
            if (!RiscvPte.isPresent(pte)) {
                return NOT_MAPPED;
            }
            if (RiscvPte.isLeaf(pte)) {
                leafLevel = level;
                return entryPa;
            }
            table = RiscvPte.pfn(pte) << 12;
        }
        return NOT_MAPPED; // a pointer at level 0: not something this table writes
    }

    private long firstMapped(long table, int level, long vaBase) {
        for (int i = 0; i < SvMode.ENTRIES; i++) {
            long pte = memory.readLong(table + 8L * i);
            if (!RiscvPte.isPresent(pte)) {
                continue;
            }
            long va = vaBase + ((long) i << SvMode.shift(level));
            if (RiscvPte.isLeaf(pte)) {
                return va;
            }
            if (level > 0) {
                long below = firstMapped(RiscvPte.pfn(pte) << 12, level - 1, va);
                if (below != NOT_MAPPED) {
                    return below;
                }
            }
        }
        return NOT_MAPPED;
    }

    private void freeSubtree(long table, int level) {
        if (level > 0) {
            for (int i = 0; i < SvMode.ENTRIES; i++) {
                long pte = memory.readLong(table + 8L * i);
                if (RiscvPte.isValid(pte) && !RiscvPte.isLeaf(pte)) {
                    freeSubtree(RiscvPte.pfn(pte) << 12, level - 1);
                }
            }
        }
        freeTable(table);
    }

    /** The leaf flags for these rights, as protection_map[] and the PAGE_KERNEL* values build them. */
    private static long leafBits(Prot prot) {
        boolean access = (prot.bits() & (Prot.READ | Prot.WRITE | Prot.EXEC)) != 0;
        if (!access) {
            return RiscvPte.PAGE_NONE | (prot.isUser() ? USER : 0);
        }
        long bits = VALID | ACCESSED;
        if (prot.canRead() || prot.canWrite()) {
            bits |= READ; // W without R is a reserved encoding
        }
        if (prot.canWrite()) {
            bits |= WRITE;
        }
        if (prot.canExec()) {
            bits |= EXEC;
        }
        return bits | (prot.isUser() ? USER : DIRTY | GLOBAL);
    }

    static Prot protOf(long pte) {
        int bits = (pte & USER) != 0 ? Prot.USER : 0;
        if (RiscvPte.isValid(pte)) {
            bits |= ((pte & READ) != 0 ? Prot.READ : 0) | ((pte & WRITE) != 0 ? Prot.WRITE : 0)
                    | ((pte & EXEC) != 0 ? Prot.EXEC : 0);
        }
        return Prot.of(bits);
    }

    private InvalidArgumentException alreadyMapped(long va, long pageSize, int level, long pte) {
        long span = SvMode.span(level);
        long base = va & -span;
        if (span > pageSize) {
            return new InvalidArgumentException(String.format("cannot map a %s at %#x: it lies inside the %s %#x-%#x"
                    + " (pfn %#x) mapped at level %d; unmap that page first", sizeName(pageSize), va, sizeName(span), base,
                    base + span - 1, RiscvPte.pfn(pte), level));
        }
        return new InvalidArgumentException(String.format(
                "cannot map a %s at %#x: it is already mapped (to pfn %#x); unmap it first", sizeName(pageSize), va,
                RiscvPte.pfn(pte)));
    }

    private static String sizeName(long size) {
        return size == 4096 ? "4 KiB page" : size == 1L << 21 ? "2 MiB megapage" : size == 1L << 30 ? "1 GiB gigapage"
                : size == 1L << 39 ? "512 GiB terapage" : hex(size) + "-byte page";
    }

    @Override
    public String toString() {
        return String.format("RiscvPageTable[%s, root %#x, %d tables]", mode, root, tableCount());
    }
}
