package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The process a malloc-lab trace runs in: what CS:APP's {@code memlib.c} is to {@code mm.c}, but
 * with the two system calls a real allocator uses, brk(2) and mmap(2), laid out as a Linux x86-64
 * PIE with ASLR off ({@code setarch -R}): the heap starts at {@link #START_BRK}, mmap goes
 * top-down below {@link #MMAP_BASE} (linux-reference.md §6.2), like the glibc fixtures captured by
 * {@code capture.sh}.
 *
 * <pre>
 *   0x555555559000 [heap ... brk)        grows up with brk(2)
 *                        ...
 *   0x7ffff7fa8000 [libc .data)           two rw pages mapped from the start (main_arena)
 *   [mmap ... ) 0x7ffff7fff000           each new mapping in the highest gap that fits
 * </pre>
 *
 * <p>Differs from Linux on purpose: no page table, no VMA merging, no stack, no guard gap; memory
 * is sparse (a page costs memory once touched, and reads 0 until written), kept as
 * {@code long[512]} pages: heap pages in an array indexed from start_brk, mapping pages behind a
 * small direct-mapped cache, so that an allocator's header loads and stores are cheap: this class
 * sets the pace of a model's replay speed. The heap is a mapping like any other in Linux
 * (mm/mmap.c: do_brk_flags makes a VMA): the first munmap, mprotect, MAP_FIXED or mremap that
 * touches it turns it into an ordinary mapping (losing the fast path, which a malloc that leaves
 * its own heap alone never notices). For the kernel's
 * own process model (VMAs, faults, /proc/PID/maps) use mm-kernel.
 */
public final class LabProcess implements AddressSpace {
    /** mmap_base with ASLR off and an 8 MiB stack limit (linux-reference.md §6.2). */
    public static final long MMAP_BASE = 0x7ffff7fff000L;
    /** start_brk of a small PIE under {@code setarch -R} (text at 0x555555554000). */
    public static final long START_BRK = 0x555555559000L;
    /**
     * The first of the two pages of libc's writable data mapped from the start: where Debian's
     * glibc 2.36 keeps {@code main_arena} (0x7ffff7fa8c60, 0x898 bytes) with ASLR off. A real
     * process has libc loaded before main, so these pages are not the allocator's heap.
     */
    public static final long LIBC_DATA = 0x7ffff7fa8000L;
    private static final long LIBC_DATA_PAGES = 2;
    private static final int PAGE_SHIFT = 12;
    private static final long PAGE = 1L << PAGE_SHIFT;
    private static final int CACHE = 64;

    /** A mapping [start, end) with its protection bits. */
    private static final class Mapping {
        final long start;
        long end;
        int prot;

        Mapping(long start, long end, int prot) {
            this.start = start;
            this.end = end;
            this.prot = prot;
        }
    }

    /** Heap pages up to this many (4 GiB) live in {@link #heapPages}; beyond, in {@link #pages}. */
    private static final int MAX_HEAP_PAGES = 1 << 20;

    private final TreeMap<Long, Mapping> maps = new TreeMap<>();
    /** Pages of mappings (and of a heap beyond 4 GiB), by page number. */
    private final Map<Long, long[]> pages = new HashMap<>();
    /** Heap pages by index from start_brk, created on first touch; the hot path of a replay. */
    private long[][] heapPages = new long[16][];
    /** Bytes from start_brk to the end of the break's page, capped at MAX_HEAP_PAGES pages. */
    private long heapLimit;
    private final long startBrk;
    private long brk;
    /** True once a call other than brk(2) touched the heap: it is then kept in {@link #maps}. */
    private boolean heapRetired;
    /** Direct-mapped cache of pages known to be readable and writable: page number and content. */
    private final long[] cachedPfn = new long[CACHE];
    private final long[][] cachedPage = new long[CACHE][];

    /** A process whose heap starts at {@link #START_BRK}. */
    public LabProcess() {
        this(START_BRK);
    }

    /** A process whose heap starts at {@code startBrk}, which must be page aligned. */
    public LabProcess(long startBrk) {
        if ((startBrk & (PAGE - 1)) != 0 || startBrk <= 0 || startBrk >= MMAP_BASE) {
            throw new IllegalArgumentException(String.format(
                    "start_brk %#x must be page aligned and below mmap_base %#x", startBrk, MMAP_BASE));
        }
        this.startBrk = startBrk;
        this.brk = startBrk;
        invalidate();
        maps.put(LIBC_DATA, new Mapping(LIBC_DATA, LIBC_DATA + LIBC_DATA_PAGES * PAGE, Prot.USER_RW.bits()));
    }

    /** The break this process started with. */
    public long startBrk() {
        return startBrk;
    }

    private static long pageAlign(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    private void invalidate() {
        Arrays.fill(cachedPfn, -1L);
        Arrays.fill(cachedPage, null);
    }

    private boolean isFree(long start, long end) {
        Map.Entry<Long, Mapping> below = maps.lowerEntry(end);
        return (below == null || below.getValue().end <= start)
                && (end <= startBrk || start >= pageAlign(brk)) && end <= MMAP_BASE && start > 0;
    }

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        SyscallException.check(length > 0, "mmap", Errno.EINVAL, "length %d must be > 0", length);
        SyscallException.check((flags & MAP_ANONYMOUS) != 0, "mmap", Errno.EINVAL,
                "only anonymous mappings (MAP_ANONYMOUS) exist in a lab process (flags %#x)", flags);
        long len = pageAlign(length);
        long addr;
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            SyscallException.check((hint & (PAGE - 1)) == 0, "mmap", Errno.EINVAL,
                    "MAP_FIXED address %#x is not page aligned", hint);
            if ((flags & MAP_FIXED_NOREPLACE) != 0) {
                SyscallException.check(isFree(hint, hint + len), "mmap", Errno.EEXIST,
                        "[%#x, %#x) overlaps an existing mapping", hint, hint + len);
            } else {
                munmap(hint, len);
            }
            addr = hint;
        } else if (hint != 0 && isFree(pageAlign(hint), pageAlign(hint) + len)) {
            addr = pageAlign(hint);
        } else {
            addr = topDown(len);
        }
        maps.put(addr, new Mapping(addr, addr + len, prot.bits()));
        return addr;
    }

    /** The highest gap of {@code len} bytes below mmap_base and above the heap (vm_unmapped_area top-down). */
    private long topDown(long len) {
        long high = MMAP_BASE;
        for (Mapping m : maps.descendingMap().values()) {
            if (m.end <= high && high - m.end >= len) {
                return high - len;
            }
            high = Math.min(high, m.start);
        }
        SyscallException.check(high - len >= pageAlign(brk), "mmap", Errno.ENOMEM,
                "no gap of %d bytes between the heap and mmap_base", len);
        return high - len;
    }

    @Override
    public void munmap(long addr, long length) {
        SyscallException.check((addr & (PAGE - 1)) == 0 && length > 0, "munmap", Errno.EINVAL,
                "address %#x must be page aligned and length %d > 0", addr, length);
        long end = addr + pageAlign(length);
        retireHeapIfTouched(addr, end);
        Long from = maps.floorKey(addr);
        for (Mapping m : maps.subMap(from == null ? addr : from, end).values().toArray(new Mapping[0])) {
            if (m.end <= addr) {
                continue;
            }
            maps.remove(m.start);
            if (m.start < addr) {
                maps.put(m.start, new Mapping(m.start, addr, m.prot));
            }
            if (m.end > end) {
                maps.put(end, new Mapping(end, m.end, m.prot));
            }
            dropPages(Math.max(m.start, addr), Math.min(m.end, end));
        }
        invalidate();
    }

    /**
     * Before a call other than brk(2) works on {@code [start, end)}: if that touches the heap,
     * the heap becomes one ordinary read-write mapping and its pages move to {@link #pages}. Not
     * observable by loads and stores; only the heap fast path is lost.
     */
    private void retireHeapIfTouched(long start, long end) {
        long top = pageAlign(brk);
        if (heapRetired || end <= startBrk || start >= top) {
            return;
        }
        heapRetired = true;
        for (int i = 0; i < heapPages.length; i++) {
            if (heapPages[i] != null) {
                pages.put((startBrk >>> PAGE_SHIFT) + i, heapPages[i]);
            }
        }
        heapPages = new long[0][];
        heapLimit = 0;
        maps.put(startBrk, new Mapping(startBrk, top, Prot.USER_RW.bits()));
        invalidate();
    }

    private void dropPages(long start, long end) {
        for (long p = Math.max(start, startBrk); p < end && p - startBrk < heapLimit; p += PAGE) {
            heapPages[(int) ((p - startBrk) >>> PAGE_SHIFT)] = null;
        }
        if ((end - start) >> PAGE_SHIFT > pages.size()) {
            pages.keySet().removeIf(pfn -> pfn >= start >>> PAGE_SHIFT && pfn < end >>> PAGE_SHIFT);
            return;
        }
        for (long p = start; p < end; p += PAGE) {
            pages.remove(p >>> PAGE_SHIFT);
        }
    }

    @Override
    public void mprotect(long addr, long length, Prot prot) {
        SyscallException.check((addr & (PAGE - 1)) == 0, "mprotect", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        long end = addr + pageAlign(length);
        retireHeapIfTouched(addr, end);
        for (long p = addr; p < end; p += PAGE) {
            SyscallException.check(mappingAt(p) != null, "mprotect", Errno.ENOMEM,
                    "page %#x is not mapped", p);
        }
        for (Mapping m : maps.values().toArray(new Mapping[0])) {
            if (m.end <= addr || m.start >= end) {
                continue;
            }
            maps.remove(m.start);
            if (m.start < addr) {
                maps.put(m.start, new Mapping(m.start, addr, m.prot));
            }
            long s = Math.max(m.start, addr);
            long e = Math.min(m.end, end);
            maps.put(s, new Mapping(s, e, prot.bits()));
            if (m.end > end) {
                maps.put(end, new Mapping(end, m.end, m.prot));
            }
        }
        invalidate();
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        retireHeapIfTouched(oldAddr, oldAddr + 1);
        Mapping m = mappingAt(oldAddr);
        SyscallException.check(m != null && m.start == oldAddr && m.end == oldAddr + pageAlign(oldLength),
                "mremap", Errno.EFAULT, "no mapping of exactly [%#x, +%#x)", oldAddr, oldLength);
        SyscallException.check(newLength > 0, "mremap", Errno.EINVAL, "new length %d must be > 0", newLength);
        long newLen = pageAlign(newLength);
        long oldLen = m.end - m.start;
        invalidate();
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                dropPages(oldAddr + newLen, m.end);
                m.end = oldAddr + newLen;
            }
            return oldAddr;
        }
        if (isFree(m.end, oldAddr + newLen)) {
            m.end = oldAddr + newLen;
            return oldAddr;
        }
        SyscallException.check((flags & MREMAP_MAYMOVE) != 0, "mremap", Errno.ENOMEM,
                "cannot grow [%#x, %#x) in place and MREMAP_MAYMOVE is not set", m.start, m.end);
        long to = topDown(newLen); // chosen while the old mapping still stands, as mremap_to does
        maps.remove(oldAddr);
        maps.put(to, new Mapping(to, to + newLen, m.prot));
        for (long off = 0; off < oldLen; off += PAGE) {
            long[] pg = pages.remove((oldAddr + off) >>> PAGE_SHIFT);
            if (pg != null) {
                pages.put((to + off) >>> PAGE_SHIFT, pg);
            }
        }
        return to;
    }

    @Override
    public void madvise(long addr, long length, int advice) {
        if (advice == MADV_DONTNEED) {
            dropPages(addr & -PAGE, pageAlign(addr + length));
            invalidate();
        }
    }

    @Override
    public long brk(long newBrk) {
        if (newBrk < startBrk) {
            return brk;
        }
        long oldTop = pageAlign(brk);
        long newTop = pageAlign(newBrk);
        if (newTop > oldTop) {
            Map.Entry<Long, Mapping> next = maps.ceilingEntry(oldTop);
            if (next != null && next.getKey() < newTop + PAGE) {
                return brk; // would touch a mapping: refused, like the kernel's check_brk_limits
            }
        } else if (newTop < oldTop && heapRetired) {
            munmap(newTop, oldTop - newTop); // do_vmi_munmap of [newbrk, oldbrk)
        } else if (newTop < oldTop) {
            dropPages(newTop, oldTop);
            invalidate();
        }
        if (heapRetired) {
            if (newTop > oldTop) {
                maps.put(oldTop, new Mapping(oldTop, newTop, Prot.USER_RW.bits())); // do_brk_flags
            }
            brk = newBrk;
            return brk;
        }
        brk = newBrk;
        heapLimit = Math.min(newTop - startBrk, (long) MAX_HEAP_PAGES << PAGE_SHIFT);
        int need = (int) (heapLimit >>> PAGE_SHIFT);
        if (need > heapPages.length) {
            heapPages = Arrays.copyOf(heapPages,
                    Math.max(need, Math.min(MAX_HEAP_PAGES, 2 * heapPages.length)));
        }
        return brk;
    }

    private Mapping mappingAt(long va) {
        Map.Entry<Long, Mapping> e = maps.floorEntry(va);
        return e != null && va < e.getValue().end ? e.getValue() : null;
    }

    private boolean inHeap(long va) {
        return !heapRetired && va >= startBrk && va < pageAlign(brk);
    }

    /** The page of {@code va} after an access check; null for a read of a page never written. */
    private long[] page(long va, boolean write) {
        long off = va - startBrk;
        if (off >= 0 && off < heapLimit) {
            int idx = (int) (off >>> PAGE_SHIFT);
            long[] pg = heapPages[idx];
            if (pg == null) {
                pg = new long[(int) (PAGE / 8)];
                heapPages[idx] = pg;
            }
            return pg;
        }
        long pfn = va >>> PAGE_SHIFT;
        int slot = (int) (pfn & (CACHE - 1));
        if (cachedPfn[slot] == pfn) {
            return cachedPage[slot];
        }
        return slowPage(va, pfn, slot, write);
    }

    private long[] slowPage(long va, long pfn, int slot, boolean write) {
        boolean writable;
        if (inHeap(va)) {
            writable = true;
        } else {
            Mapping m = mappingAt(va);
            if (m == null) {
                throw new SegmentationFault("lab", 1, va, write ? 6 : 4, SegmentationFault.SEGV_MAPERR);
            }
            if ((m.prot & (write ? Prot.WRITE : Prot.READ)) == 0) {
                throw new SegmentationFault("lab", 1, va, write ? 7 : 5, SegmentationFault.SEGV_ACCERR);
            }
            writable = (m.prot & Prot.READ) != 0 && (m.prot & Prot.WRITE) != 0;
        }
        long[] pg = pages.get(pfn);
        if (pg == null && (write || writable)) {
            pg = new long[(int) (PAGE / 8)];
            pages.put(pfn, pg);
        }
        if (writable && pg != null) {
            cachedPfn[slot] = pfn;
            cachedPage[slot] = pg;
        }
        return pg;
    }

    @Override
    public byte readByte(long va) {
        long[] pg = page(va, false);
        return pg == null ? 0 : (byte) (pg[(int) ((va & (PAGE - 1)) >>> 3)] >>> ((va & 7) << 3));
    }

    @Override
    public void writeByte(long va, byte value) {
        long[] pg = page(va, true);
        int i = (int) ((va & (PAGE - 1)) >>> 3);
        int shift = (int) ((va & 7) << 3);
        pg[i] = (pg[i] & ~(0xffL << shift)) | ((value & 0xffL) << shift);
    }

    @Override
    public long readLong(long va) {
        if ((va & 7) == 0) {
            long[] pg = page(va, false);
            return pg == null ? 0 : pg[(int) ((va & (PAGE - 1)) >>> 3)];
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (readByte(va + i) & 0xff);
        }
        return v;
    }

    @Override
    public void writeLong(long va, long value) {
        if ((va & 7) == 0) {
            page(va, true)[(int) ((va & (PAGE - 1)) >>> 3)] = value;
            return;
        }
        page(va, true);
        page(va + 7, true);
        for (int i = 0; i < 8; i++) {
            writeByte(va + i, (byte) (value >>> (8 * i)));
        }
    }

    @Override
    public long translate(long va) {
        return PageTable.NOT_MAPPED;
    }

    @Override
    public PageTable pageTable() {
        throw new UnsupportedOperationException("a LabProcess has no page table; use mm-kernel's process model");
    }
}
