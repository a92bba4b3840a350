package io.pagelab.kernel.mm;

/**
 * The reverse-map fields of {@code struct page} that the process model needs, per frame, in
 * primitive arrays created per 128 MiB section on first use (like the rest of pagelab's memmap):
 * {@code page->mapping} as an owner id and {@code page->index}.
 *
 * <pre>
 *   owner  &gt; 0  anonymous page of {@link AnonVma} #owner   (Linux: mapping = anon_vma | PAGE_MAPPING_ANON)
 *   owner  &lt; 0  page-cache page of {@link SimFile} #-owner (Linux: mapping = the file's address_space)
 *   owner == 0  not a user page
 *   index       anonymous: the virtual page number it was created at (linear_page_index);
 *               file: its page offset in the file
 * </pre>
 */
final class FrameInfo {
    private static final int SECTION_SHIFT = 15;
    private static final int PER_SECTION = 1 << SECTION_SHIFT;

    private int[][] owner = new int[64][];
    private long[][] index = new long[64][];

    private void ensure(long pfn) {
        int s = (int) (pfn >>> SECTION_SHIFT);
        if (s >= owner.length) {
            int n = Math.max(s + 1, owner.length * 2);
            owner = java.util.Arrays.copyOf(owner, n);
            index = java.util.Arrays.copyOf(index, n);
        }
        if (owner[s] == null) {
            owner[s] = new int[PER_SECTION];
            index[s] = new long[PER_SECTION];
        }
    }

    int owner(long pfn) {
        int s = (int) (pfn >>> SECTION_SHIFT);
        return s < owner.length && owner[s] != null ? owner[s][(int) pfn & (PER_SECTION - 1)] : 0;
    }

    long index(long pfn) {
        int s = (int) (pfn >>> SECTION_SHIFT);
        return s < index.length && index[s] != null ? index[s][(int) pfn & (PER_SECTION - 1)] : 0;
    }

    void set(long pfn, int ownerId, long idx) {
        ensure(pfn);
        int s = (int) (pfn >>> SECTION_SHIFT);
        owner[s][(int) pfn & (PER_SECTION - 1)] = ownerId;
        index[s][(int) pfn & (PER_SECTION - 1)] = idx;
    }

    void clear(long pfn) {
        int s = (int) (pfn >>> SECTION_SHIFT);
        if (s < owner.length && owner[s] != null) {
            owner[s][(int) pfn & (PER_SECTION - 1)] = 0;
            index[s][(int) pfn & (PER_SECTION - 1)] = 0;
        }
    }
}
