/**
 * Where the kernel image goes and how KASLR hides it: the load address from CONFIG_PHYSICAL_START
 * and CONFIG_PHYSICAL_ALIGN and the boot-protocol setup header, the physical and virtual choice of
 * arch/x86/boot/compressed/kaslr.c: choose_random_location(), and the randomized bases of the
 * direct map, vmalloc and vmemmap of arch/x86/mm/kaslr.c: kernel_randomize_memory(). Every random
 * choice comes from a {@link io.pagelab.kernel.kaslr.RandomSource} the user seeds.
 */
package io.pagelab.kernel.kaslr;
