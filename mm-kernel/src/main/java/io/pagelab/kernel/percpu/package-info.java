/**
 * The per-CPU allocator (mm/percpu.c, include/linux/percpu.h, arch/x86/kernel/setup_percpu.c,
 * Linux 6.x): the embedded first chunk built at boot ({@link io.pagelab.kernel.percpu.PcpuAllocInfo},
 * pcpu_build_alloc_info / pcpu_embed_first_chunk, with the kernel's boot lines), dynamic
 * allocation from chunks with an allocation bitmap
 * ({@link io.pagelab.kernel.percpu.PercpuAllocator}: pcpu_alloc, free_percpu) and the address
 * arithmetic {@code per_cpu_ptr(ptr, cpu) = ptr + __per_cpu_offset[cpu]}.
 */
package io.pagelab.kernel.percpu;
