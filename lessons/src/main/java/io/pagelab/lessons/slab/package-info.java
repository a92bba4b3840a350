/** The slab lessons: SLUB caches, the freelist and its hardening, the fast path, kmalloc vs vmalloc. */
package io.pagelab.lessons.slab;
