/**
 * C++ {@code new} and {@code delete} at the level of calls and memory layout: the libsupc++
 * operators over malloc/free and the Itanium C++ ABI's array cookies.
 */
package io.pagelab.userspace.cxx;
