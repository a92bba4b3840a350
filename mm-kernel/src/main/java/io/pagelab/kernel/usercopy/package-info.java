/**
 * Hardened usercopy (mm/usercopy.c, mm/slub.c: __check_heap_object, Linux 6.x): the checks
 * copy_to_user / copy_from_user run on the kernel side of a copy
 * ({@link io.pagelab.kernel.usercopy.HardenedUsercopy}).
 */
package io.pagelab.kernel.usercopy;
