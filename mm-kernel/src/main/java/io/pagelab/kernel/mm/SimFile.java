package io.pagelab.kernel.mm;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A file as the page cache sees it: an inode ({@link MappedFile} carries path, device and inode
 * number), its size, its bytes, and the pages of it currently cached
 * ({@code struct address_space}'s xarray, include/linux/fs.h). Shared anonymous memory is a
 * shmem file of this kind too (mm/shmem.c: shmem_zero_setup names it "/dev/zero (deleted)").
 *
 * <p>Differs from Linux on purpose: there is no disk; a file's content is a byte array given at
 * creation (pages past it read zero), and dirty pages stay in the cache (no writeback).
 */
final class SimFile {
    final int id;
    final MappedFile identity;
    final long size;
    final byte[] content;
    final boolean shmem;
    /**
     * True for a shmem object whose size was charged to vm_committed_as when it was set up
     * (shmem_acct_size: every shmem object not created with VM_NORESERVE).
     */
    boolean accounted;
    /** page index → pfn of the cached page. */
    final Map<Long, Long> pages = new HashMap<>();

    SimFile(int id, MappedFile identity, long size, byte[] content, boolean shmem) {
        this.id = id;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.size = size;
        this.content = content;
        this.shmem = shmem;
    }
}
