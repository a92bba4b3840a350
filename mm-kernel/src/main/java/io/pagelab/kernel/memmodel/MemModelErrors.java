package io.pagelab.kernel.memmodel;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;

/** Messages shared by the memory models. */
final class MemModelErrors {
    private MemModelErrors() {
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static InvalidArgumentException invalidPfn(String model, long pfn, String rule) {
        return new InvalidArgumentException(model + ": pfn " + hex(pfn) + " is not valid: " + rule);
    }

    static BadAddressException notAPage(String model, long page, String rule) {
        return new BadAddressException(page, model + ": address " + hex(page) + " is not a struct page: " + rule);
    }
}
