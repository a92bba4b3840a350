package io.pagelab.api.testkit;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simplest {@link AddressSpace} that behaves like a Linux x86-64 process with ASLR off, for
 * testing code that runs <em>inside</em> a process (malloc, pools, allocators) without booting a
 * kernel: regions in a sorted map, bytes in a sparse page map (an untouched byte reads 0), top-down
 * mmap below {@code mmap_base} (0x7ffff7fff000, linux-reference.md §6.2 with randomization off),
 * a program break starting at {@code start_brk}; the heap brk(2) grows is a region like the
 * others (mm/mmap.c: do_brk_flags), so munmap, mprotect and MAP_FIXED work on it as in Linux. No
 * page table, no merging, no guard gaps, no stack: use the kernel's process model for those.
 */
public final class NaiveAddressSpace implements AddressSpace {
    /** mmap_base with ASLR off and an 8 MiB stack limit (linux-reference.md §6.2). */
    public static final long MMAP_BASE = 0x7ffff7fff000L;
    /** A PIE's start_brk under {@code setarch -R} for a small program (text at 0x555555554000). */
    public static final long START_BRK = 0x555555559000L;
    private static final long PAGE = 4096;

    /** A mapping [start, end); {@code heap} marks the part of the heap brk(2) made. */
    private record Region(long start, long end, int prot, boolean heap) {
        Region(long start, long end, int prot) {
            this(start, end, prot, false);
        }

        Region cut(long from, long to) {
            return new Region(from, to, prot, heap);
        }
    }

    private final TreeMap<Long, Region> regions = new TreeMap<>();
    private final Map<Long, byte[]> pages = new HashMap<>();
    private final long startBrk;
    private long brk;

    /** A process whose heap starts at {@link #START_BRK}. */
    public NaiveAddressSpace() {
        this(START_BRK);
    }

    /** A process whose heap starts at {@code startBrk} (page aligned). */
    public NaiveAddressSpace(long startBrk) {
        if ((startBrk & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("start_brk " + Long.toHexString(startBrk) + " must be page aligned");
        }
        this.startBrk = startBrk;
        this.brk = startBrk;
    }

    /** The break this process started with. */
    public long startBrk() {
        return startBrk;
    }

    /** Number of bytes currently mapped by mmap (not counting the heap). */
    public long mappedBytes() {
        long n = 0;
        for (Region r : regions.values()) {
            n += r.heap ? 0 : r.end - r.start;
        }
        return n;
    }

    private static long pageAlign(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    private boolean free(long start, long end) {
        Map.Entry<Long, Region> below = regions.lowerEntry(end);
        boolean clearOfRegions = below == null || below.getValue().end <= start;
        boolean clearOfHeap = end <= startBrk || start >= pageAlign(brk);
        return clearOfRegions && clearOfHeap;
    }

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        SyscallException.check(length > 0, "mmap", Errno.EINVAL, "length %d must be > 0", length);
        SyscallException.check((flags & MAP_ANONYMOUS) != 0, "mmap", Errno.EINVAL,
                "only MAP_ANONYMOUS mappings are supported here (flags %#x)", flags);
        long len = pageAlign(length);
        long addr;
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            SyscallException.check((hint & (PAGE - 1)) == 0, "mmap", Errno.EINVAL,
                    "MAP_FIXED address %#x is not page aligned", hint);
            if ((flags & MAP_FIXED_NOREPLACE) != 0) {
                SyscallException.check(free(hint, hint + len), "mmap", Errno.EEXIST,
                        "[%#x, %#x) overlaps an existing mapping", hint, hint + len);
            } else {
                munmap(hint, len);
            }
            addr = hint;
        } else if (hint != 0 && free(pageAlign(hint), pageAlign(hint) + len)) {
            addr = pageAlign(hint);
        } else {
            addr = topDown(len);
        }
        regions.put(addr, new Region(addr, addr + len, prot.bits()));
        return addr;
    }

    private long topDown(long len) {
        long high = MMAP_BASE;
        for (Region r : regions.headMap(MMAP_BASE, false).descendingMap().values()) {
            if (r.end <= high && high - r.end >= len) {
                return high - len;
            }
            high = Math.min(high, r.start);
        }
        if (high - len >= pageAlign(brk)) {
            return high - len;
        }
        throw new SyscallException("mmap", Errno.ENOMEM, "no gap of " + len + " bytes below mmap_base");
    }

    @Override
    public void munmap(long addr, long length) {
        SyscallException.check((addr & (PAGE - 1)) == 0 && length > 0, "munmap", Errno.EINVAL,
                "address %#x must be page aligned and length %d > 0", addr, length);
        long end = addr + pageAlign(length);
        for (Region r : regions.subMap(regions.floorKey(addr) == null ? addr : regions.floorKey(addr), end)
                .values().toArray(new Region[0])) {
            if (r.end <= addr) {
                continue;
            }
            regions.remove(r.start);
            if (r.start < addr) {
                regions.put(r.start, r.cut(r.start, addr));
            }
            if (r.end > end) {
                regions.put(end, r.cut(end, r.end));
            }
        }
        dropPages(addr, end);
    }

