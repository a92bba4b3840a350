package io.pagelab.api.testkit;

import io.pagelab.api.AddressSpace;

/** {@link NaiveAddressSpace} meets the whole {@link AddressSpaceContract}. */
class NaiveAddressSpaceContractTest extends AddressSpaceContract {
    @Override
    protected AddressSpace create() {
        return new NaiveAddressSpace();
    }
}
