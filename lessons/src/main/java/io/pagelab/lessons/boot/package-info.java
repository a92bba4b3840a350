/** The boot-memory lesson: firmware e820 map, sanitizing, holes, memblock and zones. */
package io.pagelab.lessons.boot;