    private void dropPages(long start, long end) {
        for (long p = start; p < end; p += PAGE) {
            pages.remove(p);
        }
    }

    @Override
    public void mprotect(long addr, long length, Prot prot) {
        SyscallException.check((addr & (PAGE - 1)) == 0, "mprotect", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        long end = addr + pageAlign(length);
        for (long p = addr; p < end; p += PAGE) {
            SyscallException.check(regionAt(p) != null, "mprotect", Errno.ENOMEM,
                    "page %#x is not mapped", p);
        }
        for (Region r : regions.values().toArray(new Region[0])) {
            if (r.end <= addr || r.start >= end) {
                continue;
            }
            regions.remove(r.start);
            if (r.start < addr) {
                regions.put(r.start, r.cut(r.start, addr));
            }
            long s = Math.max(r.start, addr);
            long e = Math.min(r.end, end);
            regions.put(s, new Region(s, e, prot.bits(), r.heap));
            if (r.end > end) {
                regions.put(end, r.cut(end, r.end));
            }
        }
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        Region r = regionAt(oldAddr);
        SyscallException.check(r != null && r.start == oldAddr && r.end == oldAddr + pageAlign(oldLength),
                "mremap", Errno.EFAULT, "no mapping of exactly [%#x, +%#x)", oldAddr, oldLength);
        long newLen = pageAlign(newLength);
        if (newLen == r.end - r.start) {
            return oldAddr; // mm/mremap.c: the same size changes nothing (it used to unmap the next page)
        }
        if (newLen < r.end - r.start) {
            munmap(oldAddr + newLen, r.end - r.start - newLen); // shrink_vma(): unmap the tail
            return oldAddr;
        }
        if (free(r.end, oldAddr + newLen)) {
            regions.put(oldAddr, r.cut(oldAddr, oldAddr + newLen));
            return oldAddr;
        }
        SyscallException.check((flags & MREMAP_MAYMOVE) != 0, "mremap", Errno.ENOMEM,
                "cannot grow in place and MREMAP_MAYMOVE is not set");
        long to = topDown(newLen); // chosen while the old mapping still exists, as Linux does
        regions.remove(oldAddr);
        regions.put(to, r.cut(to, to + newLen));
        for (long off = 0; off < r.end - r.start; off += PAGE) {
            byte[] pg = pages.remove(oldAddr + off);
            if (pg != null) {
                pages.put(to + off, pg);
            }
        }
        return to;
    }

    @Override
    public void madvise(long addr, long length, int advice) {
        if (advice == MADV_DONTNEED) {
            dropPages(addr, addr + pageAlign(length));
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
            Map.Entry<Long, Region> next = regions.ceilingEntry(oldTop);
            if (next != null && next.getKey() < newTop + PAGE) {
                return brk;
            }
            regions.put(oldTop, new Region(oldTop, newTop, Prot.USER_RW.bits(), true));
        } else if (newTop < oldTop) {
            munmap(newTop, oldTop - newTop);
        }
        brk = newBrk;
        return brk;
    }

    private Region regionAt(long va) {
        Map.Entry<Long, Region> e = regions.floorEntry(va);
        return e != null && va < e.getValue().end ? e.getValue() : null;
    }

    private void check(long va, boolean write) {
        Region r = regionAt(va);
        int need = write ? Prot.WRITE : Prot.READ;
        if (r == null) {
            throw new SegmentationFault("naive", 1, va, write ? 6 : 4, SegmentationFault.SEGV_MAPERR);
        }
        if ((r.prot & need) == 0) {
            throw new SegmentationFault("naive", 1, va, write ? 7 : 5, SegmentationFault.SEGV_ACCERR);
        }
    }

    @Override
    public byte readByte(long va) {
        check(va, false);
        byte[] pg = pages.get(va & -PAGE);
        return pg == null ? 0 : pg[(int) (va & (PAGE - 1))];
    }

    @Override
    public void writeByte(long va, byte value) {
        check(va, true);
        pages.computeIfAbsent(va & -PAGE, k -> new byte[(int) PAGE])[(int) (va & (PAGE - 1))] = value;
    }

    @Override
    public long readLong(long va) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (readByte(va + i) & 0xff);
        }
        return v;
    }

    @Override
    public void writeLong(long va, long value) {
        check(va, true);
        check(va + 7, true);
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
        throw new UnsupportedOperationException("NaiveAddressSpace has no page table; use the kernel's process model");
    }
}
