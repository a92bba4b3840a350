/** The CPU modes lesson: real mode and A20, the GDT and protected mode, paging switched on. */
package io.pagelab.lessons.modes;
