package io.pagelab.hardware.mmu;

import static io.pagelab.hardware.mmu.X86PageTableEntry.ACCESSED;
import static io.pagelab.hardware.mmu.X86PageTableEntry.DIRTY;
import static io.pagelab.hardware.mmu.X86PageTableEntry.NX;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PAT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PAT_LARGE;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PCD;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PRESENT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PSE;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PWT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.RW;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW1;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW2;
import static io.pagelab.hardware.mmu.X86PageTableEntry.SOFTW3;
import static io.pagelab.hardware.mmu.X86PageTableEntry.USER;

import io.pagelab.api.PageMapping;
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
 * A 32-bit x86 page table in physical memory: classic two-level paging with 4-byte entries and
 * 4 MiB PSE pages, or PAE with 8-byte entries, a 4-entry PDPT and 2 MiB pages ({@link LegacyPaging}).
 * The low 12 entry bits mean what they mean on x86-64 ({@link X86PageTableEntry}: P, R/W, U/S, PWT,
 * PCD, A, D, PS/PAT, G); PAE adds NX at bit 63. It is what Linux's i386 builds keep, through
 * arch/x86/include/asm/pgtable-2level.h / pgtable-3level.h (Linux 6.x). The walk and the 4- or
 * 8-byte entry codec live here; unmap, translate, lookup, map()'s argument checks and the table
 * frames are {@link AbstractPageTable}'s.
 *
 * <pre>
 *  two-level: CR3 -&gt; PD[va 31..22] --PS=1--&gt; 4 MiB page
 *                          +-&gt; PT[va 21..12] -&gt; 4 KiB page
 *  PAE:       CR3 -&gt; PDPT[va 31..30] -&gt; PD[va 29..21] --PS=1--&gt; 2 MiB page
 *                                             +-&gt; PT[va 20..12] -&gt; 4 KiB page
 *  PAE PDPTEs hold only P, PWT, PCD and the address: R/W and U/S there are reserved.
 * </pre>
 *
 * Addresses are 32-bit: 0..0xffffffff. Kernel (non-USER) pages are global, and the tables above a
 * user page or below PAGE_OFFSET 0xc0000000 (the 3G/1G split) are user-accessible. Differs from
 * Linux: the PAE PDPT takes a whole frame (Linux allocates 32 bytes); no PSE-36; new entries leave
 * A and D clear, and empty tables are freed only when a large page replaces them, as in
 * {@link X86PageTable}. The hardware walk of these formats is not modelled. Not thread-safe.
 */
public final class LegacyPageTable extends AbstractPageTable {
    private static final Logger log = LoggerFactory.getLogger(LegacyPageTable.class);
    /** PAGE_OFFSET of the default 3G/1G split (CONFIG_VMSPLIT_3G). */
    public static final long PAGE_OFFSET = 0xc0000000L;
    private static final long KEEP_ON_PROTECT = PWT | PCD | ACCESSED | DIRTY | SOFTW1 | SOFTW2 | SOFTW3;

    private final LegacyPaging paging;
    private final int physBits;
    private final boolean noExecute;
    private final long root;
    private int leafDepth;

    /**
     * A table in {@code memory}, frames from {@code allocator}.
     *
     * @param physBits physical-address width: 32 for two-level paging; 32..52 with PAE (36 = the
     *     64 GiB of classic PAE)
     * @param noExecute PAE only: set NX on pages without EXEC (needs EFER.NXE)
     */
    public LegacyPageTable(PhysicalMemory memory, PageTableAllocator allocator, LegacyPaging paging, int physBits,
            boolean noExecute) {
        super(memory, allocator);
        this.paging = Objects.requireNonNull(paging, "paging");
        if (paging == LegacyPaging.TWO_LEVEL) {
            InvalidArgumentException.check(physBits == 32 && !noExecute,
                    "32-bit paging has 32 physical-address bits and no NX: asked for %s bits, NX %s", physBits,
                    noExecute ? 1 : 0);
        } else {
            InvalidArgumentException.check(physBits >= 32 && physBits <= 52,
                    "PAE physical-address width %s is out of range: 32..52 bits", physBits);
        }
        this.physBits = physBits;
        this.noExecute = noExecute;
        this.root = newTable();
    }

    /** Classic 32-bit paging: 4 KiB and 4 MiB pages, 4 GiB of physical memory, no NX. */
    public static LegacyPageTable twoLevel(PhysicalMemory memory, PageTableAllocator allocator) {
        return new LegacyPageTable(memory, allocator, LegacyPaging.TWO_LEVEL, 32, false);
    }

    /** PAE paging with NX and 36 physical-address bits (64 GiB). */
    public static LegacyPageTable pae(PhysicalMemory memory, PageTableAllocator allocator) {
        return new LegacyPageTable(memory, allocator, LegacyPaging.PAE, 36, true);
    }

