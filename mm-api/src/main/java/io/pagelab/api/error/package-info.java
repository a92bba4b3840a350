/**
 * The one exception hierarchy of pagelab: every failure a simulated component reports is a
 * {@link io.pagelab.api.error.SimulationException}, so a lesson or a grader can catch them all.
 * Each message says what was wrong, the offending value (addresses in hex) and what is allowed.
 */
package io.pagelab.api.error;
