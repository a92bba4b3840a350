package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.testkit.AddressSpaceContract;

/** {@link LabProcess}, the malloc-lab's flat process, meets the whole {@link AddressSpaceContract}. */
class LabProcessContractTest extends AddressSpaceContract {
    @Override
    protected AddressSpace create() {
        return new LabProcess();
    }
}