    public LegacyPaging paging() {
        return paging;
    }

    /** Physical address of the top table (page directory, or PDPT with PAE): what CR3 points to. */
    public long root() {
        return root;
    }

    @Override
    public boolean supportsPageSize(long pageSize) {
        return pageSize == 4096L || pageSize == paging.hugePageSize();
    }

    @Override
    public void map(long va, long pfn, long pageSize, Prot prot) {
        checkMapArguments(va, pfn, pageSize, prot);
        int target = pageSize == 4096L ? paging.levels() - 1 : paging.hugeDepth();

        long[] entryPas = new long[paging.levels()];
        long table = root;
        int depth = 0;
        long emptyTable = 0;
        for (; depth <= target; depth++) {
            long entryPa = table + (long) paging.entrySize() * paging.index(va, depth);
            entryPas[depth] = entryPa;
            long e = readEntry(entryPa);
            if (!X86PageTableEntry.isMapped(e)) {
                break;
            }
            boolean leaf = isLeaf(e, depth);
            if (depth == target && !leaf) {
                long first = firstMapped(address(e, depth), depth + 1, va);
                if (first != NOT_MAPPED) {
                    throw new InvalidArgumentException(String.format("cannot map a %#x-byte page at %#x: the range"
                            + " already holds smaller pages (the first at %#x); unmap them first", pageSize, va, first));
                }
                emptyTable = address(e, depth);
                break;
            }
            if (leaf) {
                long span = 1L << paging.shift(depth);
                throw new InvalidArgumentException(span > pageSize
                        ? String.format("cannot map a %#x-byte page at %#x: it lies inside the %#x-byte page at %#x;"
                                + " unmap that page first", pageSize, va, span, va & -span)
                        : String.format("cannot map a %#x-byte page at %#x: it is already mapped (to pfn %#x);"
                                + " unmap it first", pageSize, va, address(e, depth) >>> 12));
            }
            table = address(e, depth);
        }

        int missing = emptyTable != 0 ? 0 : target - depth;
        long[] fresh = newTables(missing);
        boolean user = prot.isUser();
        for (int i = 0; i < missing; i++) {
            int d = depth + i;
            writeEntry(entryPas[d], fresh[i] | tableBits(d, va, user));
            entryPas[d + 1] = fresh[i] + (long) paging.entrySize() * paging.index(va, d + 1);
        }
        writeEntry(entryPas[target], (pfn << 12) | leafBits(prot, target != paging.levels() - 1));
        if (log.isDebugEnabled()) {
            log.debug("{} map {} -> pfn {} ({} bytes, {})", name(), hex(va), hex(pfn), pageSize, prot);
        }
        if (user) {
            grantUser(entryPas, depth);
        }
        if (emptyTable != 0) {
            freeTable(emptyTable); // a PT: its entries are all empty
        }
    }

    @Override
    public void protect(long va, Prot prot) {
        long entryPa = leafToProtect(va, prot);
        int depth = leafDepth;
        boolean huge = depth != paging.levels() - 1;
        long e = readEntry(entryPa);
        long keep = addressMask(e, depth) | KEEP_ON_PROTECT | (huge ? PAT_LARGE : PAT);
        writeEntry(entryPa, (e & keep) | leafBits(prot, huge));
        if (prot.isUser()) {
            long[] path = new long[paging.levels()];
            long table = root;
            for (int d = 0; d < depth; d++) {
                path[d] = table + (long) paging.entrySize() * paging.index(va, d);
                table = address(readEntry(path[d]), d);
            }
            grantUser(path, depth);
        }
    }

    /** The raw entry at depth {@code d} (0 = top) on the path of {@code va}, or 0 when the path stops above it. */
    public long entry(long va, int d) {
        checkVirtual(va);
        long table = root;
        for (int i = 0; ; i++) {
            long e = readEntry(table + (long) paging.entrySize() * paging.index(va, i));
            if (i == d) {
                return e;
            }
            if (!X86PageTableEntry.isPresent(e) || isLeaf(e, i)) {
                return 0;
            }
            table = address(e, i);
        }
    }

    /** Every mapped page in address order. */
    public List<PageMapping> mappings() {
        List<PageMapping> out = new ArrayList<>();
        collect(root, 0, 0, out);
        return out;
    }

    // ---- the 32-bit and PAE entry codec, for AbstractPageTable ----

    @Override
    protected InvalidArgumentException unsupportedPageSize(long pageSize) {
        return new InvalidArgumentException(String.format("page size %#x is not supported by %s: allowed are"
                + " 0x1000 (4 KiB) and %#x", pageSize, name(), paging.hugePageSize()));
    }

    @Override
    protected int physicalAddressBits() {
        return physBits;
    }

