package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMAs of one mm, sorted and non-overlapping, the role of {@code mm->mm_mt} (the maple tree) in
 * Linux 6.6. Operations follow mm/mmap.c and mm/vma.c: {@link #findVma} is {@code find_vma()},
 * {@link #split} is {@code __split_vma()}, {@link #munmap} is {@code do_vmi_munmap()} (partial overlaps
 * split first), and {@link #map} inserts then merges with its neighbours as {@code vma_merge()} does
 * (rules of {@code is_mergeable_vma()} and {@code can_vma_merge_before/after()}).
 *
 * <p>Differs from Linux on purpose: a {@link TreeMap} keyed by start address (unsigned order) instead
 * of a maple tree; merging compares values (flags ignoring VM_SOFTDIRTY, file, name, contiguous pgoff,
 * not VM_SPECIAL) since there is no anon_vma, mempolicy or vm_ops; {@link #insert} never merges and
 * refuses overlaps (Linux's mmap would unmap the old range first); no {@code vm.max_map_count} limit.
 */
public final class VmaSet {
    private static final Logger LOG = LoggerFactory.getLogger(VmaSet.class);

    private final TreeMap<Long, Vma> byStart = new TreeMap<>(Long::compareUnsigned);
    private int modCount;

    /** Changes whenever the set changes, so callers may cache a lookup (Linux's old vmacache). */
    public int modCount() {
        return modCount;
    }

    /** Number of VMAs ({@code mm->map_count}). */
    public int size() {
        return byStart.size();
    }

    /** All VMAs in ascending address order. */
    public List<Vma> list() {
        return List.copyOf(byStart.values());
    }

    /**
     * Adds {@code vma} as is, without merging.
     *
     * @throws InvalidArgumentException if it overlaps an existing VMA (the set is unchanged)
     */
    public Vma insert(Vma vma) {
        Objects.requireNonNull(vma, "vma");
        Optional<Vma> clash = findVma(vma.start());
        if (clash.isPresent() && Long.compareUnsigned(clash.get().start(), vma.end()) < 0) {
            Vma c = clash.get();
            throw new InvalidArgumentException(String.format(
                    "vma %x-%x overlaps existing vma %x-%x: VMAs of one mm must not overlap",
                    vma.start(), vma.end(), c.start(), c.end()));
        }
        modCount++;
        byStart.put(vma.start(), vma);
        LOG.debug("insert vma {}-{}", Long.toHexString(vma.start()), Long.toHexString(vma.end()));
        return vma;
    }

    /**
     * Inserts {@code vma}, then merges it with the previous and/or next VMA when
     * {@link #canMerge} allows (vma_merge cases: extend prev, extend next down, or 3 → 1).
     *
     * @return the VMA now covering {@code vma}'s range
     */
    public Vma map(Vma vma) {
        Vma cur = insert(vma);
        Map.Entry<Long, Vma> prev = byStart.lowerEntry(cur.start());
        if (prev != null && canMerge(prev.getValue(), cur)) {
            cur = replaceTwo(prev.getValue(), cur);
        }
        Map.Entry<Long, Vma> next = byStart.higherEntry(cur.start());
        if (next != null && canMerge(cur, next.getValue())) {
            cur = replaceTwo(cur, next.getValue());
        }
        return cur;
    }

    private Vma replaceTwo(Vma lower, Vma upper) {
        modCount++;
        byStart.remove(upper.start());
        Vma merged = new Vma(lower.start(), upper.end(), lower.flags(), lower.pgoff(), lower.file(),
                lower.name());
        modCount++;
        byStart.put(merged.start(), merged);
        LOG.debug("merged vma {}-{}", Long.toHexString(merged.start()), Long.toHexString(merged.end()));
        return merged;
    }

    /**
     * The merge test for {@code lower} directly below {@code upper} (is_mergeable_vma plus the pgoff
     * check of can_vma_merge_after, mm/vma.c Linux 6.6).
     */
    public static boolean canMerge(Vma lower, Vma upper) {
        return lower.end() == upper.start()
                && ((lower.flags() ^ upper.flags()) & ~Vma.VM_SOFTDIRTY) == 0
                && (lower.flags() & Vma.VM_SPECIAL) == 0
                && Objects.equals(lower.file(), upper.file())
                && Objects.equals(lower.name(), upper.name())
                && lower.pgoff() + lower.pages() == upper.pgoff();
    }

    /** {@code find_vma()}: the first VMA with {@code end > addr}, which may start above addr. */
    public Optional<Vma> findVma(long addr) {
        Map.Entry<Long, Vma> floor = byStart.floorEntry(addr);
        if (floor != null && Long.compareUnsigned(floor.getValue().end(), addr) > 0) {
            return Optional.of(floor.getValue());
        }
        Map.Entry<Long, Vma> higher = byStart.higherEntry(addr);
        return higher == null ? Optional.empty() : Optional.of(higher.getValue());
    }

    /**
     * {@code __split_vma()}: cuts the VMA containing {@code addr} into {@code [start, addr)} and
     * {@code [addr, end)}; the upper part's pgoff advances by the pages below addr.
     *
     * @return the upper part
     * @throws InvalidArgumentException unless addr is page aligned and strictly inside one VMA
     */
    public Vma split(long addr) {
        InvalidArgumentException.check((addr & (Vma.PAGE_SIZE - 1)) == 0,
                "split address %s is not page aligned (must be a multiple of %s)", addr, Vma.PAGE_SIZE);
        Map.Entry<Long, Vma> e = byStart.floorEntry(addr);
        if (e == null || !e.getValue().contains(addr) || e.getValue().start() == addr) {
            throw new InvalidArgumentException(String.format(
                    "split address %x is not strictly inside a vma (allowed: start < addr < end)", addr));
        }
        Vma v = e.getValue();
        Vma lower = v.slice(v.start(), addr);
        Vma upper = v.slice(addr, v.end());
        modCount++;
        byStart.put(lower.start(), lower);
        modCount++;
        byStart.put(upper.start(), upper);
        return upper;
    }

    /**
     * {@code do_vmi_munmap()}: removes every mapped byte of {@code [start, start + len)}, len rounded up
     * to whole pages; VMAs straddling either end are split first. Unmapping holes is not an error.
     *
     * @return the removed pieces in ascending order
     * @throws InvalidArgumentException if start is not page aligned or len is not positive
     */
    public List<Vma> munmap(long start, long len) {
        InvalidArgumentException.check((start & (Vma.PAGE_SIZE - 1)) == 0,
                "munmap start %s is not page aligned (must be a multiple of %s)", start, Vma.PAGE_SIZE);
        InvalidArgumentException.check(len > 0, "munmap length %s must be positive", len);
        long end = start + ((len + Vma.PAGE_SIZE - 1) & -Vma.PAGE_SIZE);
        InvalidArgumentException.check(Long.compareUnsigned(start, end) < 0,
                "munmap range at %s of length %s wraps around the address space", start, len);
        Optional<Vma> first = findVma(start);
        if (first.isEmpty() || Long.compareUnsigned(first.get().start(), end) >= 0) {
            return List.of();
        }
        if (first.get().contains(start) && first.get().start() != start) {
            split(start);
        }
        Optional<Vma> last = findVma(end - 1);
        if (last.isPresent() && last.get().contains(end) && last.get().start() != end) {
            split(end);
        }
        List<Vma> removed = new ArrayList<>(byStart.subMap(start, true, end, false).values());
        for (Vma v : removed) {
            modCount++;
            byStart.remove(v.start());
        }
        LOG.debug("munmap {}-{} removed {} vmas", Long.toHexString(start), Long.toHexString(end),
                removed.size());
        return removed;
    }
}
