/** Zone and migrate-type vocabulary and the formulas around zones: gfp_zone, watermarks, lowmem_reserve. */
package io.pagelab.kernel.zone;
