/** The pagelab SDK: interfaces, value types and errors shared by every simulated component. */
package io.pagelab.api;
