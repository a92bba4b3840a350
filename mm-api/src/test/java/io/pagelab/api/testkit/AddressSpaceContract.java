package io.pagelab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SimulationException;
import io.pagelab.api.error.SyscallException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link AddressSpace}, as one abstract test class: an implementation's test
 * extends it and says how to build a fresh process.
 *
 * <pre>
 * class MyProcessTest extends AddressSpaceContract {
 *     protected AddressSpace create() { return new MyProcess(); }
 * }
 * </pre>
 *
 * The fresh process may already hold mappings of its own (program text, libc data, a stack), so
 * no test assumes an empty address space: each finds a free range by mapping anywhere and
 * unmapping again ({@link #freeRange}), and works inside it with MAP_FIXED. The process must have a
 * program break with a few free pages above it.
 *
 * <p>Only what the interface's javadoc promises is checked, and the javadoc follows the man pages
 * (mmap(2), munmap(2), mprotect(2), mremap(2), madvise(2), brk(2)) and x86-64 Linux: placement
 * policy, VMA merging, guard gaps, /proc and the page table are left to each implementation's own
 * tests. Prot values are the five a program uses (none, r, rw, rx, rwx): x86 cannot express
 * write-only or exec-only pages, so implementations may differ there.
 *
 * <p>Besides one test per rule, a randomized test runs a few thousand mmap, munmap, mprotect,
 * MADV_DONTNEED, load and store calls per seed against a plain model (a map of page rights and a map of non-zero
 * bytes) and requires zero disagreements; the failure names the seed and the operation.
 */
public abstract class AddressSpaceContract {
    protected static final long PAGE = 4096;
    protected static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;
    private static final List<Prot> PROTS = List.of(Prot.of(Prot.USER), Prot.USER_R, Prot.USER_RW, Prot.USER_RX,
            Prot.USER_RWX);

    protected AddressSpace as;

    /** A fresh process (see the class comment for what it must hold). */
    protected abstract AddressSpace create();

    @BeforeEach
    protected void createAddressSpace() {
        as = create();
    }

    /** The start of {@code pages} free pages: mapped anywhere, then unmapped again. */
    protected long freeRange(long pages) {
        long a = as.mmap(0, pages * PAGE, Prot.USER_RW, ANON);
        as.munmap(a, pages * PAGE);
        return a;
    }

    private long mapFixed(long addr, long length, Prot prot) {
        long got = as.mmap(addr, length, prot, ANON | AddressSpace.MAP_FIXED);
        assertThat(got).as("MAP_FIXED returns the address asked for").isEqualTo(addr);
        return got;
    }

    private static void assertErrno(ThrowingCallable call, Errno errno) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno));
    }

    private static void assertSegv(ThrowingCallable call, int siCode) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SegmentationFault.class,
                f -> assertThat(f.siCode()).as(f.getMessage()).isEqualTo(siCode));
    }

    private void assertUnmapped(long va) {
        assertSegv(() -> as.readByte(va), SegmentationFault.SEGV_MAPERR);
    }

    private void assertReadOnly(long va) {
        as.readByte(va);
        assertSegv(() -> as.writeByte(va, (byte) 1), SegmentationFault.SEGV_ACCERR);
    }

    private void assertWritable(long va) {
        byte b = as.readByte(va);
        as.writeByte(va, b);
    }

    // ---- mmap

    @Test
    void mmapReturnsAPageAlignedAddress() {
        assertThat(as.mmap(0, 1, Prot.USER_RW, ANON) % PAGE).isZero();
        assertThat(as.mmap(0, 3 * PAGE + 5, Prot.USER_R, ANON) % PAGE).isZero();
    }

    @Test
    void mmapWithAnUnalignedHintStillReturnsAPageAlignedAddress() {
        long free = freeRange(8);
        long got = as.mmap(free + 2 * PAGE + 0x123, PAGE, Prot.USER_RW, ANON);
        assertThat(got % PAGE).isZero();
    }

    @Test
    void aHintOverAnExistingMappingIsOnlyAHint() {
        long free = freeRange(2);
        mapFixed(free, 2 * PAGE, Prot.USER_RW);
        as.writeLong(free, 31);
        // without MAP_FIXED the kernel picks another place rather than replace (mmap(2))
        long got = as.mmap(free, PAGE, Prot.USER_R, ANON);
        assertThat(got).isNotIn(free, free + PAGE);
        assertThat(as.readLong(free)).isEqualTo(31);
        assertWritable(free + PAGE);
    }

    @Test
    void mmapRoundsTheLengthUpToWholePages() {
        long free = freeRange(4);
        mapFixed(free + PAGE, 1, Prot.USER_RW);
        // one byte asked for, one whole page [free + 0x1000, free + 0x2000) mapped, nothing more
        as.writeByte(free + 2 * PAGE - 1, (byte) 7);
        assertThat(as.readByte(free + 2 * PAGE - 1)).isEqualTo((byte) 7);
        assertUnmapped(free + 2 * PAGE);
        assertUnmapped(free + PAGE - 1);
    }

    @Test
    void mmapOfZeroBytesIsEinval() {
        long free = freeRange(2);
        assertErrno(() -> as.mmap(0, 0, Prot.USER_RW, ANON), Errno.EINVAL);
        assertErrno(() -> as.mmap(free, 0, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED), Errno.EINVAL);
        assertUnmapped(free);
    }

    @Test
    void mapFixedAtAnUnalignedAddressIsEinvalAndMapsNothing() {
        long free = freeRange(4);
        assertErrno(() -> as.mmap(free + PAGE + 8, PAGE, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED), Errno.EINVAL);
        assertErrno(() -> as.mmap(free + PAGE + 8, PAGE, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED_NOREPLACE),
                Errno.EINVAL);
        for (long p = free; p < free + 4 * PAGE; p += PAGE) {
            assertUnmapped(p);
        }
    }

    @Test
    void mapFixedReplacesTheMappingsThereWithFreshZeroPages() {
        long free = freeRange(4);
        mapFixed(free, 4 * PAGE, Prot.USER_RW);
        as.fill(free, 0x5a, 4 * PAGE);
        // replace the two middle pages by a read-only mapping: new rights, zero contents
        mapFixed(free + PAGE, 2 * PAGE, Prot.USER_R);
        assertThat(as.readLong(free + PAGE)).isZero();
        assertThat(as.readByte(free + 3 * PAGE - 1)).isZero();
        assertReadOnly(free + 2 * PAGE);
        // the pages on either side keep their rights and contents
        assertThat(as.readByte(free + PAGE - 1)).isEqualTo((byte) 0x5a);
        assertThat(as.readByte(free + 3 * PAGE)).isEqualTo((byte) 0x5a);
        as.writeByte(free + 3 * PAGE, (byte) 1);
    }

    @Test
    void mapFixedNoreplaceOverAMappingIsEexistAndKeepsIt() {
        long free = freeRange(4);
        mapFixed(free + PAGE, PAGE, Prot.USER_RW);
        as.writeLong(free + PAGE, 0x1122334455667788L);
        // overlapping only by its last page is enough to refuse (mmap(2): "EEXIST ... the range overlaps")
        assertErrno(() -> as.mmap(free, 2 * PAGE, Prot.USER_R, ANON | AddressSpace.MAP_FIXED_NOREPLACE),
                Errno.EEXIST);
        assertUnmapped(free);
        assertThat(as.readLong(free + PAGE)).isEqualTo(0x1122334455667788L);
        assertWritable(free + PAGE);
    }

    @Test
    void mapFixedNoreplaceOnAFreeRangeMapsThere() {
        long free = freeRange(4);
        assertThat(as.mmap(free + PAGE, 2 * PAGE, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED_NOREPLACE))
                .isEqualTo(free + PAGE);
        as.writeByte(free + 3 * PAGE - 1, (byte) 3);
        assertUnmapped(free);
        assertUnmapped(free + 3 * PAGE);
    }

    // ---- munmap

    @Test
    void munmapOfAnUnalignedAddressIsEinvalAndUnmapsNothing() {
        long free = freeRange(2);
        mapFixed(free, 2 * PAGE, Prot.USER_RW);
        as.writeByte(free + 0x10, (byte) 9);
        assertErrno(() -> as.munmap(free + 0x10, PAGE), Errno.EINVAL);
        assertThat(as.readByte(free + 0x10)).isEqualTo((byte) 9);
        assertWritable(free + PAGE);
    }

    @Test
    void munmapOfARangeWithNothingMappedIsFine() {
        long free = freeRange(4);
        as.munmap(free, 4 * PAGE);
        assertUnmapped(free);
    }

    @Test
    void munmapRemovesWholePagesAndOnlyThose() {
        long free = freeRange(3);
        mapFixed(free, 3 * PAGE, Prot.USER_RW);
        as.writeByte(free + 2 * PAGE, (byte) 4);
        // one byte of length covers the whole middle page
        as.munmap(free + PAGE, 1);
        assertUnmapped(free + PAGE);
        assertUnmapped(free + 2 * PAGE - 1);
        assertWritable(free);
        assertThat(as.readByte(free + 2 * PAGE)).isEqualTo((byte) 4);
    }

    @Test
    void aPageMappedAgainAfterMunmapReadsZero() {
        long free = freeRange(1);
        mapFixed(free, PAGE, Prot.USER_RW);
        as.writeLong(free + 8, -1L);
        as.munmap(free, PAGE);
        mapFixed(free, PAGE, Prot.USER_RW);
        assertThat(as.readLong(free + 8)).isZero();
    }

    // ---- loads and stores

    @Test
    void untouchedAnonymousMemoryReadsZero() {
        long a = as.mmap(0, 3 * PAGE, Prot.USER_RW, ANON);
        assertThat(as.readByte(a)).isZero();
        assertThat(as.readLong(a + PAGE + 64)).isZero();
        long r = as.mmap(0, PAGE, Prot.USER_R, ANON);
        assertThat(as.readLong(r + PAGE - 8)).isZero();
    }

    @Test
    void storesAndLoadsAreLittleEndian() {
        long a = as.mmap(0, PAGE, Prot.USER_RW, ANON);
        as.writeLong(a, 0x0807060504030201L);
        // little-endian: the least significant byte at the lowest address
        for (int i = 0; i < 8; i++) {
            assertThat(as.readByte(a + i)).isEqualTo((byte) (i + 1));
        }
        as.writeByte(a + 0x101, (byte) 0xab);
        as.writeByte(a + 0x107, (byte) 0x80);
        assertThat(as.readLong(a + 0x100)).isEqualTo(0x800000000000ab00L);
        // an unaligned long
        as.writeLong(a + 0x203, 0x1122334455667788L);
        assertThat(as.readByte(a + 0x203)).isEqualTo((byte) 0x88);
        assertThat(as.readByte(a + 0x20a)).isEqualTo((byte) 0x11);
        assertThat(as.readLong(a + 0x203)).isEqualTo(0x1122334455667788L);
    }

    @Test
    void aLongMayCrossAPageBoundary() {
        long free = freeRange(2);
        mapFixed(free, 2 * PAGE, Prot.USER_RW);
        long va = free + PAGE - 3; // 3 bytes in the first page, 5 in the second
        as.writeLong(va, 0x0102030405060708L);
        assertThat(as.readLong(va)).isEqualTo(0x0102030405060708L);
        assertThat(as.readByte(free + PAGE - 1)).isEqualTo((byte) 0x06);
        assertThat(as.readByte(free + PAGE)).isEqualTo((byte) 0x05);
        assertThat(as.readByte(free + PAGE + 4)).isEqualTo((byte) 0x01);
    }

    @Test
    void accessOutsideEveryMappingIsSegvMaperr() {
        long free = freeRange(2);
        assertSegv(() -> as.readByte(free + 5), SegmentationFault.SEGV_MAPERR);
        assertSegv(() -> as.readLong(free + PAGE), SegmentationFault.SEGV_MAPERR);
        assertSegv(() -> as.writeByte(free + 5, (byte) 1), SegmentationFault.SEGV_MAPERR);
        assertSegv(() -> as.writeLong(free + PAGE, 1), SegmentationFault.SEGV_MAPERR);
    }

    @Test
    void theFaultNamesTheAddress() {
        long free = freeRange(1);
        assertThatThrownBy(() -> as.readByte(free + 0x123)).isInstanceOfSatisfying(SegmentationFault.class,
                f -> assertThat(f.address()).isEqualTo(free + 0x123));
    }

    @Test
    void aWriteToAReadOnlyMappingIsSegvAccerrAndStoresNothing() {
        long a = as.mmap(0, PAGE, Prot.USER_R, ANON);
        assertSegv(() -> as.writeByte(a + 1, (byte) 1), SegmentationFault.SEGV_ACCERR);
        assertSegv(() -> as.writeLong(a + 8, -1L), SegmentationFault.SEGV_ACCERR);
        assertThat(as.readLong(a)).isZero();
        assertThat(as.readLong(a + 8)).isZero();
    }

    @Test
    void anyAccessToAProtNoneMappingIsSegvAccerr() {
        long a = as.mmap(0, PAGE, Prot.of(Prot.USER), ANON);
        assertSegv(() -> as.readByte(a), SegmentationFault.SEGV_ACCERR);
        assertSegv(() -> as.writeLong(a, 1), SegmentationFault.SEGV_ACCERR);
    }

    @Test
    void aLongStoreThatRunsIntoAReadOnlyPageStoresNothing() {
        long free = freeRange(2);
        mapFixed(free, PAGE, Prot.USER_RW);
        mapFixed(free + PAGE, PAGE, Prot.USER_R);
        // x86 faults are precise: the faulting store is not performed at all
        assertSegv(() -> as.writeLong(free + PAGE - 4, -1L), SegmentationFault.SEGV_ACCERR);
        assertThat(as.readLong(free + PAGE - 8)).isZero();
        assertThat(as.readLong(free + PAGE)).isZero();
    }

    @Test
    void aLongLoadThatRunsIntoAHoleIsSegvMaperr() {
        long free = freeRange(2);
        mapFixed(free, PAGE, Prot.USER_RW);
        assertSegv(() -> as.readLong(free + PAGE - 2), SegmentationFault.SEGV_MAPERR);
    }

    @Test
    void translateOfAnUnmappedAddressIsNotMapped() {
        long free = freeRange(1);
        assertThat(as.translate(free + 0x10)).isEqualTo(PageTable.NOT_MAPPED);
    }

    // ---- mprotect

    @Test
    void mprotectChangesTheRightsOfWholePages() {
        long free = freeRange(3);
        mapFixed(free, 3 * PAGE, Prot.USER_RW);
        as.writeByte(free + PAGE + 5, (byte) 5);
        // a length of one byte covers the whole middle page
        as.mprotect(free + PAGE, 1, Prot.USER_R);
        assertReadOnly(free + PAGE);
        assertReadOnly(free + 2 * PAGE - 1);
        assertThat(as.readByte(free + PAGE + 5)).isEqualTo((byte) 5);
        assertWritable(free + PAGE - 1);
        assertWritable(free + 2 * PAGE);
    }

    @Test
    void mprotectToNoneAndBackKeepsTheContents() {
        long a = as.mmap(0, 2 * PAGE, Prot.USER_RW, ANON);
        as.writeLong(a + PAGE, 42);
        as.mprotect(a, 2 * PAGE, Prot.of(Prot.USER));
        assertSegv(() -> as.readLong(a + PAGE), SegmentationFault.SEGV_ACCERR);
        as.mprotect(a, 2 * PAGE, Prot.USER_RW);
        assertThat(as.readLong(a + PAGE)).isEqualTo(42);
        as.writeLong(a, 1);
    }

    @Test
    void mprotectOfAnUnmappedRangeIsEnomem() {
        long free = freeRange(2);
        assertErrno(() -> as.mprotect(free, 2 * PAGE, Prot.USER_R), Errno.ENOMEM);
        assertUnmapped(free);
    }

    @Test
    void mprotectOfAnUnalignedAddressIsEinvalAndChangesNothing() {
        long a = as.mmap(0, PAGE, Prot.USER_RW, ANON);
        assertErrno(() -> as.mprotect(a + 1, PAGE, Prot.USER_R), Errno.EINVAL);
        assertWritable(a);
    }

    @Test
    void mprotectOverAHoleIsEnomemAndLeavesThePagesAfterTheHole() {
        long free = freeRange(3);
        mapFixed(free, PAGE, Prot.USER_RW);
        mapFixed(free + 2 * PAGE, PAGE, Prot.USER_RW);
        assertErrno(() -> as.mprotect(free, 3 * PAGE, Prot.USER_R), Errno.ENOMEM);
        // Linux stops at the hole (do_mprotect_pkey): the page before it may or may not have
        // changed, the page after it has not
        assertWritable(free + 2 * PAGE);
        assertUnmapped(free + PAGE);
    }

    // ---- mremap

    @Test
    void mremapGrowingInPlaceKeepsTheContentsAndAddsZeroPages() {
        long free = freeRange(4);
        mapFixed(free, PAGE, Prot.USER_RW);
        as.writeLong(free + PAGE - 8, 77);
        // the three pages after it are free: it grows where it is (mremap(2) without MREMAP_MAYMOVE)
        assertThat(as.mremap(free, PAGE, 4 * PAGE, 0)).isEqualTo(free);
        assertThat(as.readLong(free + PAGE - 8)).isEqualTo(77);
        assertThat(as.readLong(free + PAGE)).isZero();
        as.writeByte(free + 4 * PAGE - 1, (byte) 1);
    }

    @Test
    void mremapThatCannotGrowInPlaceIsEnomemWithoutMayMove() {
        long free = freeRange(2);
        mapFixed(free, PAGE, Prot.USER_RW);
        mapFixed(free + PAGE, PAGE, Prot.USER_R); // blocks growth
        as.writeLong(free, 5);
        assertErrno(() -> as.mremap(free, PAGE, 2 * PAGE, 0), Errno.ENOMEM);
        assertThat(as.readLong(free)).isEqualTo(5);
        assertWritable(free);
        assertReadOnly(free + PAGE);
    }

    @Test
    void mremapWithMayMoveGrowsAndKeepsTheContentsWhereverItGoes() {
        long free = freeRange(2);
        mapFixed(free, PAGE, Prot.USER_RW);
        mapFixed(free + PAGE, PAGE, Prot.USER_R); // blocks growth in place
        as.writeLong(free + 16, 0xfeedL);
        long to = as.mremap(free, PAGE, 3 * PAGE, AddressSpace.MREMAP_MAYMOVE);
        assertThat(to % PAGE).isZero();
        assertThat(as.readLong(to + 16)).isEqualTo(0xfeedL);
        assertThat(as.readLong(to + PAGE)).isZero();
        as.writeByte(to + 3 * PAGE - 1, (byte) 1);
        if (to != free) {
            assertUnmapped(free); // a move leaves nothing behind (mremap(2))
        }
        assertReadOnly(free + PAGE);
    }

    @Test
    void mremapShrinkingKeepsTheHeadAndUnmapsTheTail() {
        long free = freeRange(3);
        mapFixed(free, 3 * PAGE, Prot.USER_RW);
        as.writeLong(free + PAGE - 8, 3);
        assertThat(as.mremap(free, 3 * PAGE, PAGE, 0)).isEqualTo(free);
        assertThat(as.readLong(free + PAGE - 8)).isEqualTo(3);
        assertUnmapped(free + PAGE);
        assertUnmapped(free + 3 * PAGE - 1);
    }

    @Test
    void mremapToTheSameLengthChangesNothing() {
        long free = freeRange(2);
        mapFixed(free, PAGE, Prot.USER_RW);
        mapFixed(free + PAGE, PAGE, Prot.USER_R);
        as.writeLong(free, 8);
        assertThat(as.mremap(free, PAGE, PAGE, 0)).isEqualTo(free);
        assertThat(as.readLong(free)).isEqualTo(8);
        assertReadOnly(free + PAGE);
    }

    // ---- madvise

    @Test
    void madvDontneedMakesPrivateAnonymousMemoryReadZero() {
        long a = as.mmap(0, 2 * PAGE, Prot.USER_RW, ANON);
        as.fill(a, 0x77, 2 * PAGE);
        as.madvise(a, PAGE, AddressSpace.MADV_DONTNEED);
        // madvise(2): "subsequent accesses ... zero-fill-on-demand pages" for private anonymous memory
        assertThat(as.readLong(a)).isZero();
        assertThat(as.readByte(a + PAGE - 1)).isZero();
        assertThat(as.readByte(a + PAGE)).isEqualTo((byte) 0x77);
        as.writeByte(a, (byte) 1); // still mapped, still writable
        assertThat(as.readByte(a)).isEqualTo((byte) 1);
    }

    @Test
    void madviseHintsChangeNoContents() {
        long a = as.mmap(0, PAGE, Prot.USER_RW, ANON);
        as.writeLong(a, 99);
        as.madvise(a, PAGE, AddressSpace.MADV_WILLNEED);
        as.madvise(a, PAGE, AddressSpace.MADV_NORMAL);
        assertThat(as.readLong(a)).isEqualTo(99);
    }

    // ---- brk

    @Test
    void brkOfZeroReturnsTheCurrentBreakAndMovesNothing() {
        long b = as.brk(0);
        assertThat(as.brk(0)).isEqualTo(b);
        long grown = as.brk(b + 0x2345);
        assertThat(grown).isEqualTo(b + 0x2345);
        assertThat(as.brk(0)).isEqualTo(b + 0x2345); // the unaligned value is kept (brk(2): mm->brk = brk)
    }

    @Test
    void brkGrowthMakesTheNewRangeUsable() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        assertThat(as.brk(top + 3 * PAGE)).isEqualTo(top + 3 * PAGE);
        // [old break, new break) is fresh zero memory the program may use
        assertThat(as.readLong(top + PAGE)).isZero();
        as.writeLong(b, 0x1234);
        as.writeLong(top + 3 * PAGE - 8, 0x5678);
        assertThat(as.readLong(b)).isEqualTo(0x1234);
        assertThat(as.readLong(top + 3 * PAGE - 8)).isEqualTo(0x5678);
    }

    @Test
    void brkShrinkingGivesThePagesBack() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        as.brk(top + 2 * PAGE);
        as.writeByte(top + PAGE, (byte) 1);
        assertThat(as.brk(top + PAGE)).isEqualTo(top + PAGE);
        assertUnmapped(top + PAGE);
        as.brk(top + 2 * PAGE);
        assertThat(as.readByte(top + PAGE)).as("a page given back and taken again is fresh").isZero();
    }

    @Test
    void aRefusedBrkReturnsTheOldBreakWithoutThrowing() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        long blocker = top + 4 * PAGE;
        assertThat(as.mmap(blocker, PAGE, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED_NOREPLACE)).isEqualTo(blocker);
        as.writeLong(blocker, 6);
        // growing into the mapping is refused: brk(2) returns the break unchanged
        assertThat(as.brk(blocker + 2 * PAGE)).isEqualTo(b);
        assertThat(as.brk(0)).isEqualTo(b);
        assertThat(as.readLong(blocker)).isEqualTo(6);
        // below the start of the heap is refused too (brk < mm->start_brk)
        assertThat(as.brk(PAGE)).isEqualTo(b);
    }

    @Test
    void munmapOfHeapPagesUnmapsThem() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        as.brk(top + 3 * PAGE);
        as.writeLong(top, 1);
        as.writeLong(top + 2 * PAGE, 3);
        // the heap is a mapping like any other (brk(2) makes it with do_brk_flags)
        as.munmap(top + PAGE, PAGE);
        assertUnmapped(top + PAGE);
        assertThat(as.readLong(top)).isEqualTo(1);
        assertThat(as.readLong(top + 2 * PAGE)).isEqualTo(3);
        assertWritable(top + 2 * PAGE);
    }

    @Test
    void brkStillMovesAfterPartOfTheHeapWasUnmapped() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        as.brk(top + 3 * PAGE);
        as.writeLong(top, 1);
        as.munmap(top + PAGE, PAGE);
        // growing checks only [old break, new break + one page) (brk(2): check_brk_limits)
        assertThat(as.brk(top + 5 * PAGE)).isEqualTo(top + 5 * PAGE);
        as.writeLong(top + 5 * PAGE - 8, 2);
        assertUnmapped(top + PAGE);
        // shrinking unmaps [new break, old break), hole and all (do_vmi_align_munmap)
        assertThat(as.brk(top + PAGE)).isEqualTo(top + PAGE);
        assertUnmapped(top + 2 * PAGE);
        assertUnmapped(top + 5 * PAGE - 8);
        assertThat(as.readLong(top)).isEqualTo(1);
    }

    @Test
    void mapFixedOverTheHeapReplacesIt() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        as.brk(top + 2 * PAGE);
        as.writeLong(top + PAGE, 5);
        mapFixed(top + PAGE, PAGE, Prot.USER_R);
        assertThat(as.readLong(top + PAGE)).isZero();
        assertReadOnly(top + PAGE);
        assertWritable(top);
    }

    @Test
    void mprotectOfHeapPagesChangesTheirRights() {
        long b = as.brk(0);
        long top = (b + PAGE - 1) & -PAGE;
        as.brk(top + 2 * PAGE);
        as.writeLong(top, 7);
        as.mprotect(top, PAGE, Prot.USER_R);
        assertReadOnly(top);
        assertThat(as.readLong(top)).isEqualTo(7);
        assertWritable(top + PAGE);
    }

    // ---- copy and fill

    @Test
    void copyBehavesAsMemmoveForwardAndBackward() {
        long free = freeRange(3);
        mapFixed(free, 3 * PAGE, Prot.USER_RW);
        long src = free + PAGE - 50; // crosses into the second page
        for (int i = 0; i < 100; i++) {
            as.writeByte(src + i, (byte) i);
        }
        as.copy(src + 3, src, 100); // overlapping, destination above: must copy backward
        for (int i = 0; i < 100; i++) {
            assertThat(as.readByte(src + 3 + i)).as("byte %d after a move up", i).isEqualTo((byte) i);
        }
        as.copy(src, src + 3, 100); // and back down
        for (int i = 0; i < 100; i++) {
            assertThat(as.readByte(src + i)).as("byte %d after a move down", i).isEqualTo((byte) i);
        }
        as.copy(free + 2 * PAGE + 1, src, 100); // disjoint
        for (int i = 0; i < 100; i++) {
            assertThat(as.readByte(free + 2 * PAGE + 1 + i)).isEqualTo((byte) i);
        }
    }

    @Test
    void fillBehavesAsMemset() {
        long free = freeRange(2);
        mapFixed(free, 2 * PAGE, Prot.USER_RW);
        as.fill(free + PAGE - 10, 0x1ab, 21); // memset uses only the low byte of the value
        assertThat(as.readByte(free + PAGE - 11)).isZero();
        assertThat(as.readByte(free + PAGE - 10)).isEqualTo((byte) 0xab);
        assertThat(as.readByte(free + PAGE + 10)).isEqualTo((byte) 0xab);
        assertThat(as.readByte(free + PAGE + 11)).isZero();
        as.fill(free, 0, 0);
        assertThat(as.readByte(free)).isZero();
    }

    // ---- randomized model check

    /**
     * Thousands of random mmap, munmap, mprotect, MADV_DONTNEED, loads and stores agree with a model: page rights
     * in a sorted map, non-zero bytes in a hash map.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsAgreeWithAPageAndByteModel(long seed) {
        new RandomRun(seed).run(3000);
    }

    private final class RandomRun {
        private static final int ARENA_PAGES = 48;
        private final long seed;
        private final Random random;
        /** Page address to prot bits of every mapping this run made. */
        private final TreeMap<Long, Integer> pages = new TreeMap<>();
        /** Non-zero bytes. */
        private final Map<Long, Byte> bytes = new HashMap<>();
        private final long arena;
        private int op;
        private String what = "";
        private int stores;
        private int loads;
        private int faults;
        private int refused;
        private int dropped;

        RandomRun(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            // calls start in the first ARENA_PAGES pages and span at most 8: they never leave the range
            this.arena = freeRange(ARENA_PAGES + 8);
        }

        void run(int operations) {
            for (op = 0; op < operations; op++) {
                int kind = random.nextInt(100);
                if (kind < 12) {
                    mmapFixed();
                } else if (kind < 15) {
                    mmapAnywhere();
                } else if (kind < 22) {
                    munmap();
                } else if (kind < 30) {
                    mprotect();
                } else if (kind < 31) {
                    badCall();
                } else if (kind < 33) {
                    dontneed();
                } else if (kind < 65) {
                    store();
                } else {
                    load();
                }
            }
            compareAll();
            assertThat(new int[] {stores, loads, faults, refused, dropped})
                    .as("seed %d: stores, loads, faults, refused calls, MADV_DONTNEED calls", seed).doesNotContain(0);
        }

        private long arenaPage() {
            return arena + random.nextInt(ARENA_PAGES) * PAGE;
        }

        private Prot randomProt() {
            return PROTS.get(random.nextInt(PROTS.size()));
        }

        /** A length of {@code n} pages, often not a multiple of the page size. */
        private long lengthOf(int n) {
            return n * PAGE - (random.nextBoolean() ? random.nextInt((int) PAGE) : 0);
        }

        private void mapModel(long addr, int n, Prot prot) {
            for (int i = 0; i < n; i++) {
                unmapPage(addr + i * PAGE);
                pages.put(addr + i * PAGE, prot.bits());
            }
        }

        private void unmapPage(long p) {
            if (pages.remove(p) != null) {
                for (long b = p; b < p + PAGE; b++) {
                    bytes.remove(b);
                }
            }
        }

        private void mmapFixed() {
            long addr = arenaPage();
            int n = 1 + random.nextInt(6);
            long len = lengthOf(n);
            Prot prot = randomProt();
            boolean noreplace = random.nextInt(3) == 0;
            int flags = ANON | (noreplace ? AddressSpace.MAP_FIXED_NOREPLACE : AddressSpace.MAP_FIXED);
            what = String.format("mmap(%#x, %#x, %s, %s)", addr, len, prot, noreplace ? "MAP_FIXED_NOREPLACE" : "MAP_FIXED");
            boolean clash = !pages.subMap(addr, addr + n * PAGE).isEmpty();
            SimulationException thrown = attempt(() -> as.mmap(addr, len, prot, flags));
            if (noreplace && clash) {
                expectErrno(thrown, Errno.EEXIST);
                refused++;
                return;
            }
            expectErrno(thrown, null);
            mapModel(addr, n, prot);
        }

        private void mmapAnywhere() {
            if (pages.size() > 4 * ARENA_PAGES) {
                return;
            }
            int n = 1 + random.nextInt(4);
            long len = lengthOf(n);
            Prot prot = randomProt();
            what = String.format("mmap(0, %#x, %s, MAP_PRIVATE|MAP_ANONYMOUS)", len, prot);
            long got;
            try {
                got = as.mmap(0, len, prot, ANON);
            } catch (SimulationException e) {
                fail(describe("threw %s", e));
                return;
            }
            if (got % PAGE != 0 || !pages.subMap(got, got + n * PAGE).isEmpty()) {
                fail(describe("returned %#x, which is unaligned or overlaps a live mapping", got));
            }
            mapModel(got, n, prot);
        }

        private void munmap() {
            long addr;
            int n;
            if (!pages.isEmpty() && random.nextInt(4) == 0) {
                addr = pick(); // one page the model knows: never someone else's mapping
                n = 1;
            } else {
                addr = arenaPage();
                n = 1 + random.nextInt(8);
            }
            long len = lengthOf(n);
            what = String.format("munmap(%#x, %#x)", addr, len);
            expectErrno(attempt(() -> as.munmap(addr, len)), null);
            for (int i = 0; i < n; i++) {
                unmapPage(addr + i * PAGE);
            }
        }

        private void mprotect() {
            boolean known = random.nextInt(3) == 0 && !pages.isEmpty();
            long addr = known ? pick() : arenaPage();
            int n = known ? 1 : 1 + random.nextInt(4);
            long len = lengthOf(n);
            Prot prot = randomProt();
            what = String.format("mprotect(%#x, %#x, %s)", addr, len, prot);
            int firstHole = -1;
            for (int i = 0; i < n && firstHole < 0; i++) {
                if (!pages.containsKey(addr + i * PAGE)) {
                    firstHole = i;
                }
            }
            SimulationException thrown = attempt(() -> as.mprotect(addr, len, prot));
            if (firstHole < 0) {
                expectErrno(thrown, null);
                for (int i = 0; i < n; i++) {
                    pages.put(addr + i * PAGE, prot.bits());
                }
                return;
            }
            expectErrno(thrown, Errno.ENOMEM);
            refused++;
            if (firstHole > 0 && prefixChanged(addr, firstHole, prot)) {
                // Linux applies mprotect VMA by VMA up to the hole (do_mprotect_pkey)
                for (int i = 0; i < firstHole; i++) {
                    pages.put(addr + i * PAGE, prot.bits());
                }
            }
        }

        /**
         * After an mprotect that failed at a hole: did the {@code n} pages before the hole take
         * the new rights (Linux) or keep theirs (an implementation that checks first)? A probe of
         * the first page whose loads or stores would tell the difference decides; if none would,
         * the model may as well take the new rights.
         */
        private boolean prefixChanged(long addr, int n, Prot prot) {
            for (int i = 0; i < n; i++) {
                long p = addr + i * PAGE;
                int old = pages.get(p);
                boolean oldR = (old & Prot.READ) != 0;
                boolean oldW = (old & Prot.WRITE) != 0;
                if (oldR == prot.canRead() && oldW == prot.canWrite()) {
                    continue;
                }
                what += " then a probe of " + hex(p);
                // rights are none, r or rw (plus exec): readability or writability differs
                if (oldR != prot.canRead()) {
                    boolean canRead = attempt(() -> as.readByte(p)) == null;
                    return canRead == prot.canRead();
                }
                byte b = bytes.getOrDefault(p, (byte) 0);
                boolean canWrite = attempt(() -> as.writeByte(p, b)) == null;
                return canWrite == prot.canWrite();
            }
            return true;
        }

        /** MADV_DONTNEED over mapped pages only (over a hole Linux says ENOMEM, which the contract leaves open). */
        private void dontneed() {
            long addr = arenaPage();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (!pages.containsKey(addr + i * PAGE)) {
                    return;
                }
            }
            what = String.format("madvise(%#x, %#x, MADV_DONTNEED)", addr, n * PAGE);
            expectErrno(attempt(() -> as.madvise(addr, n * PAGE, AddressSpace.MADV_DONTNEED)), null);
            for (long b = addr; b < addr + n * PAGE; b++) {
                bytes.remove(b);
            }
            dropped++;
        }

        private void badCall() {
            long addr = arenaPage();
            int which = random.nextInt(4);
            SimulationException thrown;
            if (which == 0) {
                what = String.format("munmap(%#x, 0x1000)", addr + 8);
                thrown = attempt(() -> as.munmap(addr + 8, PAGE));
            } else if (which == 1) {
                what = String.format("mmap(%#x, 0x1000, MAP_FIXED)", addr + 8);
                thrown = attempt(() -> as.mmap(addr + 8, PAGE, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED));
            } else if (which == 2) {
                what = String.format("mmap(%#x, 0, MAP_FIXED)", addr);
                thrown = attempt(() -> as.mmap(addr, 0, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED));
            } else {
                what = String.format("mprotect(%#x, 0x1000)", addr + 8);
                thrown = attempt(() -> as.mprotect(addr + 8, PAGE, Prot.USER_R));
            }
            expectErrno(thrown, Errno.EINVAL);
            refused++;
        }

        /**
         * An address for an access of {@code n} bytes in a live page (mostly) or anywhere in the
         * arena, often crossing into the next page, but never into a page of someone else's
         * mapping (the process's own text, stack, vdso...), which the model does not know.
         */
        private long randomAddress(int n) {
            long page = !pages.isEmpty() && random.nextInt(5) > 0 ? pick() : arenaPage();
            long off = random.nextInt(3) == 0 ? PAGE - 1 - random.nextInt(12) : random.nextInt((int) PAGE);
            long next = page + PAGE;
            boolean nextKnown = pages.containsKey(next) || Long.compareUnsigned(next - arena, (ARENA_PAGES + 8) * PAGE) < 0;
            if (off + n > PAGE && !nextKnown) {
                off = PAGE - n;
            }
            return page + off;
        }

        private long pick() {
            int n = random.nextInt(pages.size());
            for (long p : pages.keySet()) {
                if (n-- == 0) {
                    return p;
                }
            }
            throw new AssertionError();
        }

        /** The si_code the model expects for an access of {@code va}, or 0 if allowed. */
        private int denied(long va, boolean write) {
            Integer prot = pages.get(va & -PAGE);
            if (prot == null) {
                return SegmentationFault.SEGV_MAPERR;
            }
            return (prot & (write ? Prot.WRITE : Prot.READ)) == 0 ? SegmentationFault.SEGV_ACCERR : 0;
        }

        private void store() {
            boolean wide = random.nextBoolean();
            long va = randomAddress(wide ? 8 : 1);
            long value = random.nextInt(4) == 0 ? 0 : random.nextLong();
            int n = wide ? 8 : 1;
            what = wide ? String.format("writeLong(%#x, %#x)", va, value)
                    : String.format("writeByte(%#x, %#x)", va, (byte) value);
            SimulationException thrown = attempt(() -> {
                if (wide) {
                    as.writeLong(va, value);
                } else {
                    as.writeByte(va, (byte) value);
                }
            });
            if (expectAccess(thrown, va, n, true)) {
                for (int i = 0; i < n; i++) {
                    byte b = (byte) (value >>> (8 * i));
                    if (b == 0) {
                        bytes.remove(va + i);
                    } else {
                        bytes.put(va + i, b);
                    }
                }
                stores++;
            }
        }

        private void load() {
            boolean wide = random.nextBoolean();
            long va = randomAddress(wide ? 8 : 1);
            int n = wide ? 8 : 1;
            what = wide ? String.format("readLong(%#x)", va) : String.format("readByte(%#x)", va);
            long[] got = new long[1];
            SimulationException thrown = attempt(() -> got[0] = wide ? as.readLong(va) : as.readByte(va));
            if (expectAccess(thrown, va, n, false)) {
                long expected = wide ? modelLong(va) : bytes.getOrDefault(va, (byte) 0);
                if (got[0] != expected) {
                    fail(describe("read %#x, the model says %#x", got[0], expected));
                }
                loads++;
            }
        }

        private long modelLong(long va) {
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (bytes.getOrDefault(va + i, (byte) 0) & 0xff);
            }
            return v;
        }

        /**
         * Checks the outcome of an access of {@code n} bytes at {@code va}; true when it was
         * allowed. A denied access must fault at a byte the model denies, with that byte's si_code
         * (which of two bad pages a split access reports first is the CPU's business).
         */
        private boolean expectAccess(SimulationException thrown, long va, int n, boolean write) {
            boolean allowed = true;
            for (int i = 0; i < n; i++) {
                allowed &= denied(va + i, write) == 0;
            }
            if (allowed) {
                if (thrown != null) {
                    fail(describe("threw %s, the model allows it", thrown));
                }
                return true;
            }
            if (!(thrown instanceof SegmentationFault)) {
                fail(describe("threw %s, the model expects a SegmentationFault", thrown));
            }
            SegmentationFault f = (SegmentationFault) thrown;
            long at = f.address();
            if (Long.compareUnsigned(at - (va & -PAGE), (va + n - 1 | (PAGE - 1)) - (va & -PAGE) + 1) >= 0) {
                fail(describe("faulted at %#x, outside the pages accessed", at));
            }
            int expected = denied(at, write);
            if (expected == 0 || f.siCode() != expected) {
                fail(describe("faulted at %#x with si_code %d, the model says %d there", at, f.siCode(), expected));
            }
            faults++;
            return false;
        }

        private void compareAll() {
            what = "full comparison of " + pages.size() + " pages";
            for (Map.Entry<Long, Byte> e : bytes.entrySet()) {
                if ((pages.get(e.getKey() & -PAGE) & Prot.READ) != 0) {
                    byte got = as.readByte(e.getKey());
                    if (got != e.getValue()) {
                        fail(describe("byte at %#x is %#x, the model says %#x", e.getKey(), got, e.getValue()));
                    }
                }
            }
            List<Long> live = new ArrayList<>(pages.keySet());
            for (long p : live) {
                int prot = pages.get(p);
                SimulationException thrown = attempt(() -> as.readLong(p + PAGE - 8));
                boolean readable = (prot & Prot.READ) != 0;
                if ((thrown == null) != readable) {
                    fail(describe("a load at %#x gave %s, the model says readable=%s", p + PAGE - 8, thrown, readable));
                }
            }
        }

        private SimulationException attempt(Runnable call) {
            try {
                call.run();
                return null;
            } catch (SimulationException e) {
                return e;
            }
        }

        private void expectErrno(SimulationException thrown, Errno expected) {
            if (expected == null && thrown != null) {
                fail(describe("threw %s, the model expected success", thrown));
            }
            if (expected != null && !(thrown instanceof SyscallException && ((SyscallException) thrown).errno() == expected)) {
                fail(describe("threw %s, the model expected %s", thrown, expected));
            }
        }

        private String describe(String template, Object... args) {
            return String.format("seed %d, operation %d, %s: %s", seed, op, what, String.format(template, args));
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
