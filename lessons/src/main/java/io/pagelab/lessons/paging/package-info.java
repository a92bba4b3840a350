/** The paging lessons: a page walk by hand, the TLB and PCIDs. */
package io.pagelab.lessons.paging;
