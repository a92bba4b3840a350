/**
 * Text diagrams for lessons: pictures of the physical address space (to scale and log-scaled),
 * human-readable sizes, and the {@link io.pagelab.lessons.diagram.Painter} that colours them.
 */
package io.pagelab.lessons.diagram;
