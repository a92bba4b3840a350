/** The "arch" lesson: the same mappings on x86-64, arm64 and RISC-V Sv39, compared bit by bit. */
package io.pagelab.lessons.arch;
