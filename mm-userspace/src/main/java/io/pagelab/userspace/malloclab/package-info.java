/**
 * CS:APP's malloc lab, run inside a simulated process: the {@link
 * io.pagelab.userspace.malloclab.HeapAllocator} contract (mm_init/mm_malloc/mm_free/mm_realloc),
 * {@code .rep} traces ({@link io.pagelab.userspace.malloclab.RepTrace}, pagelab's own set in
 * {@code traces/}), the driver that measures utilization and throughput ({@link
 * io.pagelab.userspace.malloclab.MallocLab}), the reference allocators, and glibc's ptmalloc2
 * behind the same contract, checked address for address against real glibc 2.36.
 */
package io.pagelab.userspace.malloclab;
