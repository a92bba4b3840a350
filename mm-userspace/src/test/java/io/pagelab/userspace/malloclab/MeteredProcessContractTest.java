package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.testkit.AddressSpaceContract;

/** A {@link MeteredProcess} passes every call through, so it meets the whole {@link AddressSpaceContract} too. */
class MeteredProcessContractTest extends AddressSpaceContract {
    @Override
    protected AddressSpace create() {
        return new MeteredProcess(new LabProcess());
    }
}