    @Override
    protected BadAddressException frameOutOfRange(long pfn, long pageSize, long limitPfn) {
        return new BadAddressException(pfn << 12, String.format(
                "pfn %#x is beyond the %d-bit physical address space of %s: frames must lie below pfn %#x"
                        + " (physical address %#x)", pfn, physBits, name(), limitPfn, 1L << physBits));
    }

    @Override
    protected long leafSpan() {
        return 1L << paging.shift(leafDepth);
    }

    @Override
    protected long leafPfn(long e) {
        return address(e, leafDepth) >>> 12;
    }

    @Override
    protected Prot leafProt(long e) {
        return protOf(e);
    }

    /** 4-byte entries with two-level paging, 8-byte with PAE. */
    @Override
    protected long readEntry(long pa) {
        return paging.entrySize() == 4 ? memory.readInt(pa) & 0xffffffffL : memory.readLong(pa);
    }

    @Override
    protected void writeEntry(long pa, long e) {
        if (paging.entrySize() == 4) {
            memory.writeInt(pa, (int) e);
        } else {
            memory.writeLong(pa, e);
        }
    }

    // ---- internals ----

    private void collect(long table, int depth, long vaBase, List<PageMapping> out) {
        for (int i = 0; i < paging.entries(depth); i++) {
            long e = readEntry(table + (long) paging.entrySize() * i);
            if (!X86PageTableEntry.isMapped(e)) {
                continue;
            }
            long va = vaBase | ((long) i << paging.shift(depth));
            if (isLeaf(e, depth)) {
                out.add(new PageMapping(va, address(e, depth) >>> 12, 1L << paging.shift(depth), protOf(e)));
            } else {
                collect(address(e, depth), depth + 1, va, out);
            }
        }
    }

    /** Entry address of the leaf mapping {@code va} (sets leafDepth), or NOT_MAPPED. */
    @Override
    protected long findLeaf(long va) {
        if (va < 0 || va > 0xffffffffL) {
            return NOT_MAPPED;
        }
        long table = root;
        for (int d = 0; d < paging.levels(); d++) {
            long entryPa = table + (long) paging.entrySize() * paging.index(va, d);
            long e = readEntry(entryPa);
            if (!X86PageTableEntry.isMapped(e)) {
                return NOT_MAPPED;
            }
            if (isLeaf(e, d)) {
                leafDepth = d;
                return entryPa;
            }
            table = address(e, d);
        }
        throw new AssertionError("a PT entry is always a leaf");
    }

    private long firstMapped(long table, int depth, long vaBase) {
        for (int i = 0; i < paging.entries(depth); i++) {
            long e = readEntry(table + (long) paging.entrySize() * i);
            if (X86PageTableEntry.isMapped(e)) {
                return vaBase + ((long) i << paging.shift(depth)); // below the large-page level: PT leaves only
            }
        }
        return NOT_MAPPED;
    }

    private boolean isLeaf(long e, int depth) {
        return depth == paging.levels() - 1 || (depth == paging.hugeDepth() && (e & PSE) != 0);
    }

    private long addressMask(long e, int depth) {
        long limit = paging == LegacyPaging.TWO_LEVEL ? 0xffffffffL : (1L << 52) - 1;
        long low = isLeaf(e, depth) && depth != paging.levels() - 1 ? paging.hugePageSize() - 1 : 0xfff;
        return limit & ~low;
    }

    private long address(long e, int depth) {
        return e & addressMask(e, depth);
    }

    private void grantUser(long[] path, int upTo) {
        for (int d = 0; d < upTo; d++) {
            if (paging == LegacyPaging.PAE && d == 0) {
                continue; // U/S is reserved in a PAE PDPTE
            }
            long e = readEntry(path[d]);
            if ((e & USER) == 0) {
                writeEntry(path[d], e | USER);
            }
        }
    }

    private long tableBits(int depth, long va, boolean userLeaf) {
        if (paging == LegacyPaging.PAE && depth == 0) {
            return PRESENT; // PDPTE: R/W, U/S and A are reserved
        }
        return PRESENT | RW | (va < PAGE_OFFSET || userLeaf ? USER : 0);
    }

    /** Kernel (non-USER) pages are always global here: no option turns G off, unlike {@link X86PageTable}. */
    private long leafBits(Prot prot, boolean huge) {
        return X86PageTableEntry.leafFlags(prot, huge, noExecute, true);
    }

    private static Prot protOf(long e) {
        return X86PageTableEntry.prot(e);
    }

    @Override
    protected void checkVirtual(long va) {
        if (va < 0 || va > 0xffffffffL) {
            throw new BadAddressException(va, String.format(
                    "virtual address %#x does not fit %s: linear addresses are 32-bit, 0x0-0xffffffff", va, name()));
        }
    }

    private String name() {
        return paging == LegacyPaging.TWO_LEVEL ? "32-bit paging" : "PAE paging";
    }

    @Override
    public String toString() {
        return String.format("LegacyPageTable[%s, root %#x, %d tables]", name(), root, tableCount());
    }
}
