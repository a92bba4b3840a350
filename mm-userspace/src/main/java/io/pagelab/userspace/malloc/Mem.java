package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;

/**
 * Loads and stores of malloc's metadata, named after malloc.c's chunk macros (chunksize,
 * prev_size, set_head, set_foot, inuse_bit_at_offset...). Chunks live in the simulated process
 * and go through its {@link AddressSpace}, so a corrupting store by user code is seen by the next
 * check exactly as in glibc.
 *
 * <p>main_arena, the {@code struct malloc_state} glibc keeps in libc's .data, is process memory
 * too: {@link MallocContext} maps two read-write pages for it at the address it has in Debian's
 * glibc 2.36 under {@code setarch -R} ({@link #MAIN_ARENA}), so bin headers are real addresses (a
 * free chunk's fd reads {@code main_arena+96}, 0x7ffff7fa8cc0) and list checks such as
 * {@code bck->fd != victim} work the same on bins and chunks.
 */
final class Mem {
    /** &amp;main_arena in Debian glibc 2.36-9 with ASLR off (unsorted bin = 0x7ffff7fa8cc0). */
    static final long MAIN_ARENA = 0x7ffff7fa8c60L;

    private final AddressSpace as;

    Mem(AddressSpace as) {
        this.as = as;
    }

    AddressSpace process() {
        return as;
    }

    long ld(long a) {
        return as.readLong(a);
    }

    void st(long a, long v) {
        as.writeLong(a, v);
    }

    /** A 32-bit field (int, unsigned int): little-endian half of the aligned 8-byte word. */
    int ld32(long a) {
        long w = ld(a & ~7L);
        return (int) ((a & 4) == 0 ? w : w >>> 32);
    }

    void st32(long a, int v) {
        long w = ld(a & ~7L);
        long nw = (a & 4) == 0 ? (w & 0xffffffff00000000L) | (v & 0xffffffffL)
                : (w & 0xffffffffL) | ((long) v << 32);
        st(a & ~7L, nw);
    }

    /** A 16-bit field (tcache counts): the process is little-endian. */
    int ld16(long a) {
        return (as.readByte(a) & 0xff) | ((as.readByte(a + 1) & 0xff) << 8);
    }

    void st16(long a, int v) {
        as.writeByte(a, (byte) v);
        as.writeByte(a + 1, (byte) (v >>> 8));
    }

    // ---- chunk fields -------------------------------------------------------------------------

    long prevSize(long p) {
        return ld(p + OFF_PREV_SIZE);
    }

    void setPrevSize(long p, long v) {
        st(p + OFF_PREV_SIZE, v);
    }

    long sizeNomask(long p) {
        return ld(p + OFF_SIZE);
    }

    long chunksize(long p) {
        return ld(p + OFF_SIZE) & ~SIZE_BITS;
    }

    /** set_head: the whole size field. */
    void setHead(long p, long v) {
        st(p + OFF_SIZE, v);
    }

    /** set_head_size: the size, keeping the flag bits. */
    void setHeadSize(long p, long s) {
        st(p + OFF_SIZE, (ld(p + OFF_SIZE) & SIZE_BITS) | s);
    }

    /** set_foot: the next chunk's prev_size. */
    void setFoot(long p, long s) {
        st(p + s + OFF_PREV_SIZE, s);
    }

    boolean prevInuse(long p) {
        return (ld(p + OFF_SIZE) & PREV_INUSE) != 0;
    }

    boolean isMmapped(long p) {
        return (ld(p + OFF_SIZE) & IS_MMAPPED) != 0;
    }

    boolean isMainArenaChunk(long p) {
        return (ld(p + OFF_SIZE) & NON_MAIN_ARENA) == 0;
    }

    /** inuse(p): the PREV_INUSE bit of the next chunk. */
    boolean inuse(long p) {
        return (ld(p + chunksize(p) + OFF_SIZE) & PREV_INUSE) != 0;
    }

    boolean inuseBitAtOffset(long p, long s) {
        return (ld(p + s + OFF_SIZE) & PREV_INUSE) != 0;
    }

    void setInuseBitAtOffset(long p, long s) {
        st(p + s + OFF_SIZE, ld(p + s + OFF_SIZE) | PREV_INUSE);
    }

    void clearInuseBitAtOffset(long p, long s) {
        st(p + s + OFF_SIZE, ld(p + s + OFF_SIZE) & ~PREV_INUSE);
    }

    void setNonMainArena(long p) {
        st(p + OFF_SIZE, ld(p + OFF_SIZE) | NON_MAIN_ARENA);
    }

    long fd(long p) {
        return ld(p + OFF_FD);
    }

    long bk(long p) {
        return ld(p + OFF_BK);
    }

    void setFd(long p, long v) {
        st(p + OFF_FD, v);
    }

    void setBk(long p, long v) {
        st(p + OFF_BK, v);
    }

    long fdNextsize(long p) {
        return ld(p + OFF_FD_NEXTSIZE);
    }

    long bkNextsize(long p) {
        return ld(p + OFF_BK_NEXTSIZE);
    }

    void setFdNextsize(long p, long v) {
        st(p + OFF_FD_NEXTSIZE, v);
    }

    void setBkNextsize(long p, long v) {
        st(p + OFF_BK_NEXTSIZE, v);
    }

    /** memsize: the bytes the user may use in an in-use heap chunk (the next prev_size included). */
    long memsize(long p) {
        return isMmapped(p) ? chunksize(p) - CHUNK_HDR_SZ : chunksize(p) - CHUNK_HDR_SZ + SIZE_SZ;
    }

    // ---- safe-linking (glibc 2.32+) ----------------------------------------------------------

    /** PROTECT_PTR(pos, ptr): ((size_t) pos &gt;&gt; 12) ^ (size_t) ptr. */
    static long protectPtr(long pos, long ptr) {
        return (pos >>> 12) ^ ptr;
    }

    /** REVEAL_PTR of the pointer stored at {@code pos}. */
    long revealAt(long pos) {
        return protectPtr(pos, ld(pos));
    }

    // ---- user data --------------------------------------------------------------------------

    void memset(long dst, int c, long n) {
        long fill = (c & 0xffL) * 0x0101010101010101L;
        long i = 0;
        for (; i < n && ((dst + i) & 7) != 0; i++) {
            as.writeByte(dst + i, (byte) c);
        }
        for (; i + 8 <= n; i += 8) {
            as.writeLong(dst + i, fill);
        }
        for (; i < n; i++) {
            as.writeByte(dst + i, (byte) c);
        }
    }

    void memcpy(long dst, long src, long n) {
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            as.writeLong(dst + i, as.readLong(src + i));
        }
        for (; i < n; i++) {
            as.writeByte(dst + i, as.readByte(src + i));
        }
    }
}
